/**
 * What a first deploy to a real account needs beyond permissions: API Gateway's account-wide logging role owned by
 * no stage, the state machine's log group where it needs no logs resource policy, and reminders that cannot fail
 * in silence (a dead-letter queue and alarms on the schedule group).
 */
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccountStack } from '../../lib/account-stack';
import {
  BuiltStack,
  buildStack,
  environmentOf,
  lambdaFunctions,
  logicalIdOf,
  render,
  renderToken,
  removeTemporaryOutdir,
  resourcesOfType,
  slackBotOf,
  stateMachineOf,
  templateJson,
  TEST_STACK_ID,
} from './helpers';

let dev: BuiltStack;
let prod: BuiltStack;

beforeAll(() => {
  dev = buildStack({ context: { stage: 'dev' } });
  prod = buildStack({ context: { stage: 'prod' } });
});

describe("API Gateway's account-level logging role", () => {
  it('is owned by no stage stack, so destroying dev cannot take prod’s logging with it', () => {
    for (const built of [dev, prod]) {
      expect(resourcesOfType(built.json, 'AWS::ApiGateway::Account')).toEqual([]);
      const apigatewayRoles = resourcesOfType(built.json, 'AWS::IAM::Role').filter(([, r]) =>
        JSON.stringify(r.Properties['AssumeRolePolicyDocument']).includes('apigateway.amazonaws.com'),
      );
      expect(apigatewayRoles).toEqual([]);
    }
  });

  it('is created once by the account stack and retained when that stack is deleted', () => {
    // Arrange
    const stack = new AccountStack(new App({ builtinCloudFormationValidation: false }), 'AccountTest');

    // Act
    const json = templateJson(Template.fromStack(stack));

    // Assert
    const [account] = resourcesOfType(json, 'AWS::ApiGateway::Account');
    expect(account?.[1]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': [logicalIdOf(stack.apiGatewayLoggingRole), 'Arn'] } },
    });
    expect(json.Resources[logicalIdOf(stack.apiGatewayLoggingRole)]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('passes the AWS Solutions checks with only the managed-policy finding acknowledged', () => {
    // Arrange
    const app = new App({ builtinCloudFormationValidation: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new AccountStack(app, 'AccountNag');

    // Act / Assert
    try {
      expect(() => app.synth()).not.toThrow();
    } finally {
      removeTemporaryOutdir(app);
    }
  });
});

describe('state machine logs', () => {
  it('go to a log group under /aws/vendedlogs/states/, named after the stack', () => {
    // Arrange
    const machine = stateMachineOf(dev.json);
    const destination = JSON.stringify(machine.properties['LoggingConfiguration']);
    const [groupId] = /"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/.exec(destination)?.slice(1) ?? [];

    // Act
    const group = dev.json.Resources[groupId ?? ''];

    // Assert
    expect(render(group?.Properties['LogGroupName'])).toBe(`/aws/vendedlogs/states/${TEST_STACK_ID}-prep-notification`);
  });
});

describe('reminders cannot fail in silence', () => {
  it('the bot gives every schedule the encrypted, TLS-only reminder dead-letter queue', () => {
    // Arrange
    const bot = slackBotOf(dev.stack);
    const queueId = logicalIdOf(bot.reminderDeadLetterQueue);

    // Act
    const handler = lambdaFunctions(dev.json).get('lambda/slack-bot/handler.ts');

    // Assert
    expect(handler && render(environmentOf(handler.resource)['REMINDER_DEAD_LETTER_QUEUE_ARN'])).toBe(
      renderToken(dev.stack, bot.reminderDeadLetterQueue.queueArn),
    );
    expect(dev.json.Resources[queueId]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    const policies = resourcesOfType(dev.json, 'AWS::SQS::QueuePolicy').filter(([, p]) =>
      JSON.stringify(p.Properties['Queues']).includes(queueId),
    );
    expect(JSON.stringify(policies.map(([, p]) => p.Properties['PolicyDocument']))).toContain(
      '"aws:SecureTransport":"false"',
    );
  });

  it.each([
    ['InvocationDroppedCount'],
    ['TargetErrorCount'],
    ['InvocationsSentToDeadLetterCount'],
    ['InvocationsFailedToBeSentToDeadLetterCount'],
  ])('alarms to the alarm topic on the schedule group’s AWS/Scheduler %s', (metricName) => {
    // Arrange
    // prod: dev has no alarms (alarms: false).
    const groupName = renderToken(prod.stack, slackBotOf(prod.stack).scheduleGroup.scheduleGroupName);
    const topic = renderToken(prod.stack, prod.stack.monitoring?.alarmTopic?.topicArn ?? '');

    // Act
    const alarms = resourcesOfType(prod.json, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties['MetricName'] === metricName,
    );

    // Assert
    expect(alarms).toHaveLength(1);
    const props = alarms[0]?.[1].Properties ?? {};
    expect(props['Namespace']).toBe('AWS/Scheduler');
    expect((props['Dimensions'] as { Name: string; Value: unknown }[]).map((d) => [d.Name, render(d.Value)])).toEqual([
      ['ScheduleGroup', groupName],
    ]);
    expect((props['AlarmActions'] as unknown[]).map(render)).toEqual([topic]);
    expect(props['Threshold']).toBe(1);
  });
});
