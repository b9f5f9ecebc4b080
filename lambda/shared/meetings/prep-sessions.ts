/**
 * Start Prep on a meeting: the guarded move to PREP_IN_PROGRESS that links the meeting to its chat session, the
 * ways it is given back, and PREP_COMPLETED when the session finishes.
 */
import { Meeting, MeetingStatus, REMINDABLE_STATUSES } from '../domain';
import { MeetingsTable, readMeeting, updateMeetingIf } from './table';

/** Statuses whose prep has not started: Start Prep is offered and accepted. */
export const PREP_STARTABLE_STATUSES: readonly string[] = REMINDABLE_STATUSES;

/** Whether a meeting's prep can still be started. */
export function canStartPrep(meeting: Pick<Meeting, 'status'>): boolean {
  return PREP_STARTABLE_STATUSES.includes(meeting.status ?? '');
}

/**
 * Moves the meeting to PREP_IN_PROGRESS with its chat session, only if prep has not started and no session is
 * linked yet, or (with `replacing`) if the linked session is that one, which the caller found ended or expired:
 * of two concurrent clicks exactly one wins. A failed condition is checked against a fresh read: linked to
 * `sessionId` already, the claim holds (the SDK's retry of a claim DynamoDB carried out but whose answer was lost
 * must not read as losing).
 * @returns true when this call moved it; false when another claim holds the meeting
 */
export async function markPrepInProgress(
  table: MeetingsTable,
  meetingId: string,
  sessionId: string,
  now: Date,
  replacing?: string,
): Promise<boolean> {
  const statusValues = Object.fromEntries(PREP_STARTABLE_STATUSES.map((s, i) => [`:s${i}`, s]));
  const fresh = `#status IN (${Object.keys(statusValues).join(', ')}) AND attribute_not_exists(chat_session_id)`;
  const stale = '#status = :inProgress AND chat_session_id = :old';
  const result = await updateMeetingIf(table, 'UpdateItem meetings (prep in progress)', meetingId, {
    UpdateExpression: 'SET #status = :inProgress, chat_session_id = :sid, prep_started_at = :now, updated_at = :now',
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
  });
  if (result.written) return true;
  return (await readMeeting(table, 'GetItem meetings', meetingId))?.chat_session_id === sessionId;
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
export async function claimForPrep(
  table: MeetingsTable,
  meetingId: string,
  actorId: string,
  sessionId: string,
  now: Date,
): Promise<Meeting | undefined> {
  const statusValues = Object.fromEntries(PREP_STARTABLE_STATUSES.map((s, i) => [`:s${i}`, s]));
  const result = await updateMeetingIf(table, 'UpdateItem meetings (prep claim)', meetingId, {
    UpdateExpression: 'SET #status = :inProgress, chat_session_id = :sid, prep_started_at = :now, updated_at = :now',
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
  });
  return result.written ? (result.output.Attributes as Meeting) : undefined;
}

/**
 * Gives back a claim made by {@link claimForPrep}: the status and `updated_at` it had, no session linked, only if
 * the meeting is still linked to that session.
 * @returns false when the meeting had moved on
 */
export async function unclaim(table: MeetingsTable, before: Meeting, sessionId: string): Promise<boolean> {
  const restore =
    before.updated_at === undefined
      ? 'SET #status = :before REMOVE chat_session_id, prep_started_at, updated_at'
      : 'SET #status = :before, updated_at = :updated REMOVE chat_session_id, prep_started_at';
  const result = await updateMeetingIf(table, 'UpdateItem meetings (prep unclaim)', before.meeting_id, {
    UpdateExpression: restore,
    ConditionExpression: 'chat_session_id = :sid',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':before': before.status,
      ':sid': sessionId,
      ...(before.updated_at === undefined ? {} : { ':updated': before.updated_at }),
    },
  });
  return result.written;
}

/**
 * Undoes a Start Prep whose DM could not be sent: back to PREP_SCHEDULED with no session linked, only if the
 * meeting is still PREP_IN_PROGRESS with that session.
 * @returns false when the meeting had moved on
 */
export async function revertPrepStart(
  table: MeetingsTable,
  meetingId: string,
  sessionId: string,
  now: Date,
): Promise<boolean> {
  const result = await updateMeetingIf(table, 'UpdateItem meetings (prep revert)', meetingId, {
    UpdateExpression: 'SET #status = :scheduled, updated_at = :now REMOVE chat_session_id, prep_started_at',
    ConditionExpression: '#status = :inProgress AND chat_session_id = :sid',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':scheduled': MeetingStatus.PrepScheduled,
      ':inProgress': MeetingStatus.PrepInProgress,
      ':sid': sessionId,
      ':now': now.toISOString(),
    },
  });
  return result.written;
}

/** Moves the meeting to PREP_COMPLETED when its session finishes (only from PREP_IN_PROGRESS with that session). */
export async function markPrepCompleted(
  table: MeetingsTable,
  meetingId: string,
  sessionId: string,
  now: Date,
): Promise<boolean> {
  const result = await updateMeetingIf(table, 'UpdateItem meetings (prep completed)', meetingId, {
    UpdateExpression: 'SET #status = :completed, prep_completed_at = :now, updated_at = :now',
    ConditionExpression: '#status = :inProgress AND chat_session_id = :sid',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':completed': MeetingStatus.PrepCompleted,
      ':inProgress': MeetingStatus.PrepInProgress,
      ':sid': sessionId,
      ':now': now.toISOString(),
    },
  });
  return result.written;
}
