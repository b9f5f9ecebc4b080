/**
 * Custom metrics in CloudWatch embedded metric format (Powertools Metrics): one namespace, the `service`
 * dimension on every metric, and a per-metric dimension where it tells something (Channel, Reason, Kind).
 * Local runs and tests set `POWERTOOLS_METRICS_DISABLED`.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The CloudWatch namespace of every custom metric; the monitoring construct reads the same constant. */
export const METRICS_NAMESPACE = 'ExecAssistant/MeetingPrep';
/** The `service` dimension Powertools adds to every metric. */
export const METRICS_SERVICE = 'meeting-prep';

/** The metrics this service emits. */
export const MetricNames = {
  /** A notification delivered; dimension Channel. */
  NotificationsDelivered: 'NotificationsDelivered',
  /** Channels given up on before the one that delivered. */
  FallbacksTaken: 'FallbacksTaken',
  /** An execution that sent nothing; dimension Reason. */
  NotificationsSkipped: 'NotificationsSkipped',
  /** Every channel failed for a meeting. */
  AllChannelsFailed: 'AllChannelsFailed',
  /** A Slack request served; dimension Kind (meetings_command, start_prep, remind_later, direct_message). */
  SlackInteractions: 'SlackInteractions',
  /** A provider's receipt said a message was not delivered; dimensions Channel, ErrorCode. */
  UndeliveredReceipts: 'UndeliveredReceipts',
  /** A delivery recorded UNCONFIRMED (accepted or outcome unknown, no receipt in time); dimension Channel. */
  UnconfirmedDeliveries: 'UnconfirmedDeliveries',
  /**
   * A channel whose outcome could not be checked within its task's attempts (the provider and its lookup down): it
   * may have arrived; the next channel is tried. Dimension Channel.
   */
  UnverifiedOutcomes: 'UnverifiedOutcomes',
  /** An execution that hit the quiet-hours wait limit and sent rather than wait again (clocks disagree). */
  QuietHoursWaitLimit: 'QuietHoursWaitLimit',
  /** A re-run asked the provider whether an earlier send went through; dimensions Channel, Found. */
  EarlierSendsChecked: 'EarlierSendsChecked',
  /** A bookkeeping write failed after the channel's outcome was known (logged, not thrown); dimension Write. */
  BookkeepingFailures: 'BookkeepingFailures',
  /** A Remind Me in 2 Hours schedule created (from any channel). */
  RemindersScheduled: 'RemindersScheduled',
  /** Start Prep or Remind Me decided, from any channel; dimensions Action, Via (slack, sms, email), Outcome. */
  PrepActions: 'PrepActions',
  /** A signed Slack request answered 200 with nothing done; dimension Reason. */
  SlackRequestsIgnored: 'SlackRequestsIgnored',
  /** A Slack request our side failed to serve; dimension Kind (transient: 5xx, Slack retries; deterministic: 200 + X-Slack-No-Retry). */
  SlackRequestsFailed: 'SlackRequestsFailed',
  /** A `response_url` that is not Slack's, not called; dimension Where (webhook, worker). */
  SlackResponseUrlsRefused: 'SlackResponseUrlsRefused',
  /** A worker job finished; dimension Kind (start_prep, click_reply, dm_reply). */
  SlackWorkDone: 'SlackWorkDone',
  /** A worker job failed and will be retried (or dead-lettered); dimension Kind (the error's name). */
  SlackWorkFailed: 'SlackWorkFailed',
  /** A Start Prep undone because its DM could not be sent. */
  SlackPrepStartsUndone: 'SlackPrepStartsUndone',
  /**
   * A prep email sent without its action links (Start Prep, Remind Me, unsubscribe) because the links' signing keys
   * could not be had: the secret missing, unreadable (access denied, timeout) or malformed. No dimension (the reason
   * is in the log), so the alarm on it sees every case.
   */
  EmailLinksUnavailable: 'EmailLinksUnavailable',
  /**
   * An inbound SMS answered; dimension Outcome (the action's outcome, or unknown_sender and reply_limited — both
   * answered with no SMS —, help, opted_out…).
   */
  SmsReplies: 'SmsReplies',
} as const;
export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];

/**
 * The emitter: one single-metric Metrics, kept (each `addMetric` publishes at once and clears the dimensions it was
 * given). `metrics.singleMetric()` per count built a new instance, with its own Console and a read of the
 * environment, every time: a large share of a Slack click's CPU. Rebuilt when the two switches it reads at
 * construction change (tests and the local runtime flip them).
 */
let emitter: { readonly metrics: Metrics; readonly switches: string } | undefined;

function currentEmitter(): Metrics {
  const switches = `${process.env['POWERTOOLS_METRICS_DISABLED']}|${process.env['POWERTOOLS_DEV']}`;
  if (emitter?.switches !== switches) {
    emitter = {
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE, singleMetric: true }),
      switches,
    };
  }
  return emitter.metrics;
}

/** Emits one count at once, with the given dimensions besides `service`. */
export function countMetric(name: MetricName, dimensions: Readonly<Record<string, string>> = {}, value = 1): void {
  const metrics = currentEmitter();
  for (const [key, dimension] of Object.entries(dimensions)) metrics.addDimension(key, dimension);
  metrics.addMetric(name, MetricUnit.Count, value);
}
