/**
 * DynamoDB access for meetings (users: `users-repository.ts`). Every write is a single-item conditional update (no
 * transactions: they are not needed, and dynalite, the local emulator, has none). Transient DynamoDB failures become
 * {@link TransientDataError} so the state machine retries them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CLAIMABLE_STATUSES,
  Channel,
  DeliveryIntent,
  Meeting,
  MeetingStatus,
  NotificationAttempt,
  NotificationStatus,
  REMINDABLE_STATUSES,
} from './domain';
import { guarded } from './dynamo-guard';
import { PrepAlreadyScheduledError } from './errors';

/** What a claim returns: the status the meeting had, so a failed delivery can give it back. */
export interface Claim {
  readonly previous_status: string;
  readonly claimed_at: string;
}

/** The delivered attempt and the provider's message id. */
export interface Delivery {
  readonly channel: Channel;
  /** The provider's id; absent only for an unconfirmed send whose answer never came. */
  readonly notification_id?: string;
  readonly sent_at: string;
  /** @default DELIVERED */
  readonly status?: NotificationStatus;
}

/** The most attempts kept on a meeting: the oldest are dropped beyond it, so the item never nears 400 KB. */
export const MAX_ATTEMPTS_KEPT = 20;

/** The meeting attribute holding a channel's {@link DeliveryIntent}. */
export function intentAttribute(channel: Channel): `notification_intent_${Channel}` {
  return `notification_intent_${channel}`;
}

/** Reads and writes meeting items. */
export class MeetingsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The meeting, or undefined. Strongly consistent: the workflow decides on it. */
  async get(meetingId: string): Promise<Meeting | undefined> {
    const out = await guarded('GetItem meetings', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { meeting_id: meetingId }, ConsistentRead: true })),
    );
    return out.Item as Meeting | undefined;
  }

  /**
   * Moves the meeting to PREP_SCHEDULED, only from DISCOVERED or CLASSIFIED: of N concurrent duplicate events,
   * exactly one succeeds; the others get {@link PrepAlreadyScheduledError}.
   */
  async claimForNotification(meetingId: string, execution: string, now: Date): Promise<Claim> {
    return this.claim(meetingId, now, {
      condition: 'attribute_exists(meeting_id) AND #status IN (:s0, :s1)',
      statuses: CLAIMABLE_STATUSES,
      extraSet: '',
      extraValues: {},
      execution,
      detail: 'status is no longer DISCOVERED or CLASSIFIED',
    });
  }

  /**
   * Claims the meeting for one reminder run. The reminder id (the schedule's name) is remembered, so a schedule
   * delivered twice notifies once; prep must not have started.
   */
  async claimForReminder(meetingId: string, reminderId: string, execution: string, now: Date): Promise<Claim> {
    return this.claim(meetingId, now, {
      condition:
        'attribute_exists(meeting_id) AND #status IN (:s0, :s1, :s2) AND ' +
        '(attribute_not_exists(last_reminder_id) OR last_reminder_id <> :rid)',
      statuses: REMINDABLE_STATUSES,
      extraSet: ', last_reminder_id = :rid',
      extraValues: { ':rid': reminderId },
      execution,
      detail: 'prep already started, or this reminder already ran',
    });
  }

  private async claim(
    meetingId: string,
    now: Date,
    spec: {
      condition: string;
      statuses: readonly string[];
      extraSet: string;
      extraValues: Record<string, string>;
      execution: string;
      detail: string;
    },
  ): Promise<Claim> {
    const statusValues = Object.fromEntries(spec.statuses.map((s, i) => [`:s${i}`, s]));
    try {
      const out = await guarded('UpdateItem meetings (claim)', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { meeting_id: meetingId },
            UpdateExpression:
              'SET #status = :scheduled, prep_execution = :exec, prep_scheduled_at = :now, updated_at = :now' +
              spec.extraSet,
            ConditionExpression: spec.condition,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ...statusValues,
              ...spec.extraValues,
              ':scheduled': MeetingStatus.PrepScheduled,
              ':exec': spec.execution,
              ':now': now.toISOString(),
            },
            ReturnValues: 'UPDATED_OLD',
          }),
        ),
      );
      return { previous_status: String(out.Attributes?.['status'] ?? ''), claimed_at: now.toISOString() };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new PrepAlreadyScheduledError(meetingId, spec.detail);
      }
      throw error;
    }
  }

  /** Appends one channel attempt to the meeting's attempt list, keeping the last {@link MAX_ATTEMPTS_KEPT}. */
  async appendAttempt(meetingId: string, attempt: NotificationAttempt): Promise<void> {
    const out = await guarded('UpdateItem meetings (attempt)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: meetingId },
          UpdateExpression:
            'SET notification_attempts = list_append(if_not_exists(notification_attempts, :empty), :attempt), updated_at = :now',
          ConditionExpression: 'attribute_exists(meeting_id)',
          ExpressionAttributeValues: { ':empty': [], ':attempt': [attempt], ':now': attempt.at },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    await this.trimAttempts(meetingId, ((out.Attributes as Meeting | undefined)?.notification_attempts ?? []).length);
  }

  /**
   * Drops the oldest attempts beyond the cap. DynamoDB cannot append and remove in one expression (the paths
   * overlap), so this is a second write, conditioned on the length it saw: a concurrent append wins, and the
   * next append trims.
   */
  private async trimAttempts(meetingId: string, length: number): Promise<void> {
    const excess = length - MAX_ATTEMPTS_KEPT;
    if (excess <= 0) return;
    try {
      await guarded('UpdateItem meetings (trim attempts)', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { meeting_id: meetingId },
            UpdateExpression: `REMOVE ${Array.from({ length: excess }, (_, i) => `notification_attempts[${i}]`).join(', ')}`,
            ConditionExpression: 'size(notification_attempts) = :length',
            ExpressionAttributeValues: { ':length': length },
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Records the intent to send on a channel, before the request leaves: a re-run of the task then knows a send
   * may have happened. Replaces any earlier execution's intent for that channel.
   */
  async recordIntent(meetingId: string, channel: Channel, intent: DeliveryIntent): Promise<void> {
    await guarded('UpdateItem meetings (intent)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: meetingId },
          UpdateExpression: 'SET #intent = :intent, updated_at = :now',
          ConditionExpression: 'attribute_exists(meeting_id)',
          ExpressionAttributeNames: { '#intent': intentAttribute(channel) },
          ExpressionAttributeValues: { ':intent': intent, ':now': intent.at },
        }),
      ),
    );
  }

  /**
   * Moves an execution's intent on (accepted, delivered, undelivered, failed). Only from one of `from`, and only
   * if the intent is still this execution's: a late receipt never overwrites a newer send. False when not applied.
   */
  async updateIntent(
    meetingId: string,
    channel: Channel,
    execution: string,
    from: readonly DeliveryIntent['state'][],
    changes: Partial<Pick<DeliveryIntent, 'state' | 'notification_id' | 'task_token' | 'error_code'>>,
    now: Date,
  ): Promise<boolean> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    const fromValues = Object.fromEntries(from.map((state, i) => [`:from${i}`, state]));
    try {
      await guarded('UpdateItem meetings (intent update)', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { meeting_id: meetingId },
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
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Records the delivery: provider id, channel, time, status, and the delivered attempt. Returns every attempt now on record. */
  async recordDelivery(
    meetingId: string,
    delivery: Delivery,
    execution: string,
  ): Promise<readonly NotificationAttempt[]> {
    const status = delivery.status ?? 'DELIVERED';
    const attempt: NotificationAttempt = {
      channel: delivery.channel,
      outcome: status === 'DELIVERED' ? 'delivered' : 'unconfirmed',
      ...(delivery.notification_id ? { notification_id: delivery.notification_id } : {}),
      at: delivery.sent_at,
      execution,
    };
    const out = await guarded('UpdateItem meetings (delivery)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: meetingId },
          UpdateExpression:
            (delivery.notification_id ? 'SET notification_id = :id, ' : 'SET ') +
            'notification_channel = :channel, notification_sent_at = :at, notification_status = :status, updated_at = :at, ' +
            'notification_attempts = list_append(if_not_exists(notification_attempts, :empty), :attempt)',
          ConditionExpression: 'attribute_exists(meeting_id)',
          ExpressionAttributeValues: {
            ...(delivery.notification_id ? { ':id': delivery.notification_id } : {}),
            ':channel': delivery.channel,
            ':at': delivery.sent_at,
            ':status': status,
            ':empty': [],
            ':attempt': [attempt],
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    const attempts = ((out.Attributes as Meeting | undefined)?.notification_attempts ??
      []) as readonly NotificationAttempt[];
    await this.trimAttempts(meetingId, attempts.length);
    return attempts;
  }

  /**
   * Records that every channel failed. The meeting must not look notified: the status the claim took it from is
   * given back (only if it is still PREP_SCHEDULED by this claim), so a new event or a re-run notifies again.
   */
  async recordAllChannelsFailed(meetingId: string, claim: Claim, now: Date): Promise<void> {
    const restore = claim.previous_status !== MeetingStatus.PrepScheduled && claim.previous_status !== '';
    const at = now.toISOString();
    try {
      await guarded('UpdateItem meetings (all failed)', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { meeting_id: meetingId },
            UpdateExpression: restore
              ? 'SET notification_status = :failed, notification_failed_at = :at, updated_at = :at, #status = :previous'
              : 'SET notification_status = :failed, notification_failed_at = :at, updated_at = :at',
            ConditionExpression: restore
              ? 'attribute_exists(meeting_id) AND #status = :scheduled'
              : 'attribute_exists(meeting_id)',
            ...(restore ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
            ExpressionAttributeValues: {
              ':failed': 'FAILED',
              ':at': at,
              ...(restore ? { ':previous': claim.previous_status, ':scheduled': MeetingStatus.PrepScheduled } : {}),
            },
          }),
        ),
      );
    } catch (error) {
      // The user moved the meeting on meanwhile (e.g. started prep from /meetings): record the failure, keep the status.
      if (!restore || !(error instanceof ConditionalCheckFailedException)) throw error;
      await this.recordAllChannelsFailed(meetingId, { ...claim, previous_status: MeetingStatus.PrepScheduled }, now);
    }
  }
}
