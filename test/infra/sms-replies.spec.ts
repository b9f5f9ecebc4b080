/**
 * SMS replies: the `POST /twilio/sms` route and its function (the exact public URL it checks signatures against,
 * its grants: the action core's plus the phone index, the answers table and the Twilio secret, nothing more), the
 * answers table, and the users table's phone index.
 */
import {
  BuiltStack,
  buildStack,
  grantsOfFunction,
  logicalIdOf,
  render,
  resource,
  resourcesOfType,
  WITH_ALARMS_AND_KEYS,
} from './helpers';

let built: BuiltStack;

beforeAll(() => {
  // With dev's settings, plus the alarms and the tables' key that staging and prod have.
  built = buildStack({ context: WITH_ALARMS_AND_KEYS });
});

const sms = () => {
  const s = built.stack.smsReplies;
  if (!s) throw new Error('the dev stack has no SMS replies');
  return s;
};
const fnId = () => logicalIdOf(sms().function.function);
const usersId = () => logicalIdOf(built.stack.tables.users);
const answersId = () => logicalIdOf(sms().answersTable);
const variables = () =>
  (resource(built.json, fnId()).Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;

describe('the users table', () => {
  it('has an index by phone number, keys only (an inbound SMS names its sender by number)', () => {
    const indexes = resource(built.json, usersId()).Properties['GlobalSecondaryIndexes'] as Record<string, unknown>[];
    expect(indexes).toContainEqual({
      IndexName: 'phone_number-index',
      KeySchema: [{ AttributeName: 'phone_number', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
  });
});

describe('the answers table', () => {
  it('is keyed by MessageSid, expires its items, and is encrypted with the tables key, with point-in-time recovery', () => {
    expect(sms().answersTable).toBe(built.stack.tables.smsReplies);
    const props = resource(built.json, answersId()).Properties;
    expect(props).toMatchObject({
      KeySchema: [{ AttributeName: 'message_sid', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const key = built.stack.tables.encryptionKey;
    if (!key) throw new Error('no tables key');
    expect(render((props['SSESpecification'] as Record<string, unknown>)['KMSMasterKeyId'])).toBe(
      `\${${logicalIdOf(key)}.Arn}`,
    );
  });
});

describe('POST /twilio/sms', () => {
  it('is served by the SMS reply function, whose handler is the exported one', () => {
    const methods = resourcesOfType(built.json, 'AWS::ApiGateway::Method').filter(([, m]) =>
      render((m.Properties['Integration'] as Record<string, unknown>)['Uri']).includes(fnId()),
    );
    expect(methods).toHaveLength(1);
    const [, method] = methods[0] as [string, { Properties: Record<string, unknown> }];
    expect(method.Properties['HttpMethod']).toBe('POST');
    const parent = resource(built.json, render(method.Properties['ResourceId']).replace(/^\$\{|\}$/g, '')).Properties;
    expect(parent['PathPart']).toBe('sms');
    expect(resource(built.json, fnId()).Properties['Handler']).toBe('index.handler');
    expect(resource(built.json, fnId()).Metadata?.['exec-assistant:entry']).toBe('lambda/actions/sms-reply.ts');
  });

  it('checks signatures against the exact public URL of the route, which is the stack output', () => {
    const url = render(variables()['TWILIO_SMS_WEBHOOK_URL']);
    expect(url).toMatch(
      /^https:\/\/\$\{SlackBotApi[0-9A-F]+\}\.execute-api\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}\/dev\/twilio\/sms$/,
    );
    expect(render(built.template.findOutputs('TwilioSmsWebhookUrl')['TwilioSmsWebhookUrl']?.['Value'])).toBe(url);
  });

  it('may query the users table by phone only through its phone index, read and write the answers, and read the Twilio secret', () => {
    const lines = grantsOfFunction(built.json, fnId());
    const users = `\${${usersId()}.Arn}`;
    expect(lines).toContain(`dynamodb:Query ${users}/index/phone_number-index`);
    expect(lines).not.toContain(`dynamodb:Query ${users}`);
    expect(lines.filter((g) => g.startsWith('dynamodb:') && g.endsWith(users)).map((g) => g.split(' ')[0])).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']),
    );
    expect(
      lines
        .filter((g) => g.endsWith(`\${${answersId()}.Arn}`))
        .map((g) => g.split(' ')[0])
        .sort(),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // Sessions: read only, as the action core needs (the worker creates and ends them).
    const sessions = `\${${logicalIdOf(built.stack.tables.chatSessions as never)}.Arn}`;
    expect(lines.filter((g) => g.endsWith(sessions)).map((g) => g.split(' ')[0])).toEqual(['dynamodb:GetItem']);
    expect(render(variables()['TWILIO_SECRET_ARN'])).toBe(`\${${logicalIdOf(built.stack.twilioSecret as never)}}`);
    expect(
      lines.some(
        (g) =>
          g.startsWith('secretsmanager:GetSecretValue') && g.includes(logicalIdOf(built.stack.slackSecret as never)),
      ),
    ).toBe(false);
  });
});
