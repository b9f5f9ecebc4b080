/**
 * The prep workflow's claim on a meeting: the move to PREP_SCHEDULED that lets exactly one execution notify, and
 * the ways a claim is given back (the meeting moved during a quiet-hours wait; every channel failed).
 */
import { CLAIMABLE_STATUSES, Meeting, MeetingStatus, REMINDABLE_STATUSES } from '../domain';
import { PrepAlreadyScheduledError } from '../errors';
import { MeetingsTable, readMeeting, updateMeeting, updateMeetingIf } from './table';

/** What a claim returns: the status the meeting had, so a failed delivery can give it back. */
export interface Claim {
  readonly previous_status: string;
  readonly claimed_at: string;
}

/**
 * The claim `execution` already holds on this meeting, read back from the item, or undefined when it holds none. A
 * claim whose answer was lost (the write landed, the answer never came back) is found again this way: by the SDK's
 * own retry, whose condition then fails, and by a retry of the whole task, which reads the meeting claimed.
 */
export function heldClaim(meeting: Meeting | undefined, execution: string): Claim | undefined {
  if (meeting?.status !== MeetingStatus.PrepScheduled || meeting.prep_execution !== execution) return undefined;
  return { previous_status: meeting.prep_previous_status ?? '', claimed_at: meeting.prep_scheduled_at ?? '' };
}

/**
 * Moves the meeting to PREP_SCHEDULED, only from DISCOVERED or CLASSIFIED: of N concurrent duplicate events,
 * exactly one succeeds; the others get {@link PrepAlreadyScheduledError}. Claiming again for the execution that
 * holds the claim returns its claim.
 */
export async function claimForNotification(
  table: MeetingsTable,
  meetingId: string,
  execution: string,
  now: Date,
): Promise<Claim> {
  return claim(table, meetingId, now, {
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
 * delivered twice notifies once; prep must not have started. Claiming again for the execution that holds the claim
 * returns its claim.
 */
export async function claimForReminder(
  table: MeetingsTable,
  meetingId: string,
  reminderId: string,
  execution: string,
  now: Date,
): Promise<Claim> {
  return claim(table, meetingId, now, {
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

async function claim(
  table: MeetingsTable,
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
  const result = await updateMeetingIf(table, 'UpdateItem meetings (claim)', meetingId, {
    UpdateExpression:
      'SET prep_previous_status = #status, #status = :scheduled, prep_execution = :exec, prep_scheduled_at = :now, ' +
      `updated_at = :now${spec.extraSet}`,
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
  });
  if (!result.written) {
    const held = heldClaim(await readMeeting(table, 'GetItem meetings (claim held?)', meetingId), spec.execution);
    if (held) return held;
    throw new PrepAlreadyScheduledError(meetingId, spec.detail);
  }
  return { previous_status: String(result.output.Attributes?.['status'] ?? ''), claimed_at: now.toISOString() };
}

/**
 * Gives a claimed meeting back its previous status when the execution that claimed it stops without notifying
 * (the meeting moved during a quiet-hours wait), so the event for the new time can claim it. One conditional
 * update: only while the meeting is still PREP_SCHEDULED by that execution.
 * @returns true when the status was given back, false when the meeting had moved on (nothing to give back)
 */
export async function releaseClaim(
  table: MeetingsTable,
  meetingId: string,
  claim: Claim,
  execution: string,
  now: Date,
): Promise<boolean> {
  if (claim.previous_status === MeetingStatus.PrepScheduled || claim.previous_status === '') return false;
  const result = await updateMeetingIf(table, 'UpdateItem meetings (release)', meetingId, {
    UpdateExpression: 'SET #status = :previous, updated_at = :at',
    ConditionExpression: '#status = :scheduled AND prep_execution = :exec',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':previous': claim.previous_status,
      ':scheduled': MeetingStatus.PrepScheduled,
      ':exec': execution,
      ':at': now.toISOString(),
    },
  });
  return result.written;
}

/**
 * Records that every channel failed. The meeting must not look notified: the status the claim took it from is
 * given back (only if it is still PREP_SCHEDULED by this claim), so a new event or a re-run notifies again.
 */
export async function recordAllChannelsFailed(
  table: MeetingsTable,
  meetingId: string,
  claim: Claim,
  now: Date,
): Promise<void> {
  const restore = claim.previous_status !== MeetingStatus.PrepScheduled && claim.previous_status !== '';
  const at = now.toISOString();
  const what = 'UpdateItem meetings (all failed)';
  if (!restore) {
    // Only the meeting's existence is checked: a failed condition is thrown.
    await updateMeeting(table, what, meetingId, {
      UpdateExpression: 'SET notification_status = :failed, notification_failed_at = :at, updated_at = :at',
      ConditionExpression: 'attribute_exists(meeting_id)',
      ExpressionAttributeValues: { ':failed': 'FAILED', ':at': at },
    });
    return;
  }
  const result = await updateMeetingIf(table, what, meetingId, {
    UpdateExpression:
      'SET notification_status = :failed, notification_failed_at = :at, updated_at = :at, #status = :previous',
    ConditionExpression: 'attribute_exists(meeting_id) AND #status = :scheduled',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':failed': 'FAILED',
      ':at': at,
      ':previous': claim.previous_status,
      ':scheduled': MeetingStatus.PrepScheduled,
    },
  });
  // The user moved the meeting on meanwhile (e.g. started prep from /meetings): record the failure, keep the status.
  if (!result.written)
    await recordAllChannelsFailed(table, meetingId, { ...claim, previous_status: MeetingStatus.PrepScheduled }, now);
}
