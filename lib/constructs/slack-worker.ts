import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';
import { Tables } from './tables';

/** Props of {@link SlackWorker}. */
export interface SlackWorkerProps {
  readonly tables: Tables;
  /** Slack credentials (`bot_token`). */
  readonly slackSecret: secretsmanager.ISecret;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Deliveries of a job before it goes to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** The worker's timeout. @default Duration.seconds(30) */
  readonly timeout?: Duration;
}

/**
 * The Slack bot's work after the answer: an SQS FIFO queue (message group = the Slack user, deduplication id = the
 * click's or event's id, set by the webhook), drained by a worker Lambda with partial batch responses; a job that
 * fails `maxReceiveCount` times (the worker backs off between tries) goes to a FIFO dead-letter queue. Alarms: a
 * message in the dead-letter queue, and work waiting too long (a user's clicks and DMs are stuck behind a failure).
 */
export class SlackWorker extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly function: HouseFunction;
  /** The worker's alarms (none until {@link createAlarms}); the stack sends them to the alarm topic. */
  public alarms: readonly cloudwatch.Alarm[] = [];
  public readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: SlackWorkerProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const timeout = props.timeout ?? Duration.seconds(30);
    const problems: string[] = [];
    if (!(Number.isInteger(maxReceiveCount) && maxReceiveCount >= 1 && maxReceiveCount <= 1000))
      problems.push(`maxReceiveCount must be an integer in 1..1000, got ${maxReceiveCount}`);
    if (timeout.toSeconds() > 300) problems.push(`timeout must be at most 5 minutes, got ${timeout.toSeconds()} s`);
    if (problems.length > 0) throw new Error(`SlackWorker: ${problems.join('; ')}`);
    this.maxReceiveCount = maxReceiveCount;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the Slack work queue's dead-letter queue; it has none of its own.",
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: true,
      // The bot's own sends carry the click's or event's id; Scheduler's digest sends carry none, and are
      // deduplicated on their body (its id and time are the schedule's and the scheduled time).
      contentBasedDeduplication: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function's timeout, as Lambda advises for SQS sources; failures set their own backoff.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    const { meetings, users, chatSessions } = props.tables;
    this.function = new HouseFunction(this, 'Function', {
      entry: 'lambda/slack-bot/worker.ts',
      description:
        'Slack bot worker: the Slack calls after the webhook answered (prep-kit DMs, replies, replaced messages)',
      timeout,
      memorySize: 512,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      copyFiles: ['config/meeting_types.yaml'],
      environment: { WORK_QUEUE_URL: this.queue.queueUrl, WORK_MAX_RECEIVE_COUNT: String(maxReceiveCount) },
    })
      .useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem', 'Query'])
      // UpdateItem: the digest's once-per-scheduled-time claim.
      .useTable('USERS_TABLE_NAME', users, ['GetItem', 'UpdateItem'])
      // PutItem: Start Prep's session, created with the kit (conditional on its id being new).
      .useTable('CHAT_SESSIONS_TABLE_NAME', chatSessions, ['GetItem', 'PutItem', 'UpdateItem', 'Query'])
      .useSecret('SLACK_SECRET_ARN', props.slackSecret);
    // Receive, delete and ChangeMessageVisibility (the worker's backoff) on this queue only.
    this.function.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }

  /** Creates the worker's alarms, where the stage has alarms (`alarms: true`); the stack makes them notify its topic. */
  createAlarms(): readonly cloudwatch.Alarm[] {
    const period = Duration.minutes(5);
    const dlqAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'Slack work (a prep-kit DM, a reply to a click or DM) failed every retry and waits in the dead-letter queue: the user got no answer.',
    });
    const ageAlarm = new cloudwatch.Alarm(this, 'OldestWorkAlarm', {
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      threshold: 120,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'Slack work has waited over two minutes: the worker is failing or throttled, and users wait for their answers.',
    });
    this.alarms = [dlqAlarm, ageAlarm];
    return this.alarms;
  }

  /**
   * Lets the worker send the prep kit by email when Slack does not reach the user: the sender's address
   * and the same `ses:SendEmail` statement the prep email's function has (this identity, this From address).
   */
  useEmailSender(from: string, sendEmail: iam.PolicyStatement): void {
    this.function.addEnvironment('EMAIL_FROM_ADDRESS', from);
    this.function.function.addToRolePolicy(sendEmail);
  }

  /** Lets a function queue work: `WORK_QUEUE_URL` and `sqs:SendMessage` on this queue, together. */
  grantEnqueue(fn: HouseFunction): void {
    fn.addEnvironment('WORK_QUEUE_URL', this.queue.queueUrl);
    this.queue.grantSendMessages(fn.function);
  }
}
