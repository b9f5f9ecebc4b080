/**
 * Publishes a user's Home tab from what is stored: the next 7 days of meetings, their pending reminders and the
 * user's preferences. The one function any channel calls after an action (Slack, SMS and email).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { HomeView } from '@slack/types';
import { MeetingsRepository, canStartPrep } from '../../shared/meetings-repository';
import { CHANNELS, Channel, timeZoneOf } from '../../shared/domain';
import { readPreferences } from '../../shared/preferences';
import { UsersRepository } from '../../shared/users-repository';
import { buildHomeView } from './home-view';
import { ReminderSchedules } from './schedules';

/** The stack's channel order (config/agents.yaml `notification_channels`): the default for a user without one. */
export const DEFAULT_CHANNELS: readonly Channel[] = CHANNELS;

const WEEK_MS = 7 * 86_400_000;
/** More than a Home tab can show (each meeting takes up to two of its 100 blocks). */
const MAX_MEETINGS = 100;

/** What {@link refreshHomeTab} needs. */
export interface HomeTabDeps {
  readonly meetings: Pick<MeetingsRepository, 'upcoming'>;
  readonly users: Pick<UsersRepository, 'get'>;
  readonly reminders: Pick<ReminderSchedules, 'pending'>;
  /** `views.publish`. */
  readonly publishHome: (userId: string, view: HomeView) => Promise<void>;
  readonly now: () => Date;
  readonly logger: Logger;
}

/** Builds and publishes the user's Home tab; returns how many meetings it lists. Throws on a failed read or publish. */
export async function refreshHomeTab(deps: HomeTabDeps, userId: string): Promise<{ meetings: number }> {
  const now = deps.now();
  const [user, meetings] = await Promise.all([
    deps.users.get(userId),
    deps.meetings.upcoming(userId, now, new Date(now.getTime() + WEEK_MS), MAX_MEETINGS),
  ]);
  const { preferences, problems } = readPreferences(user?.notification_preferences, DEFAULT_CHANNELS);
  if (problems.length > 0)
    deps.logger.warn('Stored preferences have problems; defaults shown', { user_id: userId, problems });
  // Only a meeting that can still be prepared can have a reminder worth cancelling.
  const pendingReminders = await deps.reminders.pending(
    meetings.filter((m) => canStartPrep(m)).map((m) => m.meeting_id),
  );
  const { view } = buildHomeView({
    userId,
    timeZone: timeZoneOf(user),
    now,
    meetings,
    pendingReminders,
    preferences,
    ...(problems.length > 0 ? { preferenceProblems: problems } : {}),
  });
  await deps.publishHome(userId, view);
  return { meetings: meetings.length };
}
