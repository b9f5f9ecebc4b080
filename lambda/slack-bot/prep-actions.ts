/**
 * The two buttons of the prep message (and of `/meetings`): Start Prep and Remind Me in 2 Hours, decided before the
 * webhook answers. Only the meeting's owner may use them; every write is conditional, so a double click has the
 * effect of one. What the user then sees (the replaced message, the DM, a private line) is queued for the worker.
 */
import { ChatSessionsRepository } from '../shared/chat-sessions';
import { Meeting, MeetingStatus, toMeetingType } from '../shared/domain';
import { PrepButtonValue } from '../shared/messages';
import { canStartPrep } from '../shared/bot-meetings';
import { formatLocalDateTime } from '../shared/time';
import { BotDeps, timeZoneOf } from './deps';
import { reminderScheduleRequest, reminderTime } from './reminders';
import { BotMessage, reminderReplacement } from './views';
import { ChatSessionState } from '../shared/chat-sessions';
import { ClickTarget, WorkJob } from './work-jobs';

/** A click on one of the buttons. */
export interface PrepClick {
  /** Who clicked. */
  readonly userId: string;
  /** The button's `value`. */
  readonly value: string | undefined;
  /** Where the click happened, for the answer. */
  readonly target: ClickTarget;
  /** The interaction's own id (`trigger_id`): the queue drops a repeat of it. */
  readonly interactionId: string;
}

/** What a click did, for logs and tests. */
export type ClickOutcome =
  | 'invalid_value'
  | 'meeting_not_found'
  | 'not_owner'
  | 'not_startable'
  | 'meeting_started'
  | 'already_in_progress'
  | 'session_started'
  | 'too_late'
  | 'reminder_scheduled'
  | 'reminder_exists';

const ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Parses a button value (`{"meeting_id","user_id"}` JSON). Pure. */
export function parseButtonValue(value: string | undefined): PrepButtonValue | undefined {
  try {
    const parsed: unknown = JSON.parse(value ?? '');
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { meeting_id: meetingId, user_id: userId } = parsed as Record<string, unknown>;
    return typeof meetingId === 'string' && ID.test(meetingId) && typeof userId === 'string' && ID.test(userId)
      ? { meeting_id: meetingId, user_id: userId }
      : undefined;
  } catch {
    return undefined;
  }
}

type Checked = { ok: true; meeting: Meeting; staleSessionId?: string } | { ok: false; outcome: ClickOutcome; tell: string };

const IN_PROGRESS_TEXT = 'Prep is already in progress for this meeting. Check your direct messages with me.';

/** Whether the meeting's linked session still holds it: ACTIVE and not expired (the TTL deletes lazily). */
async function sessionHoldsMeeting(deps: BotDeps, sessionId: string | undefined, now: Date): Promise<boolean> {
  if (!sessionId) return false;
  const session = await deps.sessions.get(sessionId);
  return session !== undefined && session.state === ChatSessionState.Active && session.expires_at > Math.floor(now.getTime() / 1000);
}

/** Loads the meeting and checks the clicker owns it and prep can start; says why not. */
async function checkClick(deps: BotDeps, click: PrepClick, now: Date, restartable: boolean): Promise<Checked> {
  const value = parseButtonValue(click.value);
  if (!value) return { ok: false, outcome: 'invalid_value', tell: "Sorry, I couldn't tell which meeting that button is for." };
  const meeting = await deps.meetings.get(value.meeting_id);
  if (!meeting) {
    return { ok: false, outcome: 'meeting_not_found', tell: "I can't find that meeting any more. It may have been removed from the calendar." };
  }
  if (meeting.user_id !== click.userId) {
    deps.logger.warn("Refused a click on another user's meeting", { meeting_id: meeting.meeting_id, clicker: click.userId });
    return { ok: false, outcome: 'not_owner', tell: "Sorry, only the meeting's owner can do that. This prep belongs to someone else." };
  }
  let staleSessionId: string | undefined;
  if (meeting.status === MeetingStatus.PrepInProgress) {
    // A session that ended or expired unfinished never blocks a new Start Prep.
    if (!restartable || (await sessionHoldsMeeting(deps, meeting.chat_session_id, now)) || !meeting.chat_session_id) {
      return { ok: false, outcome: 'already_in_progress', tell: IN_PROGRESS_TEXT };
    }
    staleSessionId = meeting.chat_session_id;
  } else if (!canStartPrep(meeting)) {
    const why = meeting.status === MeetingStatus.Cancelled ? 'This meeting was cancelled.' : 'Prep for this meeting is already done.';
    return { ok: false, outcome: 'not_startable', tell: why };
  }
  if (!(Date.parse(meeting.start_time) > now.getTime())) return { ok: false, outcome: 'meeting_started', tell: 'This meeting has already started.' };
  return { ok: true, meeting, ...(staleSessionId ? { staleSessionId } : {}) };
}

function replyJob(click: PrepClick, now: Date, reply: { replace?: BotMessage; tell?: BotMessage }): WorkJob {
  return { kind: 'click_reply', user_id: click.userId, target: click.target, clicked_at: now.toISOString(), ...reply };
}

/**
 * Start Prep: creates an ACTIVE chat session and moves the meeting to PREP_IN_PROGRESS linked to it (conditionally:
 * the loser of a double click deletes its session), then queues the DM and the replacement. If either write or the
 * queueing fails, what was done is undone before the error goes up, so the click can be tried again.
 */
export async function startPrep(deps: BotDeps, click: PrepClick): Promise<ClickOutcome> {
  const now = deps.now();
  const checked = await checkClick(deps, click, now, true);
  if (!checked.ok) {
    await deps.queue.enqueue(replyJob(click, now, { tell: { text: checked.tell } }), click.interactionId);
    return checked.outcome;
  }
  const { meeting } = checked;
  const session = ChatSessionsRepository.newSession({
    sessionId: deps.newId(),
    userId: meeting.user_id,
    meetingId: meeting.meeting_id,
    meetingType: toMeetingType(meeting.meeting_type),
    now,
  });
  // Both writes at once (one round trip less before the answer): the session is only read after the answer.
  const [created, claimed] = await Promise.allSettled([
    deps.sessions.create(session),
    deps.meetings.markPrepInProgress(meeting.meeting_id, session.session_id, now, checked.staleSessionId),
  ]);
  if (created.status === 'rejected') {
    if (claimed.status === 'fulfilled' && claimed.value) await deps.meetings.revertPrepStart(meeting.meeting_id, session.session_id, now).catch(() => false);
    throw created.reason;
  }
  if (claimed.status === 'rejected') {
    await deps.sessions.delete(session.session_id).catch(() => undefined);
    throw claimed.reason;
  }
  const won = claimed.value;
  if (!won) {
    await deps.sessions.delete(session.session_id);
    await deps.queue.enqueue(replyJob(click, now, { tell: { text: IN_PROGRESS_TEXT } }), click.interactionId);
    return 'already_in_progress';
  }
  const job: WorkJob = {
    kind: 'start_prep',
    user_id: meeting.user_id,
    meeting_id: meeting.meeting_id,
    session_id: session.session_id,
    target: click.target,
    clicked_at: now.toISOString(),
  };
  try {
    await deps.queue.enqueue(job, click.interactionId);
  } catch (error) {
    await deps.meetings.revertPrepStart(meeting.meeting_id, session.session_id, now).catch(() => false);
    await deps.sessions.end(session.session_id, ChatSessionState.Cancelled, now).catch(() => false);
    throw error;
  }
  deps.logger.info('Prep session started', { meeting_id: meeting.meeting_id, session_id: session.session_id });
  return 'session_started';
}

/**
 * Remind Me in 2 Hours: a one-shot schedule two hours out (never later than 15 minutes before the meeting);
 * nothing when even that has passed. A second click reports the reminder already set.
 */
export async function remindLater(deps: BotDeps, click: PrepClick): Promise<ClickOutcome> {
  const now = deps.now();
  const checked = await checkClick(deps, click, now, false);
  if (!checked.ok) {
    await deps.queue.enqueue(replyJob(click, now, { tell: { text: checked.tell } }), click.interactionId);
    return checked.outcome;
  }
  const { meeting } = checked;
  const timeZone = timeZoneOf(await deps.users.get(meeting.user_id));
  const at = reminderTime(now, meeting.start_time);
  if (!at) {
    const tell = `Your meeting starts at ${formatLocalDateTime(meeting.start_time, timeZone)}, too soon for a reminder, so I haven't scheduled one. Click Start Prep to prep now.`;
    await deps.queue.enqueue(replyJob(click, now, { tell: { text: tell } }), click.interactionId);
    return 'too_late';
  }
  const outcome = await deps.reminders.schedule(
    reminderScheduleRequest(deps.reminderTarget, { meetingId: meeting.meeting_id, userId: meeting.user_id, at, now }),
  );
  if (outcome.kind === 'existing') {
    const when = outcome.at ? formatLocalDateTime(outcome.at.toISOString(), timeZone) : 'an earlier time';
    const reply = {
      tell: { text: `A reminder for this meeting is already set for ${when}.` },
      ...(outcome.at ? { replace: reminderReplacement(meeting, outcome.at, timeZone) } : {}),
    };
    await deps.queue.enqueue(replyJob(click, now, reply), click.interactionId);
    return 'reminder_exists';
  }
  await deps.queue.enqueue(replyJob(click, now, { replace: reminderReplacement(meeting, outcome.at, timeZone) }), click.interactionId);
  deps.logger.info('Reminder scheduled', { meeting_id: meeting.meeting_id, at: outcome.at.toISOString() });
  return 'reminder_scheduled';
}
