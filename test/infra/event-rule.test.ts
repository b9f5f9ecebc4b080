/**
 * The EventBridge rule that starts the prep workflow, and its dead-letter queue.
 */
import { Match } from 'aws-cdk-lib/assertions';
import {
  BuiltStack,
  asArray,
  asObject,
  asString,
  buildStack,
  grants,
  logicalIdOf,
  render,
  renderToken,
  resourcesOfType,
  statementsOfRole,
  toList,
} from './helpers';

let built: BuiltStack;

beforeAll(() => {
  built = buildStack();
});

describe('MeetingPrepRequired rule', () => {
  /** The rule's single target, as JSON. */
  const onlyTarget = (): Record<string, unknown> => {
    const rules = resourcesOfType(built.json, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const targets = asArray(rules[0]?.[1].Properties['Targets'], 'Targets');
    expect(targets).toHaveLength(1);
    return asObject(targets[0], 'target');
  };

  it('matches exactly source exec-assistant.calendar-monitor and detail-type MeetingPrepRequired', () => {
    // Arrange
    const { template } = built;

    // Act / Assert
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.exact({
        source: ['exec-assistant.calendar-monitor'],
        'detail-type': ['MeetingPrepRequired'],
      }),
    });
  });

  it('listens on the default event bus', () => {
    // Arrange
    const { template } = built;

    // Act / Assert
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: Match.absent(), State: 'ENABLED' });
  });

  it('targets the prep state machine with the whole event as input', () => {
    // Arrange
    const expectedArn = renderToken(built.stack, built.stack.workflow.stateMachine.stateMachineArn);

    // Act
    const target = onlyTarget();

    // Assert
    expect(render(target['Arn'])).toBe(expectedArn);
    expect(target).not.toHaveProperty('Input');
    expect(target).not.toHaveProperty('InputPath');
    expect(target).not.toHaveProperty('InputTransformer');
  });

  it('starts executions with a role allowed only states:StartExecution on that state machine', () => {
    // Arrange
    const target = onlyTarget();
    const roleId = asString(asArray(asObject(target['RoleArn'], 'RoleArn')['Fn::GetAtt'], 'RoleArn GetAtt')[0], 'role id');
    const stateMachineArn = renderToken(built.stack, built.stack.workflow.stateMachine.stateMachineArn);

    // Act
    const statements = statementsOfRole(built.json, roleId);

    // Assert
    expect(grants(statements)).toEqual([`states:StartExecution ${stateMachineArn}`]);
  });

  it('retries delivery to the state machine with a bounded retry policy', () => {
    // Arrange / Act
    const retryPolicy = asObject(onlyTarget()['RetryPolicy'], 'RetryPolicy');

    // Assert
    expect(retryPolicy['MaximumRetryAttempts']).toEqual(expect.any(Number));
    expect(retryPolicy['MaximumRetryAttempts']).toBeGreaterThan(0);
    expect(retryPolicy['MaximumEventAgeInSeconds']).toEqual(expect.any(Number));
    expect(retryPolicy['MaximumEventAgeInSeconds']).toBeGreaterThan(0);
  });

  it('sends events it could not deliver to the dead-letter queue', () => {
    // Arrange
    const queueArn = renderToken(built.stack, built.stack.workflow.deadLetterQueue.queueArn);

    // Act
    const deadLetterConfig = asObject(onlyTarget()['DeadLetterConfig'], 'DeadLetterConfig');

    // Assert
    expect(render(deadLetterConfig['Arn'])).toBe(queueArn);
  });
});

describe('dead-letter queue', () => {
  let queueId: string;

  beforeAll(() => {
    queueId = logicalIdOf(built.stack.workflow.deadLetterQueue);
  });

  it('is encrypted at rest with SQS-managed keys', () => {
    // Arrange
    const { template } = built;

    // Act / Assert
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('denies every request not made over TLS', () => {
    // Arrange
    const { template } = built;

    // Act / Assert
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('accepts messages from EventBridge only on behalf of the prep rule', () => {
    // Arrange
    const ruleArn = renderToken(built.stack, built.stack.workflow.rule.ruleArn);
    const policy = resourcesOfType(built.json, 'AWS::SQS::QueuePolicy')[0]?.[1];

    // Act
    const allows = toList(asObject(policy?.Properties['PolicyDocument'], 'PolicyDocument')['Statement'])
      .map((s) => asObject(s, 'statement'))
      .filter((s) => s['Effect'] === 'Allow');

    // Assert
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } });
    const condition = asObject(asObject(allows[0]?.['Condition'], 'Condition')['ArnEquals'], 'ArnEquals');
    expect(render(condition['aws:SourceArn'])).toBe(ruleArn);
  });
});
