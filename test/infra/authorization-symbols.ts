/**
 * The symbols of docs/AUTHORIZATION.md, resolved against one synthesized stack: each names a concrete ARN, value or
 * caller of the template. Most are read from the template itself (function metadata and environment), the rest
 * from the constructs the stack exposes.
 */
import { Stack } from 'aws-cdk-lib';
import { BuiltStack, asObject, environmentOf, lambdaFunctions, resource, roleOfFunction } from './helpers';
import { Caller, TemplatePolicies } from './iam-simulation';
import { ACCOUNT, FOREIGN_ACCOUNT, PARTITION, REGION } from './template-resolver';

const arn = (service: string, rest: string, account = ACCOUNT) =>
  `arn:${PARTITION}:${service}:${REGION}:${account}:${rest}`;

/** A stack's symbols: values by name, callers by name, and the function entries (for `fn:*` rows). */
export interface Symbols {
  readonly values: ReadonlyMap<string, string>;
  readonly callers: ReadonlyMap<string, Caller>;
  /** `fn:<entry>` of every function in the stack. */
  readonly functions: readonly string[];
  /** Per function symbol: its own log group's ARN. */
  readonly ownLogGroups: ReadonlyMap<string, string>;
}

/** Symbols that mean the same in every stack. */
export function commonSymbols(): Map<string, string> {
  return new Map([
    ['*', '*'],
    ['account', ACCOUNT],
    ['foreign-account', FOREIGN_ACCOUNT],
    ['dynamodb-via', `dynamodb.${REGION}.amazonaws.com`],
    ['secretsmanager-via', `secretsmanager.${REGION}.amazonaws.com`],
    ['scheduler.amazonaws.com', 'scheduler.amazonaws.com'],
    ['lambda.amazonaws.com', 'lambda.amazonaws.com'],
    ['other-table', arn('dynamodb', 'table/someone-elses-table')],
    ['other-log-group', arn('logs', 'log-group:/aws/lambda/someone-else:*')],
    ['other-state-machine', arn('states', 'stateMachine:SomeoneElses')],
    ['foreign-state-machine', arn('states', 'stateMachine:StateMachine', FOREIGN_ACCOUNT)],
    ['other-execution', arn('states', 'execution:SomeoneElses:m-1')],
    ['other-rule', arn('events', 'rule/someone-elses-rule')],
    ['foreign-rule', arn('events', 'rule/MeetingPrepRequiredRule', FOREIGN_ACCOUNT)],
    ['other-schedule-group', arn('scheduler', 'schedule-group/default')],
    ['foreign-alarm', arn('cloudwatch', 'alarm:ExecutionsFailed', FOREIGN_ACCOUNT)],
    ['foreign-api', `arn:${PARTITION}:execute-api:${REGION}:${FOREIGN_ACCOUNT}:abcdef1234/prod/POST/slack/webhook`],
    ['other-sender', 'someone@elsewhere.example'],
    ['other-ses-identity', arn('ses', 'identity/elsewhere.example')],
    ['api-log-group', arn('logs', 'log-group:API-Gateway-Execution-Logs_abcdef1234/prod:*')],
    // Partition keys (dynamodb:LeadingKeys) of the SMS answers table: the Slack bot's interaction claims, a Twilio SID.
    ['slack-claim-key', 'slack#action#T05QX8K2M7N#U024BE7LH#home_cancel_reminder#8094326180213.5819172483012.3f6b2a9c'],
    ['twilio-message-sid', 'SM0123456789abcdef0123456789abcdef'],
  ]);
}

/** Resolves the main stack's symbols. */
export function stackSymbols(built: BuiltStack, policies: TemplatePolicies): Symbols {
  const { resolver, json } = policies;
  const values = commonSymbols();
  const callers = new Map<string, Caller>();
  const ownLogGroups = new Map<string, string>();
  const token = (value: string) => resolver.resolveString(Stack.of(built.stack).resolve(value));
  const functions: string[] = [];
  const envOf: Record<string, Record<string, unknown>> = {};

  for (const [entry, { logicalId, resource: fn }] of lambdaFunctions(json)) {
    const name = `fn:${entry.replace(/^lambda\//, '').replace(/\.ts$/, '')}`;
    functions.push(name);
    values.set(name, resolver.getAtt(logicalId, 'Arn'));
    callers.set(name, policies.roleCaller(roleOfFunction(json, logicalId)));
    const logging = fn.Properties['LoggingConfig'];
    if (logging !== undefined) {
      const group = resolver.resolveString(asObject(logging, 'LoggingConfig')['LogGroup']);
      ownLogGroups.set(name, arn('logs', `log-group:${group}:*`));
    }
    envOf[name] = resolver.resolve(environmentOf(fn)) as Record<string, unknown>;
  }
  const env = (fn: string, key: string): string | undefined => {
    const value = envOf[fn]?.[key];
    return typeof value === 'string' ? value : undefined;
  };
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) values.set(name, value);
  };
  const bot = 'fn:slack-bot/handler';
  const tableArn = (tableName: string | undefined) => (tableName ? arn('dynamodb', `table/${tableName}`) : undefined);
  set('table:meetings', tableArn(env(bot, 'MEETINGS_TABLE_NAME')));
  set('table:users', tableArn(env(bot, 'USERS_TABLE_NAME')));
  set('table:chat-sessions', tableArn(env(bot, 'CHAT_SESSIONS_TABLE_NAME')));
  const index = (table: string | undefined, name: string) => (table ? `${table}/index/${name}` : undefined);
  set('index:meetings', index(values.get('table:meetings'), 'user_id-start_time-index'));
  set('index:chat-sessions', index(values.get('table:chat-sessions'), 'user_id-created_at-index'));
  set('index:users-phone', index(values.get('table:users'), 'phone_number-index'));
  set('table:sms-replies', tableArn(env('fn:actions/sms-reply', 'SMS_REPLIES_TABLE_NAME')));
  set('secret:slack', env(bot, 'SLACK_SECRET_ARN'));
  set('secret:twilio', env('fn:channels/sms/notify', 'TWILIO_SECRET_ARN'));
  set('secret:link-keys', env('fn:actions/email-link', 'ACTION_LINK_SECRET_ARN'));
  set('state-machine', env('fn:workflow/start-execution', 'STATE_MACHINE_ARN'));
  const machine = values.get('state-machine');
  if (machine) set('execution', `${machine.replace(':stateMachine:', ':execution:')}:m-123-abc`);
  set('role:reminder', env(bot, 'SCHEDULER_ROLE_ARN'));
  set('queue:reminder-dlq', env(bot, 'REMINDER_DEAD_LETTER_QUEUE_ARN'));
  const group = env(bot, 'SCHEDULE_GROUP_NAME');
  if (group) {
    set('schedule-group', arn('scheduler', `schedule-group/${group}`));
    set('schedule:in-group', arn('scheduler', `schedule/${group}/prep-reminder-m-123`));
    set('schedule:default-group', arn('scheduler', 'schedule/default/prep-reminder-m-123'));
    set('foreign-schedule-group', arn('scheduler', `schedule-group/${group}`, FOREIGN_ACCOUNT));
  }
  const key = built.stack.tables.encryptionKey;
  if (key) set('key:tables', token(key.keyArn));
  const secretsKey = (built.config as { secretsEncryptionKeyArn?: string }).secretsEncryptionKeyArn;
  set('key:secrets', secretsKey);
  if (built.config.sesFromEmail) {
    set('sender', built.config.sesFromEmail);
    set('ses-identity', arn('ses', `identity/${built.config.sesFromEmail}`));
  }

  const { workflow, slackBot, monitoring } = built.stack;
  if (workflow) {
    set('queue:dlq', token(workflow.deadLetterQueue.queueArn));
    set('rule', token(workflow.rule.ruleArn));
    const stateMachineRole = resolver.resolveString(resource(json, logicalIdOfMachine(json)).Properties['RoleArn']);
    values.set('role:state-machine', stateMachineRole);
    callers.set('role:state-machine', policies.roleCaller(policies.roleIdOfArn(stateMachineRole)));
  }
  if (slackBot) {
    set('queue:slack-work', token(slackBot.worker.queue.queueArn));
    set('queue:slack-work-dlq', token(slackBot.worker.deadLetterQueue.queueArn));
    const stage = slackBot.api.deploymentStage.stageName;
    set(
      'api-webhook',
      `arn:${PARTITION}:execute-api:${REGION}:${ACCOUNT}:${token(slackBot.api.restApiId)}/${token(stage)}/POST/slack/webhook`,
    );
  }
  const { receipts } = built.stack;
  if (receipts && slackBot) {
    const stage = slackBot.api.deploymentStage.stageName;
    set(
      'api-twilio-status',
      `arn:${PARTITION}:execute-api:${REGION}:${ACCOUNT}:${token(slackBot.api.restApiId)}/${token(stage)}/POST/twilio/status`,
    );
    set('ses-rule', token(receipts.sesEventsRule.ruleArn));
    set('configuration-set', arn('ses', `configuration-set/${token(receipts.configurationSet.configurationSetName)}`));
    for (const [symbol, route] of [
      ['api-act-get', 'GET/act'],
      ['api-act-post', 'POST/act'],
      ['api-unsubscribe-get', 'GET/unsubscribe'],
      ['api-unsubscribe-post', 'POST/unsubscribe'],
    ] as const) {
      set(
        symbol,
        `arn:${PARTITION}:execute-api:${REGION}:${ACCOUNT}:${token(slackBot.api.restApiId)}/${token(stage)}/${route}`,
      );
    }
  }
  if (built.stack.smsReplies && slackBot) {
    const stage = slackBot.api.deploymentStage.stageName;
    set(
      'api-twilio-sms',
      `arn:${PARTITION}:execute-api:${REGION}:${ACCOUNT}:${token(slackBot.api.restApiId)}/${token(stage)}/POST/twilio/sms`,
    );
  }
  const reminderRole = values.get('role:reminder');
  if (reminderRole) callers.set('role:reminder', policies.roleCaller(policies.roleIdOfArn(reminderRole)));
  if (monitoring?.alarmTopic) {
    set('topic:alarms', token(monitoring.alarmTopic.topicArn));
    const topicKey = monitoring.alarmTopic.masterKey;
    if (topicKey) set('key:alarm-topic', token(topicKey.keyArn));
    const [firstAlarm] = monitoring.alarms;
    if (firstAlarm) set('alarm', token(firstAlarm.alarmArn));
  }
  return { values, callers, functions, ownLogGroups };
}

function logicalIdOfMachine(json: BuiltStack['json']): string {
  const found = Object.entries(json.Resources).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (!found) throw new Error('no state machine in the template');
  return found[0];
}
