/**
 * The email's one-click links: GET and POST on `/act` and `/unsubscribe` served by one function, whose role may do
 * exactly what the links need (the action core's grants, the link's single use on the meeting, the unsubscribe on
 * the user, the signing keys read-only); NotifyEmail gets the keys read-only and the API's public URL.
 */
import {
  BuiltStack,
  buildStack,
  environmentOf,
  grantLines,
  grantsOfFunction,
  logicalIdOf,
  render,
  renderToken,
  resource,
  resourcesOfType,
  sortedUnique,
  LAMBDA_TRACING_GRANTS,
  WITH_ALARMS_AND_KEYS,
} from './helpers';

let built: BuiltStack;

beforeAll(() => {
  // With dev's settings, plus the alarms and the tables' key that staging and prod have.
  built = buildStack({ context: WITH_ALARMS_AND_KEYS });
});

const emailActions = () => {
  const e = built.stack.emailActions;
  if (!e) throw new Error('the dev stack has no email actions');
  return e;
};
const linkFunctionId = () => logicalIdOf(emailActions().function.function);

describe('the email link routes', () => {
  it('serve GET and POST on /act and /unsubscribe, and nothing else, with the link function', () => {
    const fnId = linkFunctionId();
    const methods = resourcesOfType(built.json, 'AWS::ApiGateway::Method').filter(([, m]) =>
      render((m.Properties['Integration'] as Record<string, unknown>)['Uri']).includes(fnId),
    );
    const routes = methods.map(([, m]) => {
      const parent = render(m.Properties['ResourceId']).replace(/^\$\{(.+)\}$/, '$1');
      return `${String(m.Properties['HttpMethod'])} /${String(resource(built.json, parent).Properties['PathPart'])}`;
    });

    expect(routes.sort()).toEqual(['GET /act', 'GET /unsubscribe', 'POST /act', 'POST /unsubscribe']);
  });

  it('run the handler the code exports', () => {
    const fn = resource(built.json, linkFunctionId());
    expect(fn.Properties['Handler']).toBe('index.handler');
    expect(fn.Metadata?.['exec-assistant:entry']).toBe('lambda/actions/email-link.ts');
  });
});

describe('the link function', () => {
  it('may do what the action core needs, record a link’s use on the meeting, unsubscribe the user, and read the signing keys: nothing more', () => {
    // Arrange
    const { stack } = built;
    const t = (value: string) => renderToken(stack, value);
    const { meetings, users, chatSessions } = stack.tables;
    const key = t((stack.tables.encryptionKey as NonNullable<typeof stack.tables.encryptionKey>).keyArn);
    const slackBot = stack.slackBot as NonNullable<typeof stack.slackBot>;
    const expected = sortedUnique([
      ...grantLines(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [t(meetings.tableArn)]),
      ...grantLines(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [t(users.tableArn)]),
      // Sessions: read only (whether a claimed meeting's session still holds it); the worker creates and ends them.
      ...grantLines(['dynamodb:GetItem'], [t(chatSessions.tableArn)]),
      ...grantLines(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [key]),
      ...grantLines(
        ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        [t(stack.linkSigningKeys.secretArn)],
      ),
      ...grantLines(['sqs:SendMessage'], [t(slackBot.worker.queue.queueArn)]),
      ...grantLines(['iam:PassRole'], [t(slackBot.schedulerRole.roleArn)]),
      ...LAMBDA_TRACING_GRANTS,
    ]);

    // Act
    const actual = grantsOfFunction(built.json, linkFunctionId());
    const scheduler = actual.filter((g) => g.startsWith('scheduler:'));

    // Assert
    expect(actual.filter((g) => !g.startsWith('scheduler:') && !g.startsWith('sqs:GetQueue'))).toEqual(expected);
    expect(scheduler.map((g) => g.split(' ')[0]).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:GetSchedule']);
    expect(scheduler.every((g) => g.endsWith('/*}') || /schedule\/.+\/\*/.test(g))).toBe(true);
    expect(actual.join('\n')).not.toContain(t(stack.slackSecret.secretArn));
    expect(actual.join('\n')).not.toContain(t(stack.twilioSecret.secretArn));
  });

  it('is told the signing keys by ARN only', () => {
    const env = environmentOf(resource(built.json, linkFunctionId()));
    expect(render(env['ACTION_LINK_SECRET_ARN'])).toBe(renderToken(built.stack, built.stack.linkSigningKeys.secretArn));
    expect(Object.keys(env).filter((name) => /KEY/.test(name) && name !== 'ACTION_LINK_SECRET_ARN')).toEqual([]);
  });
});

describe('NotifyEmail signs the links', () => {
  it('with the signing keys (by ARN) and the API stage URL built from the API id and the literal stage name', () => {
    const notifyEmail = built.stack.workflow?.functions.notifyEmail;
    if (!notifyEmail) throw new Error('the dev stack has no NotifyEmail');
    const env = environmentOf(resource(built.json, logicalIdOf(notifyEmail.function)));
    const apiId = logicalIdOf((built.stack.slackBot as NonNullable<typeof built.stack.slackBot>).api);

    expect(render(env['ACTION_LINK_SECRET_ARN'])).toBe(renderToken(built.stack, built.stack.linkSigningKeys.secretArn));
    expect(render(env['PUBLIC_API_URL'])).toBe(
      `https://\${${apiId}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/dev`,
    );
  });
});
