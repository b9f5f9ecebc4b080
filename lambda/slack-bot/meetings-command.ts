/** `/meetings`: the caller's meetings in the next seven days. */
import { ChatSessionState } from '../shared/chat-sessions';
import { Meeting, MeetingStatus, timeZoneOf } from '../shared/domain';
import { BotDeps, WorkerDeps } from './deps';
import { BotMessage, UNKNOWN_USER_TEXT, renderMeetingList } from './views';

/** How far ahead `/meetings` looks. */
export const MEETINGS_HORIZON_MS = 7 * 86_400_000;

type ListDeps = Pick<BotDeps | WorkerDeps, 'meetings' | 'users' | 'sessions' | 'now'>;

/**
 * The meetings in prep whose session ended or expired unfinished: Start Prep is offered again for them (the
 * clicked reminder was replaced, so the list is the only place left to click).
 */
async function stalledPreps(deps: ListDeps, meetings: readonly Meeting[]): Promise<Set<string>> {
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  const inPrep = meetings.filter((m) => m.status === MeetingStatus.PrepInProgress);
  const stalled = await Promise.all(
    inPrep.map(async (m) => {
      const session = m.chat_session_id ? await deps.sessions.get(m.chat_session_id) : undefined;
      return !session || session.state !== ChatSessionState.Active || session.expires_at <= nowSeconds
        ? m.meeting_id
        : undefined;
    }),
  );
  return new Set(stalled.filter((id): id is string => id !== undefined));
}

/**
 * The user's upcoming meetings as a message, or undefined when the user is not in the users table.
 */
export async function upcomingMeetingsMessage(deps: ListDeps, userId: string): Promise<BotMessage | undefined> {
  const user = await deps.users.get(userId);
  if (!user) return undefined;
  const now = deps.now();
  const meetings = await deps.meetings.upcoming(userId, now, new Date(now.getTime() + MEETINGS_HORIZON_MS));
  return renderMeetingList(meetings, timeZoneOf(user), await stalledPreps(deps, meetings));
}

/** The `/meetings` reply (ephemeral): the list, a friendly line when empty, a clear line for an unknown user. */
export async function meetingsCommand(deps: ListDeps, userId: string): Promise<BotMessage> {
  return (await upcomingMeetingsMessage(deps, userId)) ?? { text: UNKNOWN_USER_TEXT };
}
