/**
 * The worker's part of a click: Start Prep's DM (what matters: if it cannot be sent, the start is undone and the
 * user told where they clicked) and replacement of the clicked message (best effort), and the answers to other
 * clicks. A clicked ephemeral message (the `/meetings` list) is only reachable through its `response_url`.
 */
import { ChatSession, ChatSessionState, ChatSessionsRepository } from '../shared/chat-sessions';
import { Meeting, MeetingStatus, User, toMeetingType, timeZoneOf } from '../shared/domain';
import { prepKitFor } from './prep-kits';
import { WorkerDeps } from './deps';
import { renderKitEmail } from './kit-email';
import { pinnedResponseUrl } from './response-url';
import { SlackFailure, classifySlackFailure } from './slack-failures';
import { BotMessage, prepStartedReplacement, renderSessionOpening } from './views';
import { ClickReplyJob, ClickTarget, StartPrepJob } from '../actions/work-jobs';

/** What a Start Prep job did, for logs and tests. */
export type StartPrepWorkOutcome = 'dm_sent' | 'already_sent' | 'session_gone' | 'undone';

/** Thrown for a failure the queue should retry; carries the classification (and Slack's Retry-After). */
export class RetryableWorkError extends Error {
  override readonly name = 'RetryableWorkError';
  constructor(
    readonly failure: SlackFailure,
    options?: { cause?: unknown },
  ) {
    super(`Slack call failed (${failure.code}); will retry`, options);
  }
}

/**
 * Replaces the clicked message: in place by channel and ts, or through the response URL for an ephemeral one (only
 * Slack's: a job queued with another is not posted there).
 */
export async function replaceClicked(deps: WorkerDeps, target: ClickTarget, message: BotMessage): Promise<void> {
  if (!target.ephemeral && target.channel_id && target.message_ts) {
    await deps.slack.update(target.channel_id, target.message_ts, message);
    return;
  }
  const responseUrl = pinnedResponseUrl(target.response_url, deps.logger, 'worker');
  if (responseUrl) await deps.slack.respond(responseUrl, { replace_original: true, ...message });
}

/** Tells the clicker something only they see, where they clicked. */
export async function tellClicker(deps: WorkerDeps, target: ClickTarget, message: BotMessage): Promise<void> {
  if (!target.ephemeral && target.channel_id) {
    await deps.slack.postEphemeral(target.channel_id, target.user_id, message);
    return;
  }
  const responseUrl = pinnedResponseUrl(target.response_url, deps.logger, 'worker');
  if (responseUrl)
    await deps.slack.respond(responseUrl, { response_type: 'ephemeral', replace_original: false, ...message });
  // A click in the Home tab has neither (nor has one whose response URL was not Slack's): the user's DM with the app
  // is where they hear back.
  else await deps.slack.postMessage(target.user_id, message);
}

/** Text shown where the user clicked when their prep-kit DM could not be delivered. */
export const DM_FAILED_TEXT =
  "I couldn't send you a direct message, so your prep session hasn't started. Please click Start Prep again in a few minutes.";

/**
 * Sends the kit where the job says: the DM's opening (its ts recorded on the session), or the kit by email when
 * Slack does not reach the user and a sender is configured. Throws what the provider threw.
 */
async function sendKit(
  deps: WorkerDeps,
  job: StartPrepJob,
  meeting: Meeting,
  sessionId: string,
  timeZone: string,
  user: User | undefined,
): Promise<void> {
  const kit = prepKitFor(deps.kits, toMeetingType(meeting.meeting_type));
  const now = deps.now();
  if (job.kit_via === 'email' && deps.mailer && user?.email) {
    const id = await deps.mailer.send(user.email, renderKitEmail(meeting, kit, timeZone, user.name));
    // The opening's place: the kit went out (by email), so a retry of this job never sends it twice.
    await deps.sessions.recordOpening(sessionId, `email:${id || now.toISOString()}`, now);
    return;
  }
  const sent = await deps.slack.postMessage(job.user_id, renderSessionOpening(meeting, kit, timeZone));
  await deps.sessions.recordOpening(sessionId, sent.ts ?? now.toISOString(), now);
}

/**
 * The job's session: `existing` (a delivery of this job created it before), or a new one, created now that the
 * meeting is seen claimed for it (the core claims the meeting and leaves the session to the worker). Undefined when
 * there is none and the meeting is not linked to it (the start was undone, overtaken, or the meeting is gone).
 */
async function sessionFor(
  deps: WorkerDeps,
  job: StartPrepJob,
  meeting: Meeting | undefined,
  existing: ChatSession | undefined,
): Promise<ChatSession | undefined> {
  if (existing) return existing;
  if (!meeting || meeting.status !== MeetingStatus.PrepInProgress || meeting.chat_session_id !== job.session_id)
    return undefined;
  const session = ChatSessionsRepository.newSession({
    sessionId: job.session_id,
    userId: job.user_id,
    meetingId: job.meeting_id,
    meetingType: toMeetingType(meeting.meeting_type),
    now: new Date(job.clicked_at),
  });
  // A concurrent delivery of the same job may have created it first: then that one is the session.
  return (await deps.sessions.create(session)) ? session : deps.sessions.get(job.session_id);
}

/**
 * Start Prep after the answer: create the session the meeting was claimed for, send the kit once (the session
 * records it), then replace the clicked message, if the action came from Slack (a failure there is logged, not
 * retried). A kit that fails for good, or on the last delivery, undoes the start.
 * @param lastAttempt - true on the queue's last delivery of this job
 */
export async function runStartPrep(
  deps: WorkerDeps,
  job: StartPrepJob,
  lastAttempt: boolean,
): Promise<StartPrepWorkOutcome> {
  const [meeting, user, existing] = await Promise.all([
    deps.meetings.get(job.meeting_id),
    deps.users.get(job.user_id),
    deps.sessions.get(job.session_id),
  ]);
  const session = await sessionFor(deps, job, meeting, existing);
  if (!session || session.state !== ChatSessionState.Active) {
    deps.logger.warn('Start Prep job for a session that is gone, ended or never claimed', {
      session_id: job.session_id,
      meeting_id: job.meeting_id,
    });
    return 'session_gone';
  }
  if (meeting && meeting.chat_session_id !== job.session_id) {
    // The session exists, but the meeting is linked to another one: this start was overtaken (a later restart, or a
    // write outside the core). Worth another look in case of a lagging read; on the last delivery the orphan session
    // is ended, nothing sent.
    if (!lastAttempt) throw new RetryableWorkError({ retry: true, code: 'session_not_linked', retryAfterSeconds: 2 });
    await deps.sessions.end(session.session_id, ChatSessionState.Cancelled, deps.now());
    deps.logger.warn('Start Prep job for a session the meeting never linked; ended it', {
      session_id: job.session_id,
      meeting_id: job.meeting_id,
    });
    return 'session_gone';
  }
  const timeZone = timeZoneOf(user);
  let outcome: StartPrepWorkOutcome = 'already_sent';
  if (!session.opening_ts) {
    if (!meeting) return undo(deps, job, 'meeting_not_found');
    try {
      await sendKit(deps, job, meeting, session.session_id, timeZone, user);
      outcome = 'dm_sent';
    } catch (error) {
      const failure = classifyKitFailure(job, error);
      if (failure.retry && !lastAttempt) throw new RetryableWorkError(failure, { cause: error });
      deps.logger.error('The prep kit could not be sent; undoing Start Prep', {
        session_id: session.session_id,
        code: failure.code,
        kit_via: job.kit_via ?? 'slack',
      });
      return undo(deps, job, failure.code);
    }
  }
  if (meeting && job.target) {
    await replaceClicked(deps, job.target, prepStartedReplacement(meeting, timeZone)).catch((error: unknown) => {
      deps.logger.warn('Could not replace the clicked message (best effort)', {
        code: classifySlackFailure(error).code,
      });
    });
  }
  return outcome;
}

/**
 * A Slack failure as Slack's rules read it; an email failure is retried unless SES refused the message itself. (A
 * kit email whose answer was lost after SES accepted it can come twice; SES has no idempotency key, and a second kit
 * is better than none.)
 */
function classifyKitFailure(job: StartPrepJob, error: unknown): SlackFailure {
  if (job.kit_via !== 'email') return classifySlackFailure(error);
  const name = error instanceof Error ? error.name : 'Error';
  const permanent = [
    'MessageRejected',
    'MailFromDomainNotVerifiedException',
    'AccountSendingPausedException',
    'ConfigurationSetDoesNotExistException',
  ].includes(name);
  return permanent ? { retry: false, code: `ses_${name}` } : { retry: true, code: `ses_${name}` };
}

async function undo(deps: WorkerDeps, job: StartPrepJob, reason: string): Promise<'undone'> {
  const now = deps.now();
  await deps.sessions.end(job.session_id, ChatSessionState.Cancelled, now);
  await deps.meetings.revertPrepStart(job.meeting_id, job.session_id, now);
  deps.logger.warn('Start Prep undone', { meeting_id: job.meeting_id, session_id: job.session_id, reason });
  // From SMS or email there is no click to answer: the meeting is back to awaiting prep, so the person can try again.
  if (job.target) {
    await tellClicker(deps, job.target, { text: DM_FAILED_TEXT }).catch((error: unknown) => {
      deps.logger.error('Could not tell the user that Start Prep was undone', {
        code: classifySlackFailure(error).code,
      });
    });
  }
  return 'undone';
}

/**
 * Any other answer to a click. A failure worth retrying is thrown (the queue retries); one that never will work
 * (the message was deleted, the URL expired) is logged and dropped.
 */
export async function runClickReply(deps: WorkerDeps, job: ClickReplyJob): Promise<'answered' | 'dropped'> {
  try {
    if (job.replace) await replaceClicked(deps, job.target, job.replace);
    if (job.tell) await tellClicker(deps, job.target, job.tell);
    return 'answered';
  } catch (error) {
    const failure = classifySlackFailure(error);
    if (failure.retry) throw new RetryableWorkError(failure, { cause: error });
    deps.logger.warn('A click could not be answered; dropped', { code: failure.code });
    return 'dropped';
  }
}
