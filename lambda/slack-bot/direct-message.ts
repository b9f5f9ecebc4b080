/**
 * Direct messages to the bot (`message.im`): routed to the user's active chat session, which moves one step along
 * the prep flow (agenda → questions → notes → done) per message. Without a session: help and the next meetings.
 */
import { ChatMessage, ChatSession } from '../shared/chat-sessions';
import { toMeetingType } from '../shared/domain';
import { prepKitFor } from '../shared/prep-kits';
import { BotDeps, timeZoneOf } from './deps';
import { upcomingMeetingsMessage } from './meetings-command';
import { renderHelp, renderStepReply } from './views';

/** The fields of a message event the bot reads. */
export interface DirectMessageEvent {
  readonly type: string;
  readonly channel_type?: string;
  readonly subtype?: string;
  readonly bot_id?: string;
  readonly user?: string;
  readonly text?: string;
  readonly ts?: string;
  readonly channel?: string;
}

/** What happened to a DM, for logs and tests. */
export type DirectMessageOutcome = 'ignored' | 'duplicate' | 'help' | 'advanced' | 'completed';

/**
 * Whether a message event is a person's new DM to the bot. The bot's own posts (they carry `bot_id`, with no
 * subtype) and edits, deletions and other subtypes are not. Pure.
 */
export function isUserDirectMessage(event: DirectMessageEvent): boolean {
  return (
    event.type === 'message' &&
    event.channel_type === 'im' &&
    event.subtype === undefined &&
    event.bot_id === undefined &&
    typeof event.user === 'string' &&
    typeof event.channel === 'string' &&
    typeof event.ts === 'string'
  );
}

const MAX_ADVANCE_ATTEMPTS = 3;

async function advance(deps: BotDeps, session: ChatSession, message: Omit<ChatMessage, 'step'>): Promise<ChatSession | undefined> {
  let current: ChatSession | undefined = session;
  for (let attempt = 0; attempt < MAX_ADVANCE_ATTEMPTS && current; attempt++) {
    const updated = await deps.sessions.appendAndAdvance(current, { ...message, step: current.context.step }, deps.now());
    if (updated) return updated;
    // Another message moved the session meanwhile: re-read and go on from where it is now.
    current = await deps.sessions.get(current.session_id);
    if (current && current.state !== 'ACTIVE') return undefined;
  }
  return undefined;
}

/**
 * Handles one Events API message event. `eventId` dedupes Slack's retries: an event is processed once; if its
 * processing fails the marker is released so Slack's next retry can try again.
 */
export async function handleDirectMessage(deps: BotDeps, eventId: string | undefined, event: DirectMessageEvent): Promise<DirectMessageOutcome> {
  if (!isUserDirectMessage(event)) return 'ignored';
  if (eventId && !(await deps.sessions.claimEvent(eventId, deps.now()))) {
    deps.logger.info('Dropped a retried event', { event_id: eventId });
    return 'duplicate';
  }
  try {
    return await processDirectMessage(deps, event as Required<Pick<DirectMessageEvent, 'user' | 'channel' | 'ts'>> & DirectMessageEvent);
  } catch (error) {
    if (eventId) await deps.sessions.releaseEvent(eventId).catch(() => undefined);
    throw error;
  }
}

async function processDirectMessage(
  deps: BotDeps,
  event: Required<Pick<DirectMessageEvent, 'user' | 'channel' | 'ts'>> & DirectMessageEvent,
): Promise<DirectMessageOutcome> {
  const now = deps.now();
  const session = await deps.sessions.findActive(event.user, now);
  if (!session) {
    await deps.slack.postMessage(event.channel, renderHelp(await upcomingMeetingsMessage(deps, event.user)));
    return 'help';
  }
  const updated = await advance(deps, session, { ts: event.ts, text: event.text ?? '', at: now.toISOString() });
  if (!updated) {
    await deps.slack.postMessage(event.channel, renderHelp(await upcomingMeetingsMessage(deps, event.user)));
    return 'help';
  }
  const [meeting, user] = await Promise.all([deps.meetings.get(updated.meeting_id), deps.users.get(event.user)]);
  const kit = prepKitFor(deps.kits, toMeetingType(meeting?.meeting_type ?? updated.context.meeting_type));
  await deps.slack.postMessage(event.channel, renderStepReply(updated, meeting, kit, timeZoneOf(user)));
  if (updated.context.step === 'done') {
    await deps.meetings.markPrepCompleted(updated.meeting_id, updated.session_id, now);
    return 'completed';
  }
  return 'advanced';
}
