import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE, MetricNames } from '../../lambda/shared/metrics';
import { HouseFunction } from './house-function';
import { Tables } from './tables';
import { publicRouteUrl } from './public-url';

/** The route Twilio's status callbacks come to. */
export const TWILIO_STATUS_PATH = '/twilio/status';

/** The SES event types whose events complete a waiting NotifyViaEmail task. */
export const SES_RECEIPT_DETAIL_TYPES = ['Email Delivered', 'Email Bounced', 'Email Rejected'] as const;

/** Props of {@link DeliveryReceipts}. */
export interface DeliveryReceiptsProps {
  readonly tables: Tables;
  /** Whether to create CloudWatch alarms (the stage's `alarms` setting). @default true */
  readonly alarms?: boolean;
  readonly twilioSecret: secretsmanager.ISecret;
  /** The project's REST API (`SlackBotApi.api`): `POST /twilio/status` is added to it. */
  readonly api: apigateway.RestApi;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Where SES events the rule could not deliver to the function are kept (the workflow's dead-letter queue). */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Undelivered receipts of one channel within an hour that raise the alarm (each one already made the workflow
   * try the next channel; a run of them means a sender or carrier problem, e.g. Twilio 30034). @default 3
   */
  readonly undeliveredThreshold?: number;
}

/**
 * Delivery receipts, the Step Functions way: Twilio's status callbacks (`POST /twilio/status` on the project's
 * API, signature-checked) and SES's events (a configuration set whose EventBridge destination is the default bus,
 * and a rule on deliveries, bounces and rejects of that set) go to small functions that complete the waiting
 * NotifyViaSms / NotifyViaEmail task. Alarms count undelivered receipts per channel; the metric also carries the
 * provider's error code.
 */
export class DeliveryReceipts extends Construct {
  /** The configuration set every prep email is sent in. */
  public readonly configurationSet: ses.ConfigurationSet;
  /** The exact public URL Twilio calls (its signature covers it). */
  public readonly statusCallbackUrl: string;
  public readonly twilioStatusFunction: HouseFunction;
  public readonly sesEventsFunction: HouseFunction;
  public readonly sesEventsRule: events.Rule;
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: DeliveryReceiptsProps) {
    super(scope, id);
    const threshold = props.undeliveredThreshold ?? 3;
    if (!(Number.isInteger(threshold) && threshold >= 1))
      throw new Error(`DeliveryReceipts: undeliveredThreshold must be a positive integer, got ${threshold}`);
    const stack = Stack.of(this);
    const { meetings } = props.tables;

    this.statusCallbackUrl = publicRouteUrl(props.api, TWILIO_STATUS_PATH);

    const fn = (fnId: string, entry: string, description: string) =>
      new HouseFunction(this, fnId, {
        entry,
        description,
        logRetention: props.logRetention,
        logRemovalPolicy: props.logRemovalPolicy,
      }).useTable('MEETINGS_TABLE_NAME', meetings, ['GetItem', 'UpdateItem']);
    this.twilioStatusFunction = fn(
      'TwilioStatus',
      'lambda/channels/sms/status.ts',
      "Checks Twilio's status callbacks and completes the waiting SMS task",
    )
      .useSecret('TWILIO_SECRET_ARN', props.twilioSecret)
      .addEnvironment('TWILIO_STATUS_CALLBACK_URL', this.statusCallbackUrl);
    this.sesEventsFunction = fn(
      'SesEvents',
      'lambda/channels/email/events.ts',
      'Completes the waiting email task from SES delivery, bounce and reject events',
    );
    for (const receiver of [this.twilioStatusFunction, this.sesEventsFunction]) {
      grantTaskResponse(receiver.function.role as iam.IRole);
    }

    const resource = props.api.root.getResource('twilio') ?? props.api.root.addResource('twilio');
    resource
      .addResource('status')
      .addMethod('POST', new apigateway.LambdaIntegration(this.twilioStatusFunction.function, { proxy: true }));

    this.configurationSet = new ses.ConfigurationSet(this, 'PrepEmails', {
      sendingEnabled: true,
      reputationMetrics: true,
    });
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [ses.EmailSendingEvent.DELIVERY, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.REJECT],
    });
    this.sesEventsRule = new events.Rule(this, 'SesEventsRule', {
      description: 'SES delivery, bounce and reject events of the prep emails: complete the waiting email task',
      eventPattern: {
        source: ['aws.ses'],
        detailType: [...SES_RECEIPT_DETAIL_TYPES],
        resources: [
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      },
      targets: [
        new targets.LambdaFunction(this.sesEventsFunction.function, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 20,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    if (props.alarms === false) {
      this.alarms = [];
      return;
    }
    const undelivered = (channel: 'sms' | 'email') =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: MetricNames.UndeliveredReceipts,
        dimensionsMap: { service: METRICS_SERVICE, Channel: channel },
        statistic: 'Sum',
        period: Duration.hours(1),
      });
    const alarm = (alarmId: string, metric: cloudwatch.Metric, description: string, atLeast: number) =>
      new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: atLeast,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    this.alarms = [
      alarm(
        'UndeliveredSmsAlarm',
        undelivered('sms'),
        `At least ${threshold} prep SMS undelivered within an hour (see the ErrorCode dimension of ${MetricNames.UndeliveredReceipts}: 30034 unregistered sender, 30003 unreachable, …)`,
        threshold,
      ),
      alarm(
        'BouncedEmailAlarm',
        undelivered('email'),
        `At least ${threshold} prep emails bounced or rejected within an hour (ErrorCode dimension: bounce type)`,
        threshold,
      ),
      alarm(
        'UnconfirmedDeliveriesAlarm',
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: MetricNames.UnconfirmedDeliveries,
          dimensionsMap: { service: METRICS_SERVICE },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        'Deliveries recorded UNCONFIRMED within an hour (no receipt in time, or an outcome nobody could check): receipts may not be reaching the API or the rule',
        threshold,
      ),
    ];
  }
}

/**
 * Allows completing waiting tasks. `states:SendTaskSuccess`/`SendTaskFailure` take no resource-level permission:
 * the task token itself is the capability.
 */
function grantTaskResponse(role: iam.IRole): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: ['*'] }),
  );
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'states:SendTaskSuccess and states:SendTaskFailure support no resource-level permissions; the task token is the capability. Also X-Ray tracing.',
  });
}

export { grantTaskResponse };
