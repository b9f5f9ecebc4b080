/**
 * Meeting reads and writes of the Slack bot: a user's upcoming meetings (the by-user index), and the guarded move
 * to PREP_IN_PROGRESS that links the meeting to its chat session.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Meeting, MeetingStatus, REMINDABLE_STATUSES } from './domain';
import { MEETINGS_BY_USER_INDEX } from './table-indexes';

/** How many meetings `/meetings` lists at most. */
export const UPCOMING_LIMIT = 10;

/** Statuses whose prep has not started: Start Prep is offered and accepted. */
export const PREP_STARTABLE_STATUSES: readonly string[] = REMINDABLE_STATUSES;

/** Whether a meeting's prep can still be started. */
export function canStartPrep(meeting: Pick<Meeting, 'status'>): boolean {
  return PREP_STARTABLE_STATUSES.includes(meeting.status ?? '');
}

const DAY_MS = 86_400_000;

/**
 * Picks the upcoming meetings: start in [from, to), not cancelled, soonest first, at most `limit`. Pure.
 * Start times are compared as instants, so items written with any UTC offset sort correctly.
 */
export function selectUpcoming(items: readonly Meeting[], from: Date, to: Date, limit = UPCOMING_LIMIT): Meeting[] {
  return items
    .map((m) => ({ m, at: Date.parse(m.start_time) }))
    .filter(
      ({ m, at }) =>
        Number.isFinite(at) && at >= from.getTime() && at < to.getTime() && m.status !== MeetingStatus.Cancelled,
    )
    .sort((a, b) => a.at - b.at)
    .slice(0, limit)
    .map(({ m }) => m);
}

/** The bot's access to the meetings table. */
export class BotMeetingsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The meeting, or undefined (strongly consistent: a click decides on it). */
  async get(meetingId: string): Promise<Meeting | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { meeting_id: meetingId }, ConsistentRead: true }),
    );
    return out.Item as Meeting | undefined;
  }

  /**
   * The user's meetings starting in [from, to), soonest first, at most `limit`, cancelled ones left out. The key
   * condition is widened by a day on each side because `start_time` strings may carry any UTC offset; the exact
   * window is applied on the parsed instants.
   */
  async upcoming(userId: string, from: Date, to: Date, limit = UPCOMING_LIMIT): Promise<Meeting[]> {
    const items: Meeting[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: MEETINGS_BY_USER_INDEX,
          KeyConditionExpression: 'user_id = :u AND start_time BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':u': userId,
            ':from': new Date(from.getTime() - DAY_MS).toISOString(),
            ':to': new Date(to.getTime() + DAY_MS).toISOString(),
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...((out.Items ?? []) as Meeting[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return selectUpcoming(items, from, to, limit);
  }

  /**
   * Moves the meeting to PREP_IN_PROGRESS with its chat session, only if prep has not started and no session is
   * linked yet, or (with `replacing`) if the linked session is that one, which the caller found ended or expired:
   * of two concurrent clicks exactly one wins. A failed condition is checked against a fresh read: linked to
   * `sessionId` already, the claim holds (the SDK's retry of a claim DynamoDB carried out but whose answer was lost
   * must not read as losing).
   * @returns true when this call moved it; false when another claim holds the meeting
   */
  async markPrepInProgress(meetingId: string, sessionId: string, now: Date, replacing?: string): Promise<boolean> {
    const statusValues = Object.fromEntries(PREP_STARTABLE_STATUSES.map((s, i) => [`:s${i}`, s]));
    const fresh = `#status IN (${Object.keys(statusValues).join(', ')}) AND attribute_not_exists(chat_session_id)`;
    const stale = '#status = :inProgress AND chat_session_id = :old';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: meetingId },
          UpdateExpression:
            'SET #status = :inProgress, chat_session_id = :sid, prep_started_at = :now, updated_at = :now',
          // DynamoDB refuses redundant parentheses: the OR is wrapped only when there is one.
          ConditionExpression: `attribute_exists(meeting_id) AND ${replacing ? `((${fresh}) OR (${stale}))` : `${fresh}`}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...statusValues,
            ':inProgress': MeetingStatus.PrepInProgress,
            ':sid': sessionId,
            ':now': now.toISOString(),
            ...(replacing ? { ':old': replacing } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        return (await this.get(meetingId))?.chat_session_id === sessionId;
      throw error;
    }
  }

  /**
   * Start Prep's one-write path: moves the meeting to PREP_IN_PROGRESS with the new session, only if it exists, is
   * `actorId`'s, prep has not started and no session is linked. Whether the meeting has started is left to the
   * caller (start times may carry any UTC offset, which a condition cannot compare), who gives the claim back with
   * {@link unclaim} when it has.
   * @returns the meeting as it was before the claim; undefined when the condition failed (the caller reads the
   *   meeting to say why, and finds it linked to `sessionId` when this claim's first attempt was carried out but its
   *   answer lost)
   */
  async claimForPrep(meetingId: string, actorId: string, sessionId: string, now: Date): Promise<Meeting | undefined> {
    const statusValues = Object.fromEntries(PREP_STARTABLE_STATUSES.map((s, i) => [`:s${i}`, s]));
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: meetingId },
          UpdateExpression:
            'SET #status = :inProgress, chat_session_id = :sid, prep_started_at = :now, updated_at = :now',
          ConditionExpression: `attribute_exists(meeting_id) AND user_id = :actor AND #status IN (${Object.keys(statusValues).join(', ')}) AND attribute_not_exists(chat_session_id)`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...statusValues,
            ':inProgress': MeetingStatus.PrepInProgress,
            ':sid': sessionId,
            ':now': now.toISOString(),
            ':actor': actorId,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes as Meeting;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Gives back a claim made by {@link claimForPrep}: the status and `updated_at` it had, no session linked, only if
   * the meeting is still linked to that session.
   * @returns false when the meeting had moved on
   */
  async unclaim(before: Meeting, sessionId: string): Promise<boolean> {
    const restore =
      before.updated_at === undefined
        ? 'SET #status = :before REMOVE chat_session_id, prep_started_at, updated_at'
        : 'SET #status = :before, updated_at = :updated REMOVE chat_session_id, prep_started_at';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: before.meeting_id },
          UpdateExpression: restore,
          ConditionExpression: 'chat_session_id = :sid',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':before': before.status,
            ':sid': sessionId,
            ...(before.updated_at === undefined ? {} : { ':updated': before.updated_at }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Undoes a Start Prep whose DM could not be sent: back to PREP_SCHEDULED with no session linked, only if the
   * meeting is still PREP_IN_PROGRESS with that session.
   * @returns false when the meeting had moved on
   */
  async revertPrepStart(meetingId: string, sessionId: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: meetingId },
          UpdateExpression: 'SET #status = :scheduled, updated_at = :now REMOVE chat_session_id, prep_started_at',
          ConditionExpression: '#status = :inProgress AND chat_session_id = :sid',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':scheduled': MeetingStatus.PrepScheduled,
            ':inProgress': MeetingStatus.PrepInProgress,
            ':sid': sessionId,
            ':now': now.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Moves the meeting to PREP_COMPLETED when its session finishes (only from PREP_IN_PROGRESS with that session). */
  async markPrepCompleted(meetingId: string, sessionId: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { meeting_id: meetingId },
          UpdateExpression: 'SET #status = :completed, prep_completed_at = :now, updated_at = :now',
          ConditionExpression: '#status = :inProgress AND chat_session_id = :sid',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':completed': MeetingStatus.PrepCompleted,
            ':inProgress': MeetingStatus.PrepInProgress,
            ':sid': sessionId,
            ':now': now.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
