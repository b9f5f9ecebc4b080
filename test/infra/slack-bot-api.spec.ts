/**
 * The Slack bot's infrastructure: the one route, the stage's throttling and access logs, the webhook URL output,
 * the reminders' schedule group and role, and the bot function's scoped permissions.
 */
import { Match } from 'aws-cdk-lib/assertions';
import {
  buildStack,
  BuiltStack,
  environmentOf,
  logicalIdOf,
  render,
  renderToken,
  resource,
  resourcesOfType,
  slackBotOf,
  workflowOf,
} from './helpers';

let built: BuiltStack;

beforeAll(() => {
  built = buildStack();
});

const botFunctionId = () => logicalIdOf(slackBotOf(built.stack).function.function);
const botPolicyStatements = (): Record<string, unknown>[] => {
  const roleId = logicalIdOf(slackBotOf(built.stack).function.function.role as never);
  return resourcesOfType(built.json, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties['Roles'] as unknown[]).some((r) => render(r) === `\${${roleId}}`))
    .flatMap(([, p]) => (p.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement);
};
const actionsOf = (s: Record<string, unknown>): string[] => ([] as string[]).concat(s['Action'] as string | string[]);

describe('the webhook API', () => {
  it('has one method for the bot: POST /slack/webhook, proxied to the bot function', () => {
    const methods = resourcesOfType(built.json, 'AWS::ApiGateway::Method').filter(([, m]) =>
      render((m.Properties['Integration'] as Record<string, unknown>)['Uri']).includes(`\${${botFunctionId()}.Arn}`),
    );
    expect(methods).toHaveLength(1);
    const [, method] = methods[0] as [string, { Properties: Record<string, unknown> }];
    expect(method.Properties['HttpMethod']).toBe('POST');
    expect(render((method.Properties['Integration'] as Record<string, unknown>)['Uri'])).toContain(
      `\${${botFunctionId()}.Arn}`,
    );
    const paths = resourcesOfType(built.json, 'AWS::ApiGateway::Resource').map(([, r]) => r.Properties['PathPart']);
    expect(paths).toEqual(expect.arrayContaining(['slack', 'webhook']));
  });

  it('throttles the stage as the stage setting says (dev: 10 req/s, burst 20) and writes access logs', () => {
    built.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
      ]),
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue(), Format: Match.anyValue() }),
    });
  });

  it('outputs the webhook URL', () => {
    const output = built.template.findOutputs('SlackWebhookUrl');
    expect(render(output['SlackWebhookUrl']?.['Value'])).toMatch(
      /^https:\/\/\$\{.+\}\.execute-api\..+\/\$\{.+\}\/slack\/webhook$/,
    );
  });
});

describe('the bot function', () => {
  it('runs the exported handler with 512 MB and a 10 s timeout, and is told its tables, group, role and state machine', () => {
    const fn = built.json.Resources[botFunctionId()];
    expect(fn?.Properties).toMatchObject({ Handler: 'index.handler', MemorySize: 512, Timeout: 10 });
    const vars = (fn?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining([
        'MEETINGS_TABLE_NAME',
        'USERS_TABLE_NAME',
        'CHAT_SESSIONS_TABLE_NAME',
        'SLACK_SECRET_ARN',
        'SCHEDULE_GROUP_NAME',
        'SCHEDULER_ROLE_ARN',
        'STATE_MACHINE_ARN',
      ]),
    );
    const slackBot = slackBotOf(built.stack);
    const workflow = workflowOf(built.stack);
    expect(render(vars['SCHEDULE_GROUP_NAME'])).toBe(
      renderToken(built.stack, slackBot.scheduleGroup.scheduleGroupName),
    );
    expect(render(vars['SCHEDULER_ROLE_ARN'])).toBe(renderToken(built.stack, slackBot.schedulerRole.roleArn));
    expect(render(vars['STATE_MACHINE_ARN'])).toBe(renderToken(built.stack, workflow.stateMachine.stateMachineArn));
  });

  it('may create, read, update and delete schedules only in its own group', () => {
    const statements = botPolicyStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('scheduler:')));
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0] as Record<string, unknown>).sort()).toEqual([
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:GetSchedule',
      'scheduler:UpdateSchedule',
    ]);
    const group = renderToken(built.stack, slackBotOf(built.stack).scheduleGroup.scheduleGroupName);
    expect(render(statements[0]?.['Resource'])).toMatch(
      new RegExp(`:schedule/${group.replace(/[${}]/g, '\\$&')}/\\*$`),
    );
  });

  it('may pass only the scheduler role, and only to EventBridge Scheduler', () => {
    const statements = botPolicyStatements().filter((s) => actionsOf(s).includes('iam:PassRole'));
    expect(statements).toHaveLength(1);
    expect(render(statements[0]?.['Resource'])).toBe(
      renderToken(built.stack, slackBotOf(built.stack).schedulerRole.roleArn),
    );
    expect(statements[0]?.['Condition']).toEqual({
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
  });

  it('has exactly the table actions it uses', () => {
    const dynamo = botPolicyStatements()
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .map((s) => actionsOf(s).sort().join(','));
    expect(dynamo.sort()).toEqual(
      [
        // Sessions: read only (whether a claimed meeting's session still holds it); the worker creates, advances and
        // ends them, and looks a user's sessions up.
        'dynamodb:GetItem',
        'dynamodb:GetItem,dynamodb:Query,dynamodb:UpdateItem',
        // Users: read, and the preferences saved from the Home tab.
        'dynamodb:GetItem,dynamodb:UpdateItem',
        'dynamodb:Query',
      ]
        .concat(
          // The claims of interactions (a replay acts once): put and given back, `slack#` keys of the SMS answers table.
          'dynamodb:DeleteItem,dynamodb:PutItem',
        )
        .sort(),
    );
  });

  it('claims interactions in the SMS answers table, on `slack#` keys only', () => {
    const tables = built.stack.tables;
    const [claims, ...others] = botPolicyStatements().filter((s) => actionsOf(s).includes('dynamodb:PutItem'));
    expect(others).toEqual([]);
    expect(render(claims?.['Resource'])).toBe(renderToken(built.stack, tables.smsReplies.tableArn));
    expect(claims?.['Condition']).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['slack#*'] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
    const fn = resource(built.json, botFunctionId());
    expect(render(environmentOf(fn)['INTERACTION_CLAIMS_TABLE_NAME'])).toBe(
      renderToken(built.stack, tables.smsReplies.tableName),
    );
  });

  it('may only Query the indexes, and nothing else on them', () => {
    const onIndexes = botPolicyStatements().filter((s) => JSON.stringify(s['Resource']).includes('/index/'));
    expect(onIndexes).toHaveLength(1);
    expect(actionsOf(onIndexes[0] as (typeof onIndexes)[number])).toEqual(['dynamodb:Query']);
  });
});

describe('reminder schedules', () => {
  it('have a schedule group of the stack', () => {
    built.template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
  });

  it('use a role only EventBridge Scheduler can assume, allowed only to start the prep state machine, queue digests and dead-letter', () => {
    const roleId = logicalIdOf(slackBotOf(built.stack).schedulerRole);
    const role = built.json.Resources[roleId];
    const trust = (role?.Properties['AssumeRolePolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Action: 'sts:AssumeRole', Principal: { Service: 'scheduler.amazonaws.com' } });
    const policies = resourcesOfType(built.json, 'AWS::IAM::Policy').filter(([, p]) =>
      (p.Properties['Roles'] as unknown[]).some((r) => render(r) === `\${${roleId}}`),
    );
    const statements = policies.flatMap(
      ([, p]) => (p.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement,
    );
    expect(statements.map((s) => actionsOf(s))).toEqual([['states:StartExecution'], ['sqs:SendMessage']]);
    expect(render(statements[0]?.['Resource'])).toBe(
      renderToken(built.stack, workflowOf(built.stack).stateMachine.stateMachineArn),
    );
    // Dead-lettering, and the digest schedules' target: the bot's work queue.
    const bot = slackBotOf(built.stack);
    expect(statements[1]?.['Resource']).toEqual([
      { 'Fn::GetAtt': [logicalIdOf(bot.reminderDeadLetterQueue), 'Arn'] },
      { 'Fn::GetAtt': [logicalIdOf(bot.worker.queue), 'Arn'] },
    ]);
  });
});
