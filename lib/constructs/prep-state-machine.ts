/**
 * The prep workflow's Standard state machine: its definition with the task functions' ARNs substituted, its
 * execution log group, and the right to invoke exactly those functions. Built inside `PrepWorkflow` (a function,
 * not a construct of its own) so its resources keep their construct paths, and with them their logical IDs.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';

/** Props of {@link addPrepStateMachine}. */
export interface PrepStateMachineProps {
  /** The ASL definition, as deployed (channels kept, receipt waits set). */
  readonly definition: unknown;
  /** `${…FunctionArn}` placeholder → the task function's ARN. */
  readonly definitionSubstitutions: Readonly<Record<string, string>>;
  /** The functions the state machine invokes, each granted exactly. */
  readonly tasks: readonly HouseFunction[];
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** Adds the state machine (`StateMachine`) and its log group (`ExecutionLogs`) to `scope`. */
export function addPrepStateMachine(scope: Construct, props: PrepStateMachineProps): sfn.StateMachine {
  const logGroup = new logs.LogGroup(scope, 'ExecutionLogs', {
    // Under /aws/vendedlogs/ no CloudWatch Logs resource policy is needed; elsewhere each log group grows the
    // account's one policy (5,120 characters at most) until a deploy fails.
    logGroupName: `/aws/vendedlogs/states/${Stack.of(scope).stackName}-prep-notification`,
    retention: props.logRetention,
    removalPolicy: props.logRemovalPolicy,
  });
  const stateMachine = new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(props.definition, null, 2)),
    definitionSubstitutions: { ...props.definitionSubstitutions },
    tracingEnabled: true,
    // Execution data stays out of CloudWatch Logs (it is in the console's history); events are all logged.
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
  });
  // Exactly the task functions, unqualified (grantInvoke would add every version and alias: `<arn>:*`).
  stateMachine.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: props.tasks.map((t) => t.function.functionArn),
    }),
  );
  Validations.of(stateMachine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray tracing and CloudWatch Logs delivery of a state machine (logs:CreateLogDelivery and the like) support no resource-level permissions.',
  });
  return stateMachine;
}
