/**
 * The Home tab's decisions, made before the webhook answers: cancel a meeting's pending reminder, open the
 * preferences modal (`views.open` cannot wait: the trigger id lasts 3 s), and save preferences (from the modal or
 * the switches) with the digest schedule created, moved or deleted to match. What the user sees next, the
 * refreshed Home tab, is queued for the worker.
 */
import { planDigestSchedule } from '../digest';
import { User, timeZoneOf } from '../../shared/domain';
import { Preferences, readPreferences, toStoredPreferences } from '../../shared/preferences';
import { BotDeps, ViewOpener } from '../deps';
import { parseButtonValue } from '../prep-actions';
import { DEFAULT_CHANNELS } from './home-tab';
import { applyPreferenceSwitches } from './home-view';
import { buildPreferencesModal } from './preferences-modal';

/** What a Home tab action did, for logs and tests. */
export type HomeActionOutcome =
  | 'reminder_cancelled'
  | 'no_reminder'
  | 'invalid_value'
  | 'not_owner'
  | 'modal_opened'
  | 'preferences_saved'
  | 'unknown_user';

/** Said in the dialog when the user has no users item: nothing would deliver to them, so nothing is saved. */
export const UNKNOWN_USER_TEXT =
  "I don't have you on file as an executive yet, so there is nothing to save preferences for. Ask your assistant to add you.";

/** Queues the user's Home tab refresh, deduplicated on the interaction. */
export async function queueHomeRefresh(
  deps: Pick<BotDeps, 'queue' | 'now'>,
  userId: string,
  reason: string,
  interactionId: string,
): Promise<void> {
  await deps.queue.enqueue(
    { kind: 'home_refresh', user_id: userId, reason, requested_at: deps.now().toISOString() },
    interactionId,
  );
}

/** Cancel reminder: deletes the meeting's reminder schedule (only the meeting's owner may), then refreshes the tab. */
export async function cancelReminder(
  deps: BotDeps,
  click: { userId: string; value: string | undefined; interactionId: string },
): Promise<HomeActionOutcome> {
  const value = parseButtonValue(click.value);
  if (!value) return 'invalid_value';
  const meeting = await deps.meetings.get(value.meeting_id);
  // The button's value names an owner; the stored meeting is what counts.
  if (!meeting || meeting.user_id !== click.userId) {
    deps.logger.warn('Refused to cancel a reminder for a meeting the clicker does not own', {
      meeting_id: value.meeting_id,
      clicker: click.userId,
    });
    await queueHomeRefresh(deps, click.userId, 'cancel_reminder', click.interactionId);
    return 'not_owner';
  }
  const cancelled = await deps.reminderSchedules.cancel(meeting.meeting_id);
  await queueHomeRefresh(deps, click.userId, 'cancel_reminder', click.interactionId);
  deps.logger.info(cancelled ? 'Reminder cancelled' : 'No pending reminder to cancel', {
    meeting_id: meeting.meeting_id,
  });
  return cancelled ? 'reminder_cancelled' : 'no_reminder';
}

function currentPreferences(deps: Pick<BotDeps, 'logger'>, user: User | undefined): Preferences {
  const { preferences, problems } = readPreferences(user?.notification_preferences, DEFAULT_CHANNELS);
  if (problems.length > 0) deps.logger.warn('Stored preferences have problems; defaults used', { problems });
  return preferences;
}

/** Edit preferences: the modal showing the current preferences, opened on the interaction's trigger id. */
export async function openPreferences(
  deps: BotDeps,
  open: ViewOpener,
  userId: string,
  triggerId: string,
): Promise<HomeActionOutcome> {
  const user = await deps.users.get(userId);
  await open(triggerId, buildPreferencesModal(currentPreferences(deps, user), timeZoneOf(user)));
  return 'modal_opened';
}

/**
 * Saves preferences of a known user: the digest schedule first (so a failed save leaves at worst a schedule the worker finds
 * switched off, never an opted-in user without one), then the users item, then the Home tab refresh.
 */
export async function savePreferences(
  deps: BotDeps,
  userId: string,
  after: Preferences,
  interactionId: string,
): Promise<HomeActionOutcome> {
  const user = await deps.users.get(userId);
  // A Slack user the service does not know gets no users item made up here (it would look like a real executive).
  if (!user) return 'unknown_user';
  const timeZone = timeZoneOf(user);
  const before =
    user?.notification_preferences === undefined
      ? undefined
      : { preferences: currentPreferences(deps, user), timeZone };
  const change = planDigestSchedule(userId, before, { preferences: after, timeZone });
  await deps.digests.apply(userId, change);
  await deps.users.savePreferences(userId, toStoredPreferences(after), deps.now());
  await queueHomeRefresh(deps, userId, 'preferences_saved', interactionId);
  deps.logger.info('Preferences saved', { digest_schedule: change.action });
  return 'preferences_saved';
}

/** The Home tab's switches: prep reminders and the digest on or off, the rest as stored. */
export async function switchPreferences(
  deps: BotDeps,
  userId: string,
  selectedValues: readonly string[],
  interactionId: string,
): Promise<HomeActionOutcome> {
  const user = await deps.users.get(userId);
  if (!user) return 'unknown_user';
  return savePreferences(
    deps,
    userId,
    applyPreferenceSwitches(currentPreferences(deps, user), selectedValues),
    interactionId,
  );
}
