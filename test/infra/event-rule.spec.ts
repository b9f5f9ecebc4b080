import { IConstruct } from 'constructs';
/**
 * The EventBridge rule that starts the prep workflow, and its dead-letter queue.
 */
import { Match } from 'aws-cdk-lib/assertions';
import {
  BuiltStack,
  asArray,
  asObject,
  buildStack,
  grants,
  logicalIdOf,
  render,
  renderToken,
  resourcesOfType,
  statementsOfRole,
  toList,
  workflowOf,
} from './helpers';

let built: BuiltStack;

beforeAll(() => {
  built = buildStack();
});

describe('MeetingPrepRequired rule', () => {
  /** The rule's single target, as JSON. */
  const onlyTarget = (): Record<string, unknown> => {
    const rules = resourcesOfType(built.json, 'AWS::Events::Rule').filter(([, r]) =>
      JSON.stringify(r.Properties['EventPattern'] ?? {}).includes('exec-assistant.calendar-monitor'),
    );
    expect(rules).toHaveLength(1);
    const targets = asArray(rules[0]?.[1].Properties['Targets'], 'Targets');
    expect(targets).toHaveLength(1);
    return asObject(targets[0], 'target');
  };

  it('matches exactly source exec-assistant.calendar-monitor and detail-type MeetingPrepRequired', () => {
    // Arrange
    const { template } = built;

    // Act / Assert
    expect(
      Object.keys(
        template.findResources('AWS::Events::Rule', {
          Properties: { EventPattern: { source: ['exec-assistant.calendar-monitor'] } },
        }),
      ),
    ).toHaveLength(1);
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

  it('targets the function that starts a meeting-named execution, with the whole event as input', () => {
    // Arrange
    const expectedArn = renderToken(built.stack, workflowOf(built.stack).starter.function.functionArn);

    // Act
    const target = onlyTarget();

    // Assert
    expect(render(target['Arn'])).toBe(expectedArn);
    expect(target).not.toHaveProperty('Input');
    expect(target).not.toHaveProperty('InputPath');
    expect(target).not.toHaveProperty('InputTransformer');
  });

  it('gives that function only StartExecution on the prep state machine, DescribeExecution on its executions, and the DLQ for its failures', () => {
    // Arrange
    const workflow = workflowOf(built.stack);
    const stateMachineArn = renderToken(built.stack, workflow.stateMachine.stateMachineArn);
    const queueArn = renderToken(built.stack, workflow.deadLetterQueue.queueArn);

    // Act
    const lines = grants(statementsOfRole(built.json, logicalIdOf(workflow.starter.function.role as IConstruct)));

    // Assert
    // The SQS destination grant (CDK's grantSendMessages) includes the two read-only queue lookups.
    expect(lines.filter((g) => !g.startsWith('xray:') && !g.startsWith('logs:'))).toEqual(
      [
        `sqs:GetQueueAttributes ${queueArn}`,
        `sqs:GetQueueUrl ${queueArn}`,
        `sqs:SendMessage ${queueArn}`,
        `states:StartExecution ${stateMachineArn}`,
        // A redelivered event whose execution finished is compared with it: DescribeExecution on its executions only.
        `states:DescribeExecution arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${renderToken(built.stack, workflow.stateMachine.stateMachineName)}:*`,
      ].sort(),
    );
    built.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: Match.anyValue() }) },
      Handler: 'index.handler',
    });
  });

  it('retries delivery to the function with a bounded retry policy', () => {
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
    const queueArn = renderToken(built.stack, workflowOf(built.stack).deadLetterQueue.queueArn);

    // Act
    const deadLetterConfig = asObject(onlyTarget()['DeadLetterConfig'], 'DeadLetterConfig');

    // Assert
    expect(render(deadLetterConfig['Arn'])).toBe(queueArn);
  });
});

describe('dead-letter queue', () => {
  let queueId: string;

  beforeAll(() => {
    queueId = logicalIdOf(workflowOf(built.stack).deadLetterQueue);
  });

  it('is encrypted at rest with SQS-managed keys', () => {
    // Arrange
    const { template } = built;

    // Act / Assert
    expect(template.toJSON()['Resources'][queueId]['Properties']).toMatchObject({ SqsManagedSseEnabled: true });
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

  it('accepts messages from EventBridge only on behalf of the prep rule and the SES delivery events rule', () => {
    // Arrange
    const ruleArns = [workflowOf(built.stack).rule.ruleArn, built.stack.receipts?.sesEventsRule.ruleArn ?? 'none'].map(
      (arn) => renderToken(built.stack, arn),
    );
    const policy = resourcesOfType(built.json, 'AWS::SQS::QueuePolicy')[0]?.[1];

    // Act
    const allows = toList(asObject(policy?.Properties['PolicyDocument'], 'PolicyDocument')['Statement'])
      .map((s) => asObject(s, 'statement'))
      .filter((s) => s['Effect'] === 'Allow');

    // Assert
    expect(allows).toHaveLength(2);
    for (const allow of allows)
      expect(allow).toMatchObject({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } });
    const sources = allows.map((allow) =>
      render(asObject(asObject(allow['Condition'], 'Condition')['ArnEquals'], 'ArnEquals')['aws:SourceArn']),
    );
    expect(sources).toEqual(ruleArns);
  });
});
