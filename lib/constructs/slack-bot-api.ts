import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../nag';
import type { RouteThrottle } from '../public-routes';
import * as lambdaIndexes from '../../lambda/shared/table-indexes';
import { HouseFunction } from './house-function';
import { type CommonMethodOptions, requireRouteThrottles, routeMethodOptions } from './route-throttles';
import { SlackWorker } from './slack-worker';
import { WEBHOOK_BUNDLE_ALIASES } from './webhook-bundle-aliases';
import { MEETINGS_BY_USER_INDEX, SESSIONS_BY_USER_INDEX, Tables } from './tables';

/** The webhook's path (Slack's Request URLs end with it). */
export const SLACK_WEBHOOK_PATH = '/slack/webhook';

/** Props of {@link SlackBotApi}. */
export interface SlackBotApiProps {
  readonly tables: Tables;
  /** Slack credentials (`bot_token`, `signing_secret`). */
  readonly slackSecret: secretsmanager.ISecret;
  /** The prep workflow, which reminders start again. */
  readonly stateMachine: sfn.IStateMachine;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Steady-state requests per second the stage accepts. @default 50 */
  readonly throttlingRateLimit?: number;
  /** Burst the stage accepts. @default 100 */
  readonly throttlingBurstLimit?: number;
  /** Each public method's own throttle, by route (`POST /slack/webhook`). @default none: each takes the stage's */
  readonly routeThrottles?: Readonly<Record<string, RouteThrottle>>;
  /** The API stage's name: the project's stage (`dev`, `staging`, `prod`). @default 'prod' */
  readonly apiStageName?: string;
}

/**
 * The Slack bot: API Gateway `POST /slack/webhook` (throttled, access-logged) in front of one Lambda that verifies
 * Slack's signature and serves `/meetings`, the prep buttons and DMs; and the reminders' EventBridge Scheduler
 * schedule group with the role its schedules use, allowed only to start the prep state machine.
 */
export class SlackBotApi extends Construct {
  public readonly api: apigateway.RestApi;
  /** The Request URL to give Slack (slash command, interactivity, events). */
  public readonly webhookUrl: string;
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** The role reminder schedules assume to start the state machine. */
  public readonly schedulerRole: iam.Role;
  /** Where Scheduler puts a reminder it could not deliver (encrypted; the reminder role may send to it). */
  public readonly reminderDeadLetterQueue: sqs.Queue;
  public readonly function: HouseFunction;
  /** The work after the answer: queue, dead-letter queue, worker function, alarms. */
  public readonly worker: SlackWorker;
  private readonly tables: Tables;
  private readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: SlackBotApiProps) {
    super(scope, id);
    const problems: string[] = [];
    if (lambdaIndexes.MEETINGS_BY_USER_INDEX !== MEETINGS_BY_USER_INDEX)
      problems.push('the meetings index name differs between lambda/ and lib/');
    if (lambdaIndexes.SESSIONS_BY_USER_INDEX !== SESSIONS_BY_USER_INDEX)
      problems.push('the sessions index name differs between lambda/ and lib/');
    const rate = props.throttlingRateLimit ?? 50;
    const burst = props.throttlingBurstLimit ?? 100;
    if (!(rate > 0)) problems.push(`throttlingRateLimit must be positive, got ${rate}`);
    if (!(Number.isInteger(burst) && burst > 0))
      problems.push(`throttlingBurstLimit must be a positive integer, got ${burst}`);
    if (problems.length > 0) throw new Error(`SlackBotApi: ${problems.join('; ')}`);

    const stack = Stack.of(this);
    this.tables = props.tables;
    this.stateMachineArn = props.stateMachine.stateMachineArn;
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ReminderScheduleGroup', {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.schedulerRole = new iam.Role(this, 'ReminderSchedulerRole', {
      description:
        'Assumed by prep reminder and digest schedules: starts the prep state machine, queues digests for the bot worker',
      // Scheduler presents the schedule *group's* ARN as aws:SourceArn (not the schedule's).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': this.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    props.stateMachine.grantStartExecution(this.schedulerRole);
    this.reminderDeadLetterQueue = new sqs.Queue(this, 'ReminderDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.reminderDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the reminder schedules; it has none of its own.',
    });
    // Scheduler only sends (grantSendMessages would add the queue lookups too).
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.reminderDeadLetterQueue.queueArn] }),
    );

    const { meetings, users, chatSessions } = props.tables;
    this.function = new HouseFunction(this, 'WebhookFunction', {
      entry: 'lambda/slack-bot/handler.ts',
      description: 'Slack bot: verifies signatures; serves /meetings, Start Prep, Remind Later and DMs',
      timeout: Duration.seconds(10),
      memorySize: 512,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      copyFiles: ['config/meeting_types.yaml'],
      bundleAliases: WEBHOOK_BUNDLE_ALIASES,
      environment: {
        SCHEDULE_GROUP_NAME: this.scheduleGroup.scheduleGroupName,
        SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
        REMINDER_DEAD_LETTER_QUEUE_ARN: this.reminderDeadLetterQueue.queueArn,
      },
    })
      .useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem', 'Query'])
      // UpdateItem: the preferences saved from the Home tab.
      .useTable('USERS_TABLE_NAME', users, ['GetItem', 'UpdateItem'])
      // GetItem only: whether a claimed meeting's session still holds it (the worker creates and ends sessions).
      .useTable('CHAT_SESSIONS_TABLE_NAME', chatSessions, ['GetItem'])
      .useSecret('SLACK_SECRET_ARN', props.slackSecret);
    const fn = this.function.function;
    // Replays: a state-changing interaction is claimed before the webhook acts (lambda/shared/request-claims.ts), in
    // `slack#…` items of the SMS answers table (this service's own, with a TTL): put and give back, those keys only.
    const claims = props.tables.smsReplies;
    this.function.addEnvironment('INTERACTION_CLAIMS_TABLE_NAME', claims.tableName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [claims.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['slack#*'] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    );
    if (claims.encryptionKey) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [claims.encryptionKey.keyArn],
        }),
      );
    }

    // --- Work after the answer: the webhook queues, the worker calls Slack. ---
    this.worker = new SlackWorker(this, 'Worker', {
      tables: props.tables,
      slackSecret: props.slackSecret,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.worker.grantEnqueue(this.function);
    // --- end of work after the answer ---

    // --- App Home and the morning digest ---
    // Digest schedules deliver to the work queue (message group = the user) with the reminders' role and DLQ.
    // The queue is encrypted with an SQS-managed key: no KMS permission is needed to send.
    this.function.addEnvironment('DIGEST_TARGET_ARN', this.worker.queue.queueArn);
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.worker.queue.queueArn] }),
    );
    // The worker reads pending reminders for the Home tab: GetSchedule in the group, nothing else.
    this.worker.function.addEnvironment('SCHEDULE_GROUP_NAME', this.scheduleGroup.scheduleGroupName);
    this.worker.function.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['scheduler:GetSchedule'], resources: [this.scheduleArnPattern()] }),
    );
    acknowledgeWildcard(
      this.worker.function.function.role as iam.IRole,
      this.scheduleArnPattern(),
      "Reminder schedules are named after meetings at run time; the worker only reads them, in the stack's own group.",
    );
    // --- end of App Home ---

    acknowledgeWildcard(
      fn.role as iam.IRole,
      this.scheduleArnPattern(),
      "Reminder schedules are named after meetings at run time; the grant is limited to the stack's own schedule group.",
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:GetSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
        ],
        resources: [this.scheduleArnPattern()],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // Execution logs for errors only: request bodies (Slack payloads) stay out of the logs. A method's own settings
    // replace the stage's, so each route's throttle repeats these.
    const common: CommonMethodOptions = {
      metricsEnabled: true,
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
    };
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'Slack webhook of the meeting-prep bot',
      // Named after the stack: API Gateway's metrics are keyed by API name, and dev and prod may share an account.
      restApiName: `${stack.stackName}-slack-webhook`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Logging needs the account's API Gateway CloudWatch role: one setting per account and region, so no stage's
      // stack owns it (lib/account-stack.ts creates it once, retained).
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.apiStageName ?? 'prod',
        throttlingRateLimit: rate,
        throttlingBurstLimit: burst,
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        ...common,
        methodOptions: routeMethodOptions(props.routeThrottles ?? {}, common),
      },
    });
    if (props.routeThrottles) requireRouteThrottles(this.api, Object.keys(props.routeThrottles));
    // The API's cdk-nag acknowledgements cover all its routes and callers: lib/constructs/public-api-review.ts.
    this.api.root
      .addResource('slack')
      .addResource('webhook')
      .addMethod('POST', new apigateway.LambdaIntegration(fn, { proxy: true }));
    this.webhookUrl = this.api.urlForPath(SLACK_WEBHOOK_PATH);
    // The API's default output names the stage root; the stack outputs the webhook URL itself (SlackWebhookUrl).
    this.api.node.tryRemoveChild('Endpoint');
  }

  /**
   * Lets another entry point (SMS replies, email links) run the action core (`lambda/actions/core.ts`):
   * exactly the variables `prepActionDepsFromEnv` reads, and the webhook's permissions for those actions — the
   * meeting's reads and conditional writes, the user's and the session's reads, a reminder schedule in the
   * stack's group (created with the reminder role, read back on a second request), and the worker's queue.
   */
  grantPrepActions(fn: HouseFunction): void {
    const { meetings, users, chatSessions } = this.tables;
    fn.useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem'])
      .useTable('USERS_TABLE_NAME', users, ['GetItem'])
      .useTable('CHAT_SESSIONS_TABLE_NAME', chatSessions, ['GetItem'])
      .addEnvironment('SCHEDULE_GROUP_NAME', this.scheduleGroup.scheduleGroupName)
      .addEnvironment('SCHEDULER_ROLE_ARN', this.schedulerRole.roleArn)
      .addEnvironment('STATE_MACHINE_ARN', this.stateMachineArn)
      .addEnvironment('REMINDER_DEAD_LETTER_QUEUE_ARN', this.reminderDeadLetterQueue.queueArn);
    this.worker.grantEnqueue(fn);
    const role = fn.function.role as iam.IRole;
    acknowledgeWildcard(
      role,
      this.scheduleArnPattern(),
      "Reminder schedules are named after meetings at run time; the grant is limited to the stack's own schedule group.",
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:GetSchedule'],
        resources: [this.scheduleArnPattern()],
      }),
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }

  private scheduleArnPattern(): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
    });
  }
}
