/**
 * DynamoDB access for meetings and users. Every write is a single-item conditional update (no transactions:
 * they are not needed, and dynalite, the local emulator, has none). Transient DynamoDB failures become
 * {@link TransientDataError} so the state machine retries them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isTransientAwsError } from './aws-errors';
import {
  CLAIMABLE_STATUSES,
  Channel,
  Meeting,
  MeetingStatus,
  NotificationAttempt,
  REMINDABLE_STATUSES,
  User,
} from './domain';
import { PrepAlreadyScheduledError, TransientDataError } from './errors';
import type { StoredPreferences } from './preferences';

async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    if (isTransientAwsError(error)) throw new TransientDataError(`${what}: ${(error as Error).name}`, { cause: error });
    throw error;
  }
}

/** What a claim returns: the status the meeting had, so a failed delivery can give it back. */
export interface Claim {
  readonly previous_status: string;
  readonly claimed_at: string;
}

/** The delivered attempt and the provider's message id. */
export interface Delivery {
  readonly channel: Channel;
  readonly notification_id: string;
  readonly sent_at: string;
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

  /** Appends one channel attempt to the meeting's attempt list. */
  async appendAttempt(meetingId: string, attempt: NotificationAttempt): Promise<void> {
    await guarded('UpdateItem meetings (attempt)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: meetingId },
          UpdateExpression:
            'SET notification_attempts = list_append(if_not_exists(notification_attempts, :empty), :attempt), updated_at = :now',
          ConditionExpression: 'attribute_exists(meeting_id)',
          ExpressionAttributeValues: { ':empty': [], ':attempt': [attempt], ':now': attempt.at },
        }),
      ),
    );
  }

  /** Records the delivery: provider id, channel, time, and the delivered attempt. Returns every attempt now on record. */
  async recordDelivery(meetingId: string, delivery: Delivery, execution: string): Promise<readonly NotificationAttempt[]> {
    const attempt: NotificationAttempt = {
      channel: delivery.channel,
      outcome: 'delivered',
      notification_id: delivery.notification_id,
      at: delivery.sent_at,
      execution,
    };
    const out = await guarded('UpdateItem meetings (delivery)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: meetingId },
          UpdateExpression:
            'SET notification_id = :id, notification_channel = :channel, notification_sent_at = :at, ' +
            'notification_status = :delivered, updated_at = :at, ' +
            'notification_attempts = list_append(if_not_exists(notification_attempts, :empty), :attempt)',
          ConditionExpression: 'attribute_exists(meeting_id)',
          ExpressionAttributeValues: {
            ':id': delivery.notification_id,
            ':channel': delivery.channel,
            ':at': delivery.sent_at,
            ':delivered': 'DELIVERED',
            ':empty': [],
            ':attempt': [attempt],
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return ((out.Attributes as Meeting | undefined)?.notification_attempts ?? []) as readonly NotificationAttempt[];
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
            ConditionExpression: restore ? 'attribute_exists(meeting_id) AND #status = :scheduled' : 'attribute_exists(meeting_id)',
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

/** Reads user items. */
export class UsersRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The user, or undefined. */
  async get(userId: string): Promise<User | undefined> {
    const out = await guarded('GetItem users', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { user_id: userId } })),
    );
    return out.Item as User | undefined;
  }

  /** Writes an existing user's `notification_preferences`; throws a conditional check failure for an unknown user. */
  async savePreferences(userId: string, stored: StoredPreferences, now: Date): Promise<void> {
    await guarded('UpdateItem users', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { user_id: userId },
          UpdateExpression: 'SET notification_preferences = :p, preferences_updated_at = :now',
          ConditionExpression: 'attribute_exists(user_id)',
          ExpressionAttributeValues: { ':p': stored, ':now': now.toISOString() },
        }),
      ),
    );
  }

  /**
   * Claims the digest of one scheduled time: true once per user and time (a later time also wins over an earlier
   * one); false for a repeat delivery or an unknown user.
   */
  async claimDigest(userId: string, scheduledAt: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { user_id: userId },
          UpdateExpression: 'SET last_digest_at = :t',
          ConditionExpression: 'attribute_exists(user_id) AND (attribute_not_exists(last_digest_at) OR last_digest_at < :t)',
          ExpressionAttributeValues: { ':t': scheduledAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Gives back a claim whose digest could not be sent, so the retried delivery sends it. */
  async releaseDigest(userId: string, scheduledAt: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { user_id: userId },
          UpdateExpression: 'REMOVE last_digest_at',
          ConditionExpression: 'last_digest_at = :t',
          ExpressionAttributeValues: { ':t': scheduledAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
