/**
 * Settings that belong to the AWS account and region, not to a stage: API Gateway's CloudWatch Logs role
 * (`AWS::ApiGateway::Account`), which every REST API stage's access and execution logs need. There is one per
 * account and region, so no stage's stack may own it (destroying dev would take prod's logging with it). This
 * stack creates it once and keeps it: its resources are retained even if the stack is deleted. Every stage stack
 * depends on it, so `cdk deploy MeetingPrep-<stage>` deploys it first on a new account. See docs/DEPLOY.md.
 */
import { RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The account stack's id (one per account and region, whatever the stage). */
export const ACCOUNT_STACK_ID = 'MeetingPrep-account';

/** API Gateway's account-level logging role, created once and retained. */
export class AccountStack extends Stack {
  /** The role API Gateway writes CloudWatch Logs with, for every REST API of the account and region. */
  public readonly apiGatewayLoggingRole: iam.Role;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.apiGatewayLoggingRole = new iam.Role(this, 'ApiGatewayCloudWatchRole', {
      description: "API Gateway's account-wide role for writing REST API access and execution logs",
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    this.apiGatewayLoggingRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new apigateway.CfnAccount(this, 'ApiGatewayAccount', {
      cloudWatchRoleArn: this.apiGatewayLoggingRole.roleArn,
    });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(this.apiGatewayLoggingRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level logging role, which stage access and execution logs need, is the AWS-managed policy AWS documents for it.",
    });
  }
}
