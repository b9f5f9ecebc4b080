/**
 * RecordDelivery, RecordUnconfirmed and RecordAllChannelsFailed: write the outcome on the meeting. Unconfirmed (no
 * receipt in time, or an outcome nobody can check) is recorded as sent but unconfirmed, from the intent the
 * channel task left. All-failed gives the meeting its previous status back so it does not look notified; the
 * state machine then fails with AllChannelsFailed.
 */
import { dynamoDocumentClient } from '../shared/clients';
import { CHANNELS, DeliveryIntent, Channel } from '../shared/domain';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import { Delivery, MeetingsRepository, intentAttribute } from '../shared/meetings-repository';
import { RecordInput } from './task-io';
import { now } from '../shared/time';

const logger = createLogger('record-outcome');
const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));

/** The send an unconfirmed outcome is about: this execution's latest intent that did not end. */
export function unconfirmedDelivery(
  meeting: Partial<Record<`notification_intent_${Channel}`, DeliveryIntent>>,
  execution: string,
): Delivery | undefined {
  const open = CHANNELS.map((channel) => [channel, meeting[intentAttribute(channel)]] as const)
    .filter((entry): entry is readonly [Channel, DeliveryIntent] => entry[1]?.execution === execution)
    .filter(([, intent]) => intent.state === 'sending' || intent.state === 'accepted')
    .sort(([, a], [, b]) => a.at.localeCompare(b.at));
  const last = open[open.length - 1];
  if (!last) return undefined;
  const [channel, intent] = last;
  return {
    channel,
    sent_at: intent.at,
    status: 'UNCONFIRMED',
    ...(intent.notification_id ? { notification_id: intent.notification_id } : {}),
  };
}

async function recordDelivered(input: Extract<RecordInput, { outcome: 'delivered' }>): Promise<void> {
  const attempts = await meetings.recordDelivery(input.meeting_id, input.delivery, input.execution);
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
  await meetings.recordDelivery(input.meeting_id, delivery, input.execution);
  countMetric(MetricNames.UnconfirmedDeliveries);
  countMetric(MetricNames.UnconfirmedDeliveries, { Channel: delivery.channel });
  logger.warn(
    'delivery recorded as unconfirmed: no receipt in time, or an outcome that cannot be checked; not resent',
    {
      meeting_id: input.meeting_id,
      channel: delivery.channel,
      notification_id: delivery.notification_id,
      reason: input.error?.Error,
    },
  );
}

/** Lambda entry point. */
export async function handler(input: RecordInput): Promise<{ recorded: RecordInput['outcome'] }> {
  switch (input.outcome) {
    case 'delivered':
      await recordDelivered(input);
      break;
    case 'unconfirmed':
      await recordUnconfirmed(input);
      break;
    default:
      await meetings.recordAllChannelsFailed(input.meeting_id, input.claim, now());
      countMetric(MetricNames.AllChannelsFailed);
      logger.error('every channel failed', { meeting_id: input.meeting_id, execution: input.execution });
  }
  return { recorded: input.outcome };
}
