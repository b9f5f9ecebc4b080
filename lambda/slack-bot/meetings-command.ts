/** `/meetings`: the caller's meetings in the next seven days. */
import { BotDeps, WorkerDeps, timeZoneOf } from './deps';
import { BotMessage, UNKNOWN_USER_TEXT, renderMeetingList } from './views';

/** How far ahead `/meetings` looks. */
export const MEETINGS_HORIZON_MS = 7 * 86_400_000;

/**
 * The user's upcoming meetings as a message, or undefined when the user is not in the users table.
 */
export async function upcomingMeetingsMessage(deps: Pick<BotDeps | WorkerDeps, 'meetings' | 'users' | 'now'>, userId: string): Promise<BotMessage | undefined> {
  const user = await deps.users.get(userId);
  if (!user) return undefined;
  const now = deps.now();
  const meetings = await deps.meetings.upcoming(userId, now, new Date(now.getTime() + MEETINGS_HORIZON_MS));
  return renderMeetingList(meetings, timeZoneOf(user));
}

/** The `/meetings` reply (ephemeral): the list, a friendly line when empty, a clear line for an unknown user. */
export async function meetingsCommand(deps: Pick<BotDeps, 'meetings' | 'users' | 'now'>, userId: string): Promise<BotMessage> {
  return (await upcomingMeetingsMessage(deps, userId)) ?? { text: UNKNOWN_USER_TEXT };
}
