/**
 * What starts the prep workflow: the EventBridge rule on MeetingPrepRequired, the starter function it targets, and
 * the dead-letter queue both fall back to. Built inside `PrepWorkflow` (a function, not a construct of its own) so
 * its resources keep their construct paths, and with them their logical IDs.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../nag';
import { HouseFunction } from './house-function';

/** The EventBridge pattern that starts the workflow: exactly this, on the default bus. */
export const MEETING_PREP_REQUIRED_PATTERN = {
  source: ['exec-assistant.calendar-monitor'],
  detailType: ['MeetingPrepRequired'],
} as const;

/** Props of {@link addPrepTrigger}. */
export interface PrepTriggerProps {
  /** The state machine each event starts an execution of. */
  readonly stateMachine: sfn.StateMachine;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** The resources {@link addPrepTrigger} adds. */
export interface PrepTrigger {
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
  /** The rule's target: starts each execution with a name that says which meeting it is about. */
  readonly starter: HouseFunction;
}

/** Adds the rule, the starter function and their dead-letter queue to `scope`. */
export function addPrepTrigger(scope: Construct, props: PrepTriggerProps): PrepTrigger {
  const { stateMachine } = props;
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is the dead-letter queue (of the rule target and of the starter function); it has none of its own.',
  });
  // The rule starts executions through a small function so each is named after its meeting (searchable in the
  // console) and a redelivered event starts nothing new (StartExecution is idempotent on name and input).
  const starter = new HouseFunction(scope, 'StartExecution', {
    entry: 'lambda/workflow/start-execution.ts',
    description: 'Starts one prep execution per MeetingPrepRequired event, named after the meeting',
    logRetention: props.logRetention,
    logRemovalPolicy: props.logRemovalPolicy,
    environment: { STATE_MACHINE_ARN: stateMachine.stateMachineArn },
  });
  stateMachine.grantStartExecution(starter.function);
  // A redelivered event whose execution already finished: the starter compares it with the existing execution.
  const executions = Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stateMachine.stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  starter.function.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }),
  );
  acknowledgeWildcard(
    starter.function.role as iam.IRole,
    executions,
    'states:DescribeExecution on the executions of this one state machine, whose names are made at run time.',
  );
  // EventBridge invokes asynchronously: failures inside the function are retried twice, then kept in the DLQ.
  starter.function.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: new destinations.SqsDestination(deadLetterQueue),
  });
  const rule = new events.Rule(scope, 'MeetingPrepRequiredRule', {
    description: 'Starts one prep notification execution per MeetingPrepRequired event',
    eventPattern: {
      source: [...MEETING_PREP_REQUIRED_PATTERN.source],
      detailType: [...MEETING_PREP_REQUIRED_PATTERN.detailType],
    },
    targets: [
      // Delivery failures (the function cannot be invoked) are retried, then kept in the same DLQ.
      new targets.LambdaFunction(starter.function, {
        deadLetterQueue,
        retryAttempts: 20,
        maxEventAge: Duration.hours(6),
      }),
    ],
  });
  return { rule, deadLetterQueue, starter };
}
