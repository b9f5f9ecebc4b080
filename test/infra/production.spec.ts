/**
 * Production readiness: alarms and their topic, the dashboard, the rollback flag, stage-driven settings, and the
 * security review (cdk-nag AWS Solutions checks) passing with every remaining finding acknowledged.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../../lib/config';
import { MeetingPrepStack } from '../../lib/meeting-prep-stack';
import {
  BuiltStack,
  buildStack,
  cdkJsonContext,
  logicalIdOf,
  removeTemporaryOutdir,
  render,
  resourcesOfType,
  thrownBy,
  WITH_ALARMS_AND_KEYS,
} from './helpers';

let dev: BuiltStack;
let prod: BuiltStack;
let off: BuiltStack;

beforeAll(() => {
  // dev's settings (thresholds) with its alarms, dashboard and keys on, to compare with prod's.
  dev = buildStack({ context: WITH_ALARMS_AND_KEYS });
  prod = buildStack({ context: { stage: 'prod', alarmEmail: 'oncall@acme-exec.example' } });
  off = buildStack({ context: { ...WITH_ALARMS_AND_KEYS, enablePrepNotification: 'false' } });
});

const alarmsOf = (built: BuiltStack) =>
  resourcesOfType(built.json, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);

describe('alarms', () => {
  it("cover failed and timed-out executions, AllChannelsFailed, the DLQ, webhook 5xx, and each function's errors and throttles", () => {
    const metrics = alarmsOf(dev).map((p) => `${String(p['Namespace'])}/${String(p['MetricName'])}`);

    expect(metrics).toEqual(
      expect.arrayContaining([
        'AWS/States/ExecutionsFailed',
        'AWS/States/ExecutionsTimedOut',
        'ExecAssistant/MeetingPrep/AllChannelsFailed',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
        'AWS/ApiGateway/5XXError',
      ]),
    );
    const functions = resourcesOfType(dev.json, 'AWS::Lambda::Function').length;
    expect(metrics.filter((m) => m === 'AWS/Lambda/Errors')).toHaveLength(functions);
    expect(metrics.filter((m) => m === 'AWS/Lambda/Throttles')).toHaveLength(functions);
  });

  it('watch AllChannelsFailed with the dimension the functions emit it with', () => {
    const allFailed = alarmsOf(dev).find((p) => p['MetricName'] === 'AllChannelsFailed');

    expect(allFailed).toMatchObject({
      Dimensions: [{ Name: 'service', Value: 'meeting-prep' }],
      Threshold: 1,
      Statistic: 'Sum',
    });
  });

  it('notify the alarm topic when raised and when cleared', () => {
    const topicId = logicalIdOf(
      dev.stack.monitoring?.alarmTopic as NonNullable<NonNullable<typeof dev.stack.monitoring>['alarmTopic']>,
    );

    for (const alarm of alarmsOf(dev)) {
      expect(alarm['AlarmActions']).toEqual([{ Ref: topicId }]);
      expect(alarm['OKActions']).toEqual([{ Ref: topicId }]);
      expect(alarm['TreatMissingData']).toBe('notBreaching');
    }
  });

  it('are stricter in prod than in dev', () => {
    const threshold = (built: BuiltStack, metric: string) =>
      alarmsOf(built).find((p) => p['MetricName'] === metric)?.['Threshold'];

    expect(threshold(dev, 'ExecutionsFailed')).toBe(5);
    expect(threshold(prod, 'ExecutionsFailed')).toBe(1);
    expect(threshold(dev, '5XXError')).toBe(5);
    expect(threshold(prod, '5XXError')).toBe(1);
  });
});

describe('the alarm topic', () => {
  it('is encrypted with a customer-managed key that CloudWatch may use, and refuses non-TLS publishing', () => {
    const topic = resourcesOfType(dev.json, 'AWS::SNS::Topic')[0]?.[1];
    const keyId = (topic?.Properties['KmsMasterKeyId'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

    dev.template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      }),
    });
    expect(dev.json.Resources[keyId]?.Type).toBe('AWS::KMS::Key');
    dev.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('emails the address given as alarmEmail, and nobody when none is given', () => {
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@acme-exec.example',
    });
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('is an output', () => {
    expect(Object.keys(dev.template.findOutputs('AlarmTopicArn'))).toEqual(['AlarmTopicArn']);
  });
});

describe('the dashboard', () => {
  it('shows the executions, deliveries by channel, skips, Slack interactions, the webhook, the DLQ and the functions', () => {
    const dashboard = resourcesOfType(dev.json, 'AWS::CloudWatch::Dashboard')[0]?.[1];
    const body = render(dashboard?.Properties['DashboardBody']);

    for (const title of [
      'Executions',
      'Notifications delivered, by channel',
      'Skipped, by reason',
      'Slack interactions, by kind',
      'Webhook',
      'Dead-letter queue',
      'Lambda errors and throttles',
    ]) {
      expect(body).toContain(`"title":"${title}"`);
    }
    expect(body).toContain(
      '"ExecAssistant/MeetingPrep","NotificationsDelivered","Channel","sms","service","meeting-prep"',
    );
    // The API's metrics are its own, not those of another stage's API in the same account.
    expect(body).toContain('"AWS/ApiGateway","5XXError","ApiName","MeetingPrepTest-slack-webhook"');
  });
});

describe('enablePrepNotification', () => {
  it('is on by default: the workflow, its rule and the bot exist', () => {
    dev.template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    // The MeetingPrepRequired rule and the SES delivery events rule.
    dev.template.resourceCountIs('AWS::Events::Rule', 2);
    dev.template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
  });

  it('off: no workflow, rule, bot, schedules or alarms are synthesized', () => {
    for (const type of [
      'AWS::StepFunctions::StateMachine',
      'AWS::Events::Rule',
      'AWS::ApiGateway::RestApi',
      'AWS::Lambda::Function',
      'AWS::Scheduler::ScheduleGroup',
      'AWS::CloudWatch::Alarm',
      'AWS::SQS::Queue',
    ]) {
      off.template.resourceCountIs(type, 0);
    }
  });

  it('off: the tables, their key and the secrets stay, with the same logical ids, so their data is kept', () => {
    const kept = (built: BuiltStack) =>
      ['AWS::DynamoDB::Table', 'AWS::SecretsManager::Secret']
        .flatMap((type) => resourcesOfType(built.json, type).map(([id]) => id))
        .sort();

    expect(kept(off)).toHaveLength(7);
    expect(kept(off)).toEqual(kept(dev));
    const tablesKey = logicalIdOf(off.stack.tables.encryptionKey as NonNullable<typeof off.stack.tables.encryptionKey>);
    expect(Object.keys(off.template.findResources('AWS::KMS::Key'))).toEqual([tablesKey]);
  });

  it('refuses anything but true or false, in one message with the other problems', () => {
    const error = thrownBy(() => buildStack({ context: { enablePrepNotification: 'maybe', stage: 'qa' } }));

    expect(error.message).toContain('context enablePrepNotification must be true or false, got "maybe"');
    expect(error.message).toContain('context stage must be one of dev, staging, prod, got "qa"');
  });
});

describe('stage settings', () => {
  it('throttle the webhook harder in dev than in prod', () => {
    const throttle = (built: BuiltStack) =>
      (
        resourcesOfType(built.json, 'AWS::ApiGateway::Stage')[0]?.[1].Properties['MethodSettings'] as Record<
          string,
          unknown
        >[]
      )[0];

    expect(throttle(dev)).toMatchObject({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    expect(throttle(prod)).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });
});

describe('security review as code (cdk-nag AWS Solutions checks)', () => {
  const synthWithNag = (context: Record<string, string>) => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const config = loadConfig((key) => app.node.tryGetContext(key));
    new MeetingPrepStack(app, 'NagCheck', { config });
    try {
      app.synth();
    } finally {
      removeTemporaryOutdir(app);
    }
  };

  it.each([
    ['dev', {}],
    [
      'prod with email and alarms',
      { stage: 'prod', sesFromEmail: 'assistant@acme-exec.example', alarmEmail: 'oncall@acme-exec.example' },
    ],
    [
      'imported tables',
      {
        meetingsTableName: 'meetings-x',
        usersTableName: 'users-x',
        chatSessionsTableName: 'sessions-x',
        tableEncryptionKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc',
      },
    ],
    ['the flag off', { enablePrepNotification: 'false' }],
    [
      'imported secrets and their key',
      {
        slackSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-AbCdEf',
        twilioSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:twilio-GhIjKl',
        secretsEncryptionKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/def',
      },
    ],
  ])('passes with zero unacknowledged findings: %s', (_name, context) => {
    expect(() => synthWithNag(context)).not.toThrow();
  });

  it('fails the synth when a finding is not acknowledged', () => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new MeetingPrepStack(app, 'NagNegative', {
      config: loadConfig((key) => app.node.tryGetContext(key)),
    });
    // A queue with no DLQ and no SSL enforcement, as a careless change would add.
    new (require('aws-cdk-lib/aws-sqs') as typeof import('aws-cdk-lib/aws-sqs')).Queue(stack, 'Careless');

    try {
      expect(() => app.synth()).toThrow();
    } finally {
      removeTemporaryOutdir(app);
    }
  });
});
