/**
 * The worker's part of a click: Start Prep's DM (what matters: if it cannot be sent, the start is undone and the
 * user told where they clicked) and replacement of the clicked message (best effort), and the answers to other
 * clicks. A clicked ephemeral message (the `/meetings` list) is only reachable through its `response_url`.
 */
import { ChatSessionState } from '../shared/chat-sessions';
import { toMeetingType } from '../shared/domain';
import { prepKitFor } from '../shared/prep-kits';
import { WorkerDeps, timeZoneOf } from './deps';
import { SlackFailure, classifySlackFailure } from './slack-failures';
import { BotMessage, prepStartedReplacement, renderSessionOpening } from './views';
import { ClickReplyJob, ClickTarget, StartPrepJob } from './work-jobs';

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

/** Replaces the clicked message: in place by channel and ts, or through the response URL for an ephemeral one. */
export async function replaceClicked(deps: WorkerDeps, target: ClickTarget, message: BotMessage): Promise<void> {
  if (!target.ephemeral && target.channel_id && target.message_ts) await deps.slack.update(target.channel_id, target.message_ts, message);
  else if (target.response_url) await deps.slack.respond(target.response_url, { replace_original: true, ...message });
}

/** Tells the clicker something only they see, where they clicked. */
export async function tellClicker(deps: WorkerDeps, target: ClickTarget, message: BotMessage): Promise<void> {
  if (!target.ephemeral && target.channel_id) await deps.slack.postEphemeral(target.channel_id, target.user_id, message);
  else if (target.response_url) await deps.slack.respond(target.response_url, { response_type: 'ephemeral', replace_original: false, ...message });
}

/** Text shown where the user clicked when their prep-kit DM could not be delivered. */
export const DM_FAILED_TEXT = "I couldn't send you a direct message, so your prep session hasn't started. Please click Start Prep again in a few minutes.";

/**
 * Start Prep after the answer: DM the opening once (the session records its ts), then replace the clicked message
 * (a failure there is logged, not retried). A DM that fails for good, or on the last delivery, undoes the start.
 * @param lastAttempt - true on the queue's last delivery of this job
 */
export async function runStartPrep(deps: WorkerDeps, job: StartPrepJob, lastAttempt: boolean): Promise<StartPrepWorkOutcome> {
  const now = deps.now();
  const session = await deps.sessions.get(job.session_id);
  if (!session || session.state !== ChatSessionState.Active) {
    deps.logger.warn('Start Prep job for a session that is gone or ended', { session_id: job.session_id });
    return 'session_gone';
  }
  const [meeting, user] = await Promise.all([deps.meetings.get(job.meeting_id), deps.users.get(job.user_id)]);
  const timeZone = timeZoneOf(user);
  let outcome: StartPrepWorkOutcome = 'already_sent';
  if (!session.opening_ts) {
    if (!meeting) return undo(deps, job, 'meeting_not_found');
    try {
      const sent = await deps.slack.postMessage(job.user_id, renderSessionOpening(meeting, prepKitFor(deps.kits, toMeetingType(meeting.meeting_type)), timeZone));
      await deps.sessions.recordOpening(session.session_id, sent.ts ?? now.toISOString(), now);
      outcome = 'dm_sent';
    } catch (error) {
      const failure = classifySlackFailure(error);
      if (failure.retry && !lastAttempt) throw new RetryableWorkError(failure, { cause: error });
      deps.logger.error('The prep-kit DM could not be sent; undoing Start Prep', { session_id: session.session_id, code: failure.code });
      return undo(deps, job, failure.code);
    }
  }
  if (meeting) {
    await replaceClicked(deps, job.target, prepStartedReplacement(meeting, timeZone)).catch((error: unknown) => {
      deps.logger.warn('Could not replace the clicked message (best effort)', { code: classifySlackFailure(error).code });
    });
  }
  return outcome;
}

async function undo(deps: WorkerDeps, job: StartPrepJob, reason: string): Promise<'undone'> {
  const now = deps.now();
  await deps.sessions.end(job.session_id, ChatSessionState.Cancelled, now);
  await deps.meetings.revertPrepStart(job.meeting_id, job.session_id, now);
  deps.logger.warn('Start Prep undone', { meeting_id: job.meeting_id, session_id: job.session_id, reason });
  await tellClicker(deps, job.target, { text: DM_FAILED_TEXT }).catch((error: unknown) => {
    deps.logger.error('Could not tell the user that Start Prep was undone', { code: classifySlackFailure(error).code });
  });
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
