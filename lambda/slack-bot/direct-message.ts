/**
 * Direct messages to the bot, in the worker: the message moves the user's active chat session one step along the
 * prep flow (agenda → questions → notes → done) and the bot replies. Advancing is idempotent on the message's
 * `ts`: a redelivered message re-sends the reply for the step it led to and never advances twice. Without a
 * session: help and the next meetings.
 */
import { ChatMessage, ChatSession, ChatSessionState } from '../shared/chat-sessions';
import { toMeetingType, timeZoneOf } from '../shared/domain';
import { prepKitFor } from './prep-kits';
import { WorkerDeps } from './deps';
import { upcomingMeetingsMessage } from './meetings-command';
import { renderHelp, renderStepReply } from './views';
import { DmReplyJob } from '../actions/work-jobs';

/** What happened to a DM, for logs and tests. */
export type DirectMessageOutcome = 'help' | 'advanced' | 'completed' | 'replayed';

const MAX_ADVANCE_ATTEMPTS = 3;

/**
 * Stores the message and advances the session; when another message moved it meanwhile, re-reads and goes on from
 * there. Returns the session after this message, and whether this call did the advancing.
 */
async function advance(
  deps: WorkerDeps,
  session: ChatSession,
  message: Omit<ChatMessage, 'step'>,
): Promise<{ session: ChatSession; replay: boolean } | undefined> {
  let current: ChatSession | undefined = session;
  for (let attempt = 0; attempt < MAX_ADVANCE_ATTEMPTS && current; attempt++) {
    const updated = await deps.sessions.appendAndAdvance(
      current,
      { ...message, step: current.context.step },
      deps.now(),
    );
    if (updated) return { session: updated, replay: false };
    current = await deps.sessions.get(current.session_id);
    if (current?.messages.some((m) => m.ts === message.ts)) return { session: current, replay: true };
    if (current && current.state !== ChatSessionState.Active) return undefined;
  }
  return undefined;
}

/** Handles one queued DM. Throws when a Slack or AWS call fails, so the queue retries it. */
export async function handleDirectMessage(deps: WorkerDeps, job: DmReplyJob): Promise<DirectMessageOutcome> {
  const now = deps.now();
  const found = await deps.sessions.findForMessage(job.user_id, job.message_ts, now);
  const result = found?.replay
    ? found
    : found && (await advance(deps, found.session, { ts: job.message_ts, text: job.text, at: now.toISOString() }));
  if (!result) {
    await deps.slack.postMessage(job.channel_id, renderHelp(await upcomingMeetingsMessage(deps, job.user_id)));
    return 'help';
  }
  const { session } = result;
  const [meeting, user] = await Promise.all([deps.meetings.get(session.meeting_id), deps.users.get(job.user_id)]);
  const kit = prepKitFor(deps.kits, toMeetingType(meeting?.meeting_type ?? session.context.meeting_type));
  await deps.slack.postMessage(job.channel_id, renderStepReply(session, meeting, kit, timeZoneOf(user)));
  if (session.context.step === 'done')
    await deps.meetings.markPrepCompleted(session.meeting_id, session.session_id, now);
  if (result.replay) return 'replayed';
  return session.context.step === 'done' ? 'completed' : 'advanced';
}
