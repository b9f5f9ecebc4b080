import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { CHANNELS } from '../../lambda/shared/channel-registry';
import { METRICS_NAMESPACE, METRICS_SERVICE, MetricNames } from '../../lambda/shared/metrics';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { HouseFunction } from './house-function';

/** What the dashboard graphs: the props of `Monitoring` it reads. */
export interface DashboardSources {
  readonly stateMachine: sfn.IStateMachine;
  readonly deadLetterQueue: sqs.IQueue;
  readonly api: apigateway.RestApi;
  readonly functions: Readonly<Record<string, HouseFunction>>;
}

/** The period of the alarms and graphs. */
export const PERIOD = Duration.minutes(5);

/** A custom metric of this service (the `service` dimension as Powertools writes it). */
export function serviceMetric(
  name: string,
  dimensions: Record<string, string> = {},
  label?: string,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE, ...dimensions },
    statistic: 'Sum',
    period: PERIOD,
    ...(label ? { label } : {}),
  });
}

/**
 * The stage's dashboard (`dashboard: true`), in `scope`: the alarms' state (when the stage has alarms), then the
 * figures behind them and the service's own metrics.
 */
export function createDashboard(
  scope: Construct,
  alarms: readonly cloudwatch.Alarm[],
  props: DashboardSources,
): cloudwatch.Dashboard {
  const channels = [...CHANNELS];
  const reasons = [
    'meeting_cancelled',
    'meeting_already_started',
    'not_awaiting_prep',
    'prep_already_started',
    'user_opted_out',
    'invalid_start_time',
    'claim_lost',
  ];
  const kinds = ['meetings_command', 'start_prep', 'remind_later', 'direct_message'];
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { defaultInterval: Duration.days(1) });
  if (alarms.length > 0)
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: 24, height: 4 }),
    );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Executions',
      left: [
        props.stateMachine.metricStarted({ period: PERIOD }),
        props.stateMachine.metricSucceeded({ period: PERIOD }),
        props.stateMachine.metricFailed({ period: PERIOD }),
        props.stateMachine.metricTimedOut({ period: PERIOD }),
      ],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Notifications delivered, by channel',
      left: channels.map((c) => serviceMetric(MetricNames.NotificationsDelivered, { Channel: c }, c)),
      right: [
        serviceMetric(MetricNames.FallbacksTaken, {}, 'fallbacks'),
        serviceMetric(MetricNames.AllChannelsFailed, {}, 'all channels failed'),
      ],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Skipped, by reason',
      left: reasons.map((r) => serviceMetric(MetricNames.NotificationsSkipped, { Reason: r }, r)),
      width: 8,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Slack interactions, by kind',
      left: kinds.map((k) => serviceMetric(MetricNames.SlackInteractions, { Kind: k }, k)),
      right: [serviceMetric(MetricNames.RemindersScheduled, {}, 'reminders scheduled')],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Webhook',
      left: [
        props.api.metricCount({ period: PERIOD }),
        props.api.metricClientError({ period: PERIOD }),
        props.api.metricServerError({ period: PERIOD }),
      ],
      right: [props.api.metricLatency({ period: PERIOD, statistic: 'p99' })],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Dead-letter queue',
      left: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' })],
      width: 8,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Lambda errors and throttles',
      left: Object.entries(props.functions).map(([name, fn]) =>
        fn.function.metricErrors({ period: PERIOD, label: `${name} errors` }),
      ),
      right: Object.entries(props.functions).map(([name, fn]) =>
        fn.function.metricThrottles({ period: PERIOD, label: `${name} throttles` }),
      ),
      width: 24,
    }),
  );
  return dashboard;
}
