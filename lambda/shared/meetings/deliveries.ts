/**
 * What the channels and the workflow record on a meeting about its notification: the intent to send on a channel
 * (before the request leaves) and how it moved on, every attempt, and the delivery.
 */
import { Channel, DeliveryIntent, Meeting, NotificationAttempt, NotificationStatus } from '../domain';
import { MeetingsTable, updateMeeting, updateMeetingIf } from './table';

/** The delivered attempt and the provider's message id. */
export interface Delivery {
  readonly channel: Channel;
  /** The provider's id; absent only for an unconfirmed send whose answer never came. */
  readonly notification_id?: string;
  readonly sent_at: string;
  /** @default DELIVERED */
  readonly status?: NotificationStatus;
  /** Channels this execution gave up on as unverifiable before: they may have delivered too. */
  readonly unverified_channels?: readonly Channel[];
}

/** How much {@link recordDelivery} writes. */
export type DeliveryRecord =
  /** The delivery and its attempt, appended to the history. */
  | 'full'
  /** Only the delivery's own fields (a few dozen bytes): for an item too near DynamoDB's 400 KB for the full one. */
  | 'compact';

/** The most attempts kept on a meeting: the oldest are dropped beyond it, so the item never nears 400 KB. */
export const MAX_ATTEMPTS_KEPT = 20;

/** The meeting attribute holding a channel's {@link DeliveryIntent}. */
export function intentAttribute(channel: Channel): `notification_intent_${Channel}` {
  return `notification_intent_${channel}`;
}

/** Appends one channel attempt to the meeting's attempt list, keeping the last {@link MAX_ATTEMPTS_KEPT}. */
export async function appendAttempt(
  table: MeetingsTable,
  meetingId: string,
  attempt: NotificationAttempt,
): Promise<void> {
  const out = await updateMeeting(table, 'UpdateItem meetings (attempt)', meetingId, {
    UpdateExpression:
      'SET notification_attempts = list_append(if_not_exists(notification_attempts, :empty), :attempt), updated_at = :now',
    ConditionExpression: 'attribute_exists(meeting_id)',
    ExpressionAttributeValues: { ':empty': [], ':attempt': [attempt], ':now': attempt.at },
    ReturnValues: 'UPDATED_NEW',
  });
  await trimAttempts(table, meetingId, ((out.Attributes as Meeting | undefined)?.notification_attempts ?? []).length);
}

/**
 * Drops the oldest attempts beyond the cap. DynamoDB cannot append and remove in one expression (the paths
 * overlap), so this is a second write, conditioned on the length it saw: a concurrent append wins, and the
 * next append trims.
 */
async function trimAttempts(table: MeetingsTable, meetingId: string, length: number): Promise<void> {
  const excess = length - MAX_ATTEMPTS_KEPT;
  if (excess <= 0) return;
  await updateMeetingIf(table, 'UpdateItem meetings (trim attempts)', meetingId, {
    UpdateExpression: `REMOVE ${Array.from({ length: excess }, (_, i) => `notification_attempts[${i}]`).join(', ')}`,
    ConditionExpression: 'size(notification_attempts) = :length',
    ExpressionAttributeValues: { ':length': length },
  });
}

/**
 * Records the intent to send on a channel, before the request leaves: a re-run of the task then knows a send
 * may have happened. Replaces any earlier execution's intent for that channel.
 */
export async function recordIntent(
  table: MeetingsTable,
  meetingId: string,
  channel: Channel,
  intent: DeliveryIntent,
): Promise<void> {
  await updateMeeting(table, 'UpdateItem meetings (intent)', meetingId, {
    UpdateExpression: 'SET #intent = :intent, updated_at = :now',
    ConditionExpression: 'attribute_exists(meeting_id)',
    ExpressionAttributeNames: { '#intent': intentAttribute(channel) },
    ExpressionAttributeValues: { ':intent': intent, ':now': intent.at },
  });
}

/**
 * Records an execution's first intent on a channel, in one conditional write instead of a read and a write: written
 * only when the channel holds no intent of this execution (none, or an earlier execution's, which it replaces).
 * False when the condition failed: the channel already holds this execution's intent (a re-run of the task, or this
 * very write landed and its answer was lost before the SDK retried), or the meeting is gone; the caller reads the
 * meeting to tell which.
 */
export async function recordFirstIntent(
  table: MeetingsTable,
  meetingId: string,
  channel: Channel,
  intent: DeliveryIntent,
): Promise<boolean> {
  const result = await updateMeetingIf(table, 'UpdateItem meetings (first intent)', meetingId, {
    UpdateExpression: 'SET #intent = :intent, updated_at = :now',
    ConditionExpression:
      'attribute_exists(meeting_id) AND (attribute_not_exists(#intent) OR #intent.#execution <> :execution)',
    ExpressionAttributeNames: { '#intent': intentAttribute(channel), '#execution': 'execution' },
    ExpressionAttributeValues: { ':intent': intent, ':now': intent.at, ':execution': intent.execution },
  });
  return result.written;
}

/** What moving an intent on may change. */
export type IntentChanges = Partial<Pick<DeliveryIntent, 'state' | 'notification_id' | 'task_token' | 'error_code'>>;

/**
 * Moves an execution's intent on (accepted, delivered, undelivered, failed). Only from one of `from`, and only
 * if the intent is still this execution's: a late receipt never overwrites a newer send. False when not applied.
 */
export async function updateIntent(
  table: MeetingsTable,
  meetingId: string,
  channel: Channel,
  execution: string,
  from: readonly DeliveryIntent['state'][],
  changes: IntentChanges,
  now: Date,
): Promise<boolean> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
  const fromValues = Object.fromEntries(from.map((state, i) => [`:from${i}`, state]));
  const result = await updateMeetingIf(table, 'UpdateItem meetings (intent update)', meetingId, {
    UpdateExpression: `SET ${entries.map(([k]) => `#intent.#${k} = :${k}`).join(', ')}, updated_at = :now`,
    ConditionExpression: `#intent.#execution = :execution AND #intent.#state IN (${Object.keys(fromValues).join(', ')})`,
    ExpressionAttributeNames: {
      '#intent': intentAttribute(channel),
      '#execution': 'execution',
      '#state': 'state',
      ...Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
    },
    ExpressionAttributeValues: {
      ...Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
      ...fromValues,
      ':execution': execution,
      ':now': now.toISOString(),
    },
  });
  return result.written;
}

/**
 * Records the delivery: provider id, channel, time, status, the channels that may also have delivered and (`full`)
 * the delivered attempt. Returns every attempt now on record.
 */
export async function recordDelivery(
  table: MeetingsTable,
  meetingId: string,
  delivery: Delivery,
  execution: string,
  record: DeliveryRecord = 'full',
): Promise<readonly NotificationAttempt[]> {
  const status = delivery.status ?? 'DELIVERED';
  const unverified = delivery.unverified_channels ?? [];
  const attempt: NotificationAttempt = {
    channel: delivery.channel,
    outcome: status === 'DELIVERED' ? 'delivered' : 'unconfirmed',
    ...(delivery.notification_id ? { notification_id: delivery.notification_id } : {}),
    at: delivery.sent_at,
    execution,
  };
  const full = record === 'full';
  const set = [
    ...(delivery.notification_id ? ['notification_id = :id'] : []),
    'notification_channel = :channel, notification_sent_at = :at, notification_status = :status',
    ...(unverified.length > 0 ? ['notification_unverified_channels = :unverified'] : []),
    ...(full
      ? [
          'updated_at = :at, notification_attempts = list_append(if_not_exists(notification_attempts, :empty), :attempt)',
        ]
      : []),
  ];
  const out = await updateMeeting(table, `UpdateItem meetings (delivery, ${record})`, meetingId, {
    UpdateExpression: `SET ${set.join(', ')}${unverified.length > 0 ? '' : ' REMOVE notification_unverified_channels'}`,
    ConditionExpression: 'attribute_exists(meeting_id)',
    ExpressionAttributeValues: {
      ...(delivery.notification_id ? { ':id': delivery.notification_id } : {}),
      ':channel': delivery.channel,
      ':at': delivery.sent_at,
      ':status': status,
      ...(unverified.length > 0 ? { ':unverified': unverified } : {}),
      ...(full ? { ':empty': [], ':attempt': [attempt] } : {}),
    },
    ReturnValues: full ? 'ALL_NEW' : 'NONE',
  });
  if (!full) return [];
  const attempts = ((out.Attributes as Meeting | undefined)?.notification_attempts ??
    []) as readonly NotificationAttempt[];
  await trimAttempts(table, meetingId, attempts.length);
  return attempts;
}
