/**
 * Start Prep and Remind Me in 2 Hours, whatever the channel the executive acts from: the Slack buttons, an SMS reply
 * or an email link all come here, so the guards and the outcomes are the same everywhere — only the meeting's owner
 * acts, one session per meeting (a double click, a retried SMS or a second tap has the effect of one), one reminder,
 * never later than 15 minutes before the meeting. Every write is conditional. The prep kit itself is sent after the
 * answer, by the bot's worker (`lambda/slack-bot/click-work.ts`): to the Slack DM when Slack works for the user, by
 * email otherwise. Start Prep decides with one write, the claim (the meeting moves to PREP_IN_PROGRESS linked to a
 * new session id); the worker creates that session when it sends the kit.
 */
import { canStartPrep } from '../shared/meetings-repository';
import { ChatSessionState, SESSION_PENDING_SECONDS } from '../shared/chat-sessions';
import { Meeting, MeetingStatus, User, timeZoneOf } from '../shared/domain';
import { MetricNames, countMetric } from '../shared/metrics';
import { formatLocalDateTime } from '../shared/time';
import { reminderScheduleRequest, reminderTime } from './reminders';
import type { StartPrepJob } from './work-jobs';
import type {
  ActionChannel,
  KitChannel,
  PrepActionDeps,
  PrepActionOutcome,
  PrepActionRequest,
  PrepActionResult,
} from './action';
import { STARTED_TEXT, inProgressText, kitSentence, named, prepNowHint } from './action-texts';

type Checked =
  | { ok: true; meeting: Meeting; user: User | undefined; timeZone: string; staleSessionId?: string; ownClaim?: true }
  | { ok: false; result: PrepActionResult };

/**
 * Whether the meeting's linked session still holds it: ACTIVE and not expired (the TTL deletes lazily), or not
 * created yet by a worker that has had less than {@link SESSION_PENDING_SECONDS} since the claim to do it.
 */
async function sessionHoldsMeeting(deps: PrepActionDeps, meeting: Meeting, now: Date): Promise<boolean> {
  if (!meeting.chat_session_id) return false;
  const session = await deps.sessions.get(meeting.chat_session_id);
  if (!session) {
    const claimedAt = Date.parse(meeting.prep_started_at ?? '');
    return Number.isFinite(claimedAt) && now.getTime() - claimedAt < SESSION_PENDING_SECONDS * 1000;
  }
  return session.state === ChatSessionState.Active && session.expires_at > Math.floor(now.getTime() / 1000);
}

/**
 * The acting user, read when the action needs them. A Slack click on Start Prep does not: its kit goes to Slack and
 * its answers name no time. Every other action does (the time zone of its answer; where the kit goes).
 */
function actingUser(deps: PrepActionDeps, request: PrepActionRequest): Promise<User | undefined> {
  return request.via === 'slack' && request.action === 'start_prep'
    ? Promise.resolve(undefined)
    : deps.users.get(request.userId);
}

/** Whether the meeting's start is still ahead (start times carry any UTC offset: instants are compared). */
function hasNotStarted(meeting: Meeting, now: Date): boolean {
  return Date.parse(meeting.start_time) > now.getTime();
}

/**
 * Loads the meeting and checks the person owns it and prep can start; says why not.
 * @param userRead - {@link actingUser}, already under way
 * @param ownSessionId - the session this request tried to claim the meeting for: found linked, the claim was carried
 *   out on an attempt whose answer was lost (`ownClaim`), and nothing is refused
 */
async function check(
  deps: PrepActionDeps,
  request: PrepActionRequest,
  now: Date,
  restartable: boolean,
  userRead: Promise<User | undefined>,
  ownSessionId?: string,
): Promise<Checked> {
  const [meeting, user] = await Promise.all([deps.meetings.get(request.meetingId), userRead]);
  const timeZone = timeZoneOf(user);
  const refuse = (outcome: PrepActionOutcome, text: string, shown?: Meeting): Checked => ({
    ok: false,
    result: { outcome, text, timeZone, ...(shown ? { meeting: shown } : {}) },
  });
  if (!meeting)
    return refuse(
      'meeting_not_found',
      "I can't find that meeting any more. It may have been removed from the calendar.",
    );
  if (meeting.user_id !== request.userId) {
    deps.logger.warn("Refused an action on another user's meeting", {
      meeting_id: meeting.meeting_id,
      actor: request.userId,
      via: request.via,
    });
    return refuse('not_owner', "Sorry, only the meeting's owner can do that. This prep belongs to someone else.");
  }
  if (ownSessionId !== undefined && meeting.chat_session_id === ownSessionId)
    return { ok: true, meeting, user, timeZone, ownClaim: true };
  let staleSessionId: string | undefined;
  if (meeting.status === MeetingStatus.PrepInProgress) {
    // A session that ended or expired unfinished never blocks a new Start Prep.
    if (!restartable || !meeting.chat_session_id || (await sessionHoldsMeeting(deps, meeting, now))) {
      return refuse('already_in_progress', inProgressText(request, meeting), meeting);
    }
    staleSessionId = meeting.chat_session_id;
  } else if (!canStartPrep(meeting)) {
    const why =
      meeting.status === MeetingStatus.Cancelled
        ? 'This meeting was cancelled.'
        : 'Prep for this meeting is already done.';
    return refuse('not_startable', why, meeting);
  }
  if (!hasNotStarted(meeting, now)) return refuse('meeting_started', STARTED_TEXT, meeting);
  return { ok: true, meeting, user, timeZone, ...(staleSessionId ? { staleSessionId } : {}) };
}

/**
 * Where the prep kit goes: Slack when the person acted from Slack, or when the meeting's last Slack notification
 * reached them; otherwise email, when they have an address (SMS is too small for a kit); Slack as the last resort.
 * Pure.
 */
export function kitChannelFor(via: ActionChannel, meeting: Meeting, user: User | undefined): KitChannel {
  if (via === 'slack') return 'slack';
  const lastSlack = [...(meeting.notification_attempts ?? [])].reverse().find((a) => a.channel === 'slack');
  if (lastSlack?.outcome === 'delivered') return 'slack';
  return user?.email ? 'email' : 'slack';
}

/**
 * Start Prep. The common case takes one write: the claim, whose condition is the owner and prep not started yet
 * (`claimForPrep`); a claim refused is explained by reading the meeting (`check`), which also takes over a session
 * that ended or expired. Either way the kit is queued once the claim holds.
 */
async function startPrep(deps: PrepActionDeps, request: PrepActionRequest): Promise<PrepActionResult> {
  const now = deps.now();
  const sessionId = deps.newId();
  const userRead = actingUser(deps, request);
  const [before, user] = await Promise.all([
    deps.meetings.claimForPrep(request.meetingId, request.userId, sessionId, now),
    userRead,
  ]);
  if (before) {
    const timeZone = timeZoneOf(user);
    if (!hasNotStarted(before, now)) {
      // Rare (a prep message clicked after the meeting began): the claim is given back as it was.
      if (!(await deps.meetings.unclaim(before, sessionId).catch(() => false))) {
        deps.logger.warn('Could not give back the claim of a meeting that has started', {
          meeting_id: before.meeting_id,
          session_id: sessionId,
        });
      }
      return { outcome: 'meeting_started', text: STARTED_TEXT, meeting: before, timeZone };
    }
    const meeting: Meeting = {
      ...before,
      status: MeetingStatus.PrepInProgress,
      chat_session_id: sessionId,
      prep_started_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    return queueKit(deps, request, { meeting, user, timeZone, sessionId, now }, () =>
      deps.meetings.unclaim(before, sessionId),
    );
  }
  const checked = await check(deps, request, now, true, userRead, sessionId);
  if (!checked.ok) return checked.result;
  const { meeting, timeZone } = checked;
  const giveBack = () => deps.meetings.revertPrepStart(meeting.meeting_id, sessionId, now);
  if (checked.ownClaim) {
    // The claim above was carried out, its answer lost: it holds, unless the meeting has begun meanwhile.
    if (!hasNotStarted(meeting, now)) {
      await giveBack().catch(() => false);
      return { outcome: 'meeting_started', text: STARTED_TEXT, meeting, timeZone };
    }
  } else if (!(await deps.meetings.markPrepInProgress(meeting.meeting_id, sessionId, now, checked.staleSessionId))) {
    // Of two clicks exactly one wins; the loser is told prep is in progress.
    return { outcome: 'already_in_progress', text: inProgressText(request, meeting), meeting, timeZone };
  }
  return queueKit(deps, request, { meeting, user: checked.user, timeZone, sessionId, now }, giveBack);
}

/**
 * Queues the kit for a meeting claimed for `sessionId` (the worker creates that session when it sends the kit); if
 * it cannot be queued, `giveBack` undoes the claim, so the person can try again.
 */
async function queueKit(
  deps: PrepActionDeps,
  request: PrepActionRequest,
  claimed: { meeting: Meeting; user: User | undefined; timeZone: string; sessionId: string; now: Date },
  giveBack: () => Promise<boolean>,
): Promise<PrepActionResult> {
  const { meeting, timeZone, sessionId, now } = claimed;
  const kitVia = kitChannelFor(request.via, meeting, claimed.user);
  const job: StartPrepJob = {
    kind: 'start_prep',
    user_id: meeting.user_id,
    meeting_id: meeting.meeting_id,
    session_id: sessionId,
    via: request.via,
    kit_via: kitVia,
    ...(request.slackTarget ? { target: request.slackTarget } : {}),
    clicked_at: now.toISOString(),
  };
  try {
    await deps.queue.enqueue(job, request.requestId);
  } catch (error) {
    await giveBack().catch(() => false);
    throw error;
  }
  deps.logger.info('Prep session started', {
    meeting_id: meeting.meeting_id,
    session_id: sessionId,
    via: request.via,
    kit_via: kitVia,
  });
  return {
    outcome: 'session_started',
    // Built only when read: a Slack click never shows it (the worker replaces the clicked message).
    get text() {
      return `Prep started for ${named(meeting, request.via)} (${formatLocalDateTime(meeting.start_time, timeZone)}). ${kitSentence(kitVia)}`;
    },
    meeting,
    timeZone,
    kitVia,
  };
}

async function remindLater(deps: PrepActionDeps, request: PrepActionRequest): Promise<PrepActionResult> {
  const now = deps.now();
  const checked = await check(deps, request, now, false, actingUser(deps, request));
  if (!checked.ok) return checked.result;
  const { meeting, timeZone } = checked;
  const at = reminderTime(now, meeting.start_time);
  if (!at) {
    const text = `Your meeting starts at ${formatLocalDateTime(meeting.start_time, timeZone)}, too soon for a reminder, so I haven't scheduled one. ${prepNowHint(request.via)}`;
    return { outcome: 'too_late', text, meeting, timeZone };
  }
  const outcome = await deps.reminders.schedule(
    reminderScheduleRequest(deps.reminderTarget, { meetingId: meeting.meeting_id, userId: meeting.user_id, at, now }),
  );
  if (outcome.kind === 'existing') {
    const when = outcome.at ? formatLocalDateTime(outcome.at.toISOString(), timeZone) : 'an earlier time';
    return {
      outcome: 'reminder_exists',
      text: `A reminder for this meeting is already set for ${when}.`,
      meeting,
      timeZone,
      ...(outcome.at ? { reminderAt: outcome.at } : {}),
    };
  }
  deps.logger.info('Reminder scheduled', {
    meeting_id: meeting.meeting_id,
    at: outcome.at.toISOString(),
    via: request.via,
  });
  const text = `I'll remind you about ${named(meeting, request.via)} at ${formatLocalDateTime(outcome.at.toISOString(), timeZone)}.`;
  return { outcome: 'reminder_scheduled', text, meeting, timeZone, reminderAt: outcome.at };
}

/**
 * Decides and does the action: conditional writes, the reminder's schedule, the kit queued for the worker. Every
 * decision is counted the same way whatever the channel (`PrepActions` by action, channel and outcome).
 */
export async function runPrepAction(deps: PrepActionDeps, request: PrepActionRequest): Promise<PrepActionResult> {
  const result = request.action === 'start_prep' ? await startPrep(deps, request) : await remindLater(deps, request);
  countMetric(MetricNames.PrepActions, { Action: request.action, Via: request.via, Outcome: result.outcome });
  if (result.outcome === 'reminder_scheduled') countMetric(MetricNames.RemindersScheduled);
  return result;
}
