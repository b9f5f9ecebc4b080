/**
 * RecordDelivery, RecordUnverified, RecordUnconfirmed and RecordAllChannelsFailed: write the outcome on the meeting.
 * Unverified (the channel's outcome could not be checked within its attempts: the provider and its lookup down) is
 * recorded on that channel, and the next channel is routed: at most once per channel, at least one channel while
 * any remains. Unconfirmed (no receipt in time, or nothing left after an unverified channel) is recorded as sent but
 * unconfirmed, from the intents the channel tasks left. All-failed gives the meeting its previous status back so it
 * does not look notified; the state machine then fails with AllChannelsFailed. Once a message went out, no
 * bookkeeping failure fails the execution: it is logged and counted.
 */
import { dynamoDocumentClient } from '../shared/clients';
import { CHANNELS, Channel, DeliveryIntent } from '../shared/domain';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import { Delivery, MeetingsRepository, intentAttribute } from '../shared/meetings-repository';
import { now } from '../shared/time';
import { carryForward, routeFor, routingSettingsFromEnv, type WorkflowRoute } from './routing';
import { RecordInput } from './task-io';

const logger = createLogger('record-outcome');
const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
const settings = routingSettingsFromEnv();

/** Intent states of a send that may have reached the person without a receipt saying so. */
const OPEN_STATES: readonly DeliveryIntent['state'][] = ['sending', 'accepted', 'unverified'];

/**
 * The send an unconfirmed outcome is about: this execution's latest intent that did not end, with every other
 * channel of the execution that may also have delivered.
 */
export function unconfirmedDelivery(
  meeting: Partial<Record<`notification_intent_${Channel}`, DeliveryIntent>>,
  execution: string,
): Delivery | undefined {
  const open = CHANNELS.map((channel) => [channel, meeting[intentAttribute(channel)]] as const)
    .filter((entry): entry is readonly [Channel, DeliveryIntent] => entry[1]?.execution === execution)
    .filter(([, intent]) => OPEN_STATES.includes(intent.state))
    .sort(([, a], [, b]) => a.at.localeCompare(b.at));
  const last = open[open.length - 1];
  if (!last) return undefined;
  const [channel, intent] = last;
  const others = open.slice(0, -1).map(([c]) => c);
  return {
    channel,
    sent_at: intent.at,
    status: 'UNCONFIRMED',
    ...(intent.notification_id ? { notification_id: intent.notification_id } : {}),
    ...(others.length > 0 ? { unverified_channels: others } : {}),
  };
}

/** Whether DynamoDB refused the write as too large for the item (400 KB), which no retry changes. */
function isItemTooLarge(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException' && /size/i.test(error.message);
}

/**
 * Records a delivery that happened. An item near DynamoDB's 400 KB (upstream's fields are not ours to bound) takes
 * the compact record; if even that does not fit, the delivery stands and the failure is logged and counted.
 */
async function writeDelivery(meetingId: string, delivery: Delivery, execution: string) {
  try {
    return await meetings.recordDelivery(meetingId, delivery, execution);
  } catch (error) {
    if (!isItemTooLarge(error)) throw error;
    countMetric(MetricNames.BookkeepingFailures, { Write: 'delivery' });
    logger.error('the meeting item is too large for the delivery record; writing the compact one', {
      meeting_id: meetingId,
      channel: delivery.channel,
      notification_id: delivery.notification_id,
    });
  }
  try {
    await meetings.recordDelivery(meetingId, delivery, execution, 'compact');
  } catch (error) {
    if (!isItemTooLarge(error)) throw error;
    countMetric(MetricNames.BookkeepingFailures, { Write: 'delivery_compact' });
    logger.error('delivery not recorded on the meeting: the item is too large; the message was sent', {
      meeting_id: meetingId,
      channel: delivery.channel,
      notification_id: delivery.notification_id,
      status: delivery.status ?? 'DELIVERED',
    });
  }
  return [];
}

const unverifiedOf = (route: WorkflowRoute | undefined) =>
  route?.unverified && route.unverified.length > 0 ? { unverified_channels: route.unverified } : {};

async function recordDelivered(input: Extract<RecordInput, { outcome: 'delivered' }>): Promise<void> {
  const delivery = { ...input.delivery, ...unverifiedOf(input.route) };
  const attempts = await writeDelivery(input.meeting_id, delivery, input.execution);
  // Channels this execution tried before the one that delivered.
  const fallbacks = new Set(
    attempts
      .filter((a) => a.execution === input.execution && a.channel !== input.delivery.channel)
      .map((a) => a.channel),
  ).size;
  countMetric(MetricNames.NotificationsDelivered, { Channel: input.delivery.channel });
  if (fallbacks > 0) countMetric(MetricNames.FallbacksTaken, {}, fallbacks);
  logger.info('delivery recorded', { meeting_id: input.meeting_id, channel: input.delivery.channel, fallbacks });
}

async function recordUnconfirmed(input: Extract<RecordInput, { outcome: 'unconfirmed' }>): Promise<void> {
  const meeting = await meetings.get(input.meeting_id);
  const delivery = meeting ? unconfirmedDelivery(meeting, input.execution) : undefined;
  if (!delivery) throw new Error(`no open delivery intent of ${input.execution} on meeting ${input.meeting_id}`);
  await writeDelivery(input.meeting_id, delivery, input.execution);
  countMetric(MetricNames.UnconfirmedDeliveries);
  countMetric(MetricNames.UnconfirmedDeliveries, { Channel: delivery.channel });
  logger.warn(
    'delivery recorded as unconfirmed: no receipt in time, or an outcome that cannot be checked; not resent',
    {
      meeting_id: input.meeting_id,
      channel: delivery.channel,
      notification_id: delivery.notification_id,
      may_also_have_delivered: delivery.unverified_channels,
      reason: input.error?.Error,
    },
  );
}

/** Marks the channel unverified on the meeting (best effort: routing on matters more) and routes the next one. */
async function recordUnverified(input: Extract<RecordInput, { outcome: 'unverified' }>): Promise<WorkflowRoute> {
  const channel = input.prep.route.next;
  if (channel === 'none') throw new Error(`RecordUnverified on meeting ${input.meeting_id} without a channel`);
  const at = now();
  // False when the intent is already unverified: a re-run of this task (a Lambda retry, a redrive) records and counts
  // nothing again. Unknown (the write failed) counts, as the channel is unverified either way.
  let first = true;
  try {
    first = await meetings.updateIntent(
      input.meeting_id,
      channel,
      input.execution,
      ['sending', 'accepted'],
      { state: 'unverified' },
      at,
    );
    if (first)
      await meetings.appendAttempt(input.meeting_id, {
        channel,
        outcome: 'unverified',
        ...(input.error?.Error ? { error_code: input.error.Error.slice(0, 64) } : {}),
        at: at.toISOString(),
        execution: input.execution,
      });
  } catch (error) {
    countMetric(MetricNames.BookkeepingFailures, { Write: 'unverified' });
    logger.error('could not mark the channel unverified; routing on', {
      meeting_id: input.meeting_id,
      channel,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
  if (first) {
    countMetric(MetricNames.UnverifiedOutcomes);
    countMetric(MetricNames.UnverifiedOutcomes, { Channel: channel });
  }
  const route = carryForward(input.prep.route, routeFor(input.prep, input.prep.route.remaining, at, settings), {
    unverified: channel,
  });
  logger.warn('channel outcome unverified: it may have arrived; trying the next channel', {
    meeting_id: input.meeting_id,
    channel,
    next: route.next,
    reason: input.error?.Error,
  });
  return route;
}

/** Lambda entry point. */
export async function handler(input: RecordInput): Promise<{ recorded: RecordInput['outcome'] } | WorkflowRoute> {
  switch (input.outcome) {
    case 'delivered':
      await recordDelivered(input);
      break;
    case 'unconfirmed':
      await recordUnconfirmed(input);
      break;
    case 'unverified':
      return recordUnverified(input);
    default:
      await meetings.recordAllChannelsFailed(input.meeting_id, input.claim, now());
      countMetric(MetricNames.AllChannelsFailed);
      logger.error('every channel failed', { meeting_id: input.meeting_id, execution: input.execution });
  }
  return { recorded: input.outcome };
}
