import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MetricNames } from '../../lambda/shared/metrics';
import { StageSettings } from '../config';
import { HouseFunction } from './house-function';
import { createDashboard, PERIOD, serviceMetric } from './monitoring-dashboard';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly deadLetterQueue: sqs.IQueue;
  readonly api: apigateway.RestApi;
  /** Every function, by a name for the dashboard and alarm descriptions. */
  readonly functions: Readonly<Record<string, HouseFunction>>;
  /** The stage's thresholds. */
  readonly thresholds: StageSettings['alarms'];
  /**
   * Whether to create the alarms and the alarm topic (with its key) they notify; the stage's `alarms` setting.
   * Off, the metrics are still emitted (and free until read), but nothing watches them.
   */
  readonly alarms: boolean;
  /** Whether to create the dashboard; the stage's `dashboard` setting. */
  readonly dashboard: boolean;
  /** Email subscribed to the alarm topic. @default no subscription */
  readonly alarmEmail?: string;
  /** Keep the topic's key when the stack is deleted. */
  readonly retainData: boolean;
  /** The reminders' schedule group and dead-letter queue, whose failures alarm too. @default no reminder alarms */
  readonly reminders?: { readonly scheduleGroup: scheduler.IScheduleGroup; readonly deadLetterQueue: sqs.IQueue };
}

/**
 * What tells a team when delivery fails (each part per the stage's `alarms` and `dashboard` settings): alarms on
 * failed and timed-out executions, AllChannelsFailed, messages in the dead-letter queue, webhook 5xx, Lambda errors and throttles, and reminders Scheduler could not deliver, all to
 * one encrypted SNS topic that only this account's alarms may publish to (with an email subscription from the stage
 * file); and a dashboard of the same figures plus the service's own metrics.
 */
export class Monitoring extends Construct {
  /** The topic every alarm notifies; absent when the stage has no alarms. */
  public readonly alarmTopic?: sns.Topic;
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The dashboard; absent when the stage has none. */
  public readonly dashboard?: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = props.alarms ? this.createAlarmTopic(props) : undefined;
    this.alarms = this.alarmTopic ? this.createAlarms(this.alarmTopic, props) : [];
    if (props.dashboard) this.dashboard = createDashboard(this, this.alarms, props);
  }

  /** Adds alarms made elsewhere (the worker's, the receipts', the web ACL's): they notify the same topic. */
  notifyOf(alarms: readonly cloudwatch.Alarm[]): void {
    if (alarms.length === 0) return;
    if (!this.alarmTopic) throw new Error('alarms were created although the stage has none (alarms: false)');
    for (const alarm of alarms) {
      alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      alarm.addOkAction(new actions.SnsAction(this.alarmTopic));
    }
  }

  /**
   * The encrypted topic only this account's alarms may publish to. Its key is customer-managed whatever the stage's
   * `customerManagedKeys`: CloudWatch cannot publish to a topic encrypted with the AWS-managed `aws/sns` key.
   */
  private createAlarmTopic(props: MonitoringProps): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the meeting-prep alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes this account's alarms to the encrypted topic, and nothing else may use it through
    // CloudWatch: both the key and the topic policy name the alarms of this account and region.
    const stack = Stack.of(this);
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    const cloudwatchService = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchService],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    // A topic policy replaces SNS's default one: without this statement, only the SSL deny would be left.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchService],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    if (props.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    return topic;
  }

  /** The alarms on the workflow, the queues, the API, the reminders and every function, all notifying `topic`. */
  private createAlarms(topic: sns.Topic, props: MonitoringProps): cloudwatch.Alarm[] {
    const alarms: cloudwatch.Alarm[] = [];
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new actions.SnsAction(topic));
      created.addOkAction(new actions.SnsAction(topic));
      alarms.push(created);
      return created;
    };

    const t = props.thresholds;
    alarm(
      'ExecutionsFailed',
      props.stateMachine.metricFailed({ period: PERIOD }),
      t.failedExecutions,
      'Prep notification executions failed (InvalidEvent, MeetingNotFound, UserNotFound, AllChannelsFailed…): open the failed executions in the Step Functions console.',
    );
    alarm(
      'ExecutionsTimedOut',
      props.stateMachine.metricTimedOut({ period: PERIOD }),
      1,
      'A prep notification execution timed out.',
    );
    alarm(
      'AllChannelsFailed',
      serviceMetric(MetricNames.AllChannelsFailed),
      1,
      'Every channel failed for a meeting: the executive was not notified. The meeting lists each attempt (notification_attempts).',
    );
    alarm(
      'UnverifiedOutcomes',
      serviceMetric(MetricNames.UnverifiedOutcomes),
      1,
      'A channel could not be reached or checked within its attempts (a provider outage: its API and its lookup failed), so the next channel was tried; the first may also have delivered. The Channel dimension says which provider.',
    );
    alarm(
      'EmailLinksUnavailable',
      serviceMetric(MetricNames.EmailLinksUnavailable),
      1,
      'Prep emails went out without their Start Prep, Remind Me and unsubscribe links: the links’ signing-key secret is missing, unreadable or malformed (the email function’s log says which). Every email lacks them until the secret is fixed (docs/DEPLOY.md, "The email links’ signing keys").',
    );
    alarm(
      'DeadLetterQueueMessages',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      1,
      'MeetingPrepRequired events could not start an execution and wait in the dead-letter queue: redrive them.',
    );
    alarm(
      'Webhook5xx',
      props.api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      t.webhook5xx,
      'The Slack webhook answered 5xx: Slack shows the user an error.',
    );
    if (props.reminders) {
      const group = props.reminders.scheduleGroup;
      alarm(
        'RemindersDropped',
        group.metricDropped({ period: PERIOD, statistic: 'Sum' }),
        1,
        'EventBridge Scheduler dropped reminders (it could not start the prep execution within the retry policy): those executives were not reminded.',
      );
      alarm(
        'ReminderTargetErrors',
        group.metricTargetErrors({ period: PERIOD, statistic: 'Sum' }),
        1,
        'Reminder schedules failed to start the prep execution (access denied, throttling, a deleted state machine…).',
      );
      alarm(
        'RemindersDeadLettered',
        group.metricSentToDLQ({ period: PERIOD, statistic: 'Sum' }),
        1,
        'Reminders went to the reminder dead-letter queue: read them there and start the executions by hand.',
      );
      alarm(
        'RemindersNotDeadLettered',
        group.metricFailedToBeSentToDLQ(undefined, { period: PERIOD, statistic: 'Sum' }),
        1,
        'Scheduler could not put failed reminders in the dead-letter queue: they are lost.',
      );
      alarm(
        'ReminderDeadLetterQueueMessages',
        props.reminders.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: 'Maximum',
        }),
        1,
        'Undelivered reminders wait in the reminder dead-letter queue.',
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.function.metricErrors({ period: PERIOD }), t.lambdaErrors, `${name} function errors.`);
      alarm(`${name}Throttles`, fn.function.metricThrottles({ period: PERIOD }), 1, `${name} function throttled.`);
    }
    return alarms;
  }
}
