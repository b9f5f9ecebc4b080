/**
 * The two buttons of the prep message (and of `/meetings`): Start Prep and Remind Me in 2 Hours. Only the
 * meeting's owner may use them; every write is conditional, so a double click has the effect of one.
 */
import { ChatSessionsRepository } from '../shared/chat-sessions';
import { Meeting, MeetingStatus, toMeetingType } from '../shared/domain';
import { PrepButtonValue } from '../shared/messages';
import { canStartPrep } from '../shared/bot-meetings';
import { prepKitFor } from '../shared/prep-kits';
import { formatLocalDateTime } from '../shared/time';
import { BotDeps, ClickReplies, timeZoneOf } from './deps';
import { reminderScheduleRequest, reminderTime } from './reminders';
import { prepStartedReplacement, reminderReplacement, renderSessionOpening } from './views';

/** A click on one of the buttons. */
export interface PrepClick {
  /** Who clicked. */
  readonly userId: string;
  /** The button's `value`. */
  readonly value: string | undefined;
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

type Checked = { ok: true; meeting: Meeting } | { ok: false; outcome: ClickOutcome };

/** Loads the meeting and checks the clicker owns it and prep has not started; tells the user why not. */
async function checkClick(deps: BotDeps, click: PrepClick, replies: ClickReplies, now: Date): Promise<Checked> {
  const value = parseButtonValue(click.value);
  if (!value) {
    await replies.tellUser({ text: "Sorry, I couldn't tell which meeting that button is for." });
    return { ok: false, outcome: 'invalid_value' };
  }
  const meeting = await deps.meetings.get(value.meeting_id);
  if (!meeting) {
    await replies.tellUser({ text: "I can't find that meeting any more. It may have been removed from the calendar." });
    return { ok: false, outcome: 'meeting_not_found' };
  }
  if (meeting.user_id !== click.userId) {
    deps.logger.warn('Refused a click on another user\'s meeting', { meeting_id: meeting.meeting_id, clicker: click.userId });
    await replies.tellUser({ text: "Sorry, only the meeting's owner can do that. This prep belongs to someone else." });
    return { ok: false, outcome: 'not_owner' };
  }
  if (meeting.status === MeetingStatus.PrepInProgress) {
    await replies.tellUser({ text: 'Prep is already in progress for this meeting. Check your direct messages with me.' });
    return { ok: false, outcome: 'already_in_progress' };
  }
  if (!canStartPrep(meeting)) {
    const why = meeting.status === MeetingStatus.Cancelled ? 'This meeting was cancelled.' : 'Prep for this meeting is already done.';
    await replies.tellUser({ text: why });
    return { ok: false, outcome: 'not_startable' };
  }
  if (!(Date.parse(meeting.start_time) > now.getTime())) {
    await replies.tellUser({ text: 'This meeting has already started.' });
    return { ok: false, outcome: 'meeting_started' };
  }
  return { ok: true, meeting };
}

/**
 * Start Prep: creates an ACTIVE chat session, moves the meeting to PREP_IN_PROGRESS linked to it (conditionally: the
 * loser of a double click deletes its session and DMs nobody), replaces the clicked message, DMs the opening.
 */
export async function startPrep(deps: BotDeps, click: PrepClick, replies: ClickReplies): Promise<ClickOutcome> {
  const now = deps.now();
  const checked = await checkClick(deps, click, replies, now);
  if (!checked.ok) return checked.outcome;
  const { meeting } = checked;
  const type = toMeetingType(meeting.meeting_type);
  const session = ChatSessionsRepository.newSession({
    sessionId: deps.newId(),
    userId: meeting.user_id,
    meetingId: meeting.meeting_id,
    meetingType: type,
    now,
  });
  await deps.sessions.create(session);
  const won = await deps.meetings.markPrepInProgress(meeting.meeting_id, session.session_id, now);
  if (!won) {
    await deps.sessions.delete(session.session_id);
    await replies.tellUser({ text: 'Prep is already in progress for this meeting. Check your direct messages with me.' });
    return 'already_in_progress';
  }
  const timeZone = timeZoneOf(await deps.users.get(meeting.user_id));
  await replies.replaceOriginal(prepStartedReplacement(meeting, timeZone));
  await deps.slack.postMessage(meeting.user_id, renderSessionOpening(meeting, prepKitFor(deps.kits, type), timeZone));
  deps.logger.info('Prep session started', { meeting_id: meeting.meeting_id, session_id: session.session_id });
  return 'session_started';
}

/**
 * Remind Me in 2 Hours: a one-shot schedule two hours out (never later than 15 minutes before the meeting);
 * nothing when even that has passed. A second click reports the reminder already set.
 */
export async function remindLater(deps: BotDeps, click: PrepClick, replies: ClickReplies): Promise<ClickOutcome> {
  const now = deps.now();
  const checked = await checkClick(deps, click, replies, now);
  if (!checked.ok) return checked.outcome;
  const { meeting } = checked;
  const timeZone = timeZoneOf(await deps.users.get(meeting.user_id));
  const at = reminderTime(now, meeting.start_time);
  if (!at) {
    await replies.tellUser({
      text: `Your meeting starts at ${formatLocalDateTime(meeting.start_time, timeZone)}, too soon for a reminder, so I haven't scheduled one. Click Start Prep to prep now.`,
    });
    return 'too_late';
  }
  const outcome = await deps.reminders.schedule(
    reminderScheduleRequest(deps.reminderTarget, { meetingId: meeting.meeting_id, userId: meeting.user_id, at, now }),
  );
  if (outcome.kind === 'existing') {
    const when = outcome.at ? formatLocalDateTime(outcome.at.toISOString(), timeZone) : 'an earlier time';
    await replies.tellUser({ text: `A reminder for this meeting is already set for ${when}.` });
    if (outcome.at) await replies.replaceOriginal(reminderReplacement(meeting, outcome.at, timeZone));
    return 'reminder_exists';
  }
  await replies.replaceOriginal(reminderReplacement(meeting, outcome.at, timeZone));
  deps.logger.info('Reminder scheduled', { meeting_id: meeting.meeting_id, at: outcome.at.toISOString() });
  return 'reminder_scheduled';
}
