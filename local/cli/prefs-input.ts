/**
 * The preferences dialog as the `prefs` command fills it in: what the user would enter, read from a JSON object.
 */
import { DEFAULT_CHANNELS } from '../../lambda/slack-bot/app-home/home-tab';
import { Preferences, defaultPreferences } from '../../lambda/shared/preferences';
import { UsageError } from './options';

/**
 * What the user would enter in the preferences dialog, from `prefs '{...}'`: the given fields over the defaults,
 * as entered (the bot validates them, as it does a real submission). Throws a usage error for text that is not a
 * JSON object.
 */
export function modalInput(json: string): Preferences {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`prefs needs a JSON object: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError('prefs needs a JSON object, e.g. {"quiet_hours":{"start":"21:00","end":"07:00"}}');
  const given = raw as Record<string, unknown>;
  const base = defaultPreferences(DEFAULT_CHANNELS);
  const digest = (typeof given['digest'] === 'object' && given['digest'] !== null ? given['digest'] : {}) as Record<
    string,
    unknown
  >;
  const quiet = given['quiet_hours'] as Record<string, unknown> | undefined;
  const strings = (v: unknown, fallback: readonly string[]) =>
    (Array.isArray(v) ? v.map(String) : fallback) as Preferences['channels'];
  return {
    prep_reminders: typeof given['prep_reminders'] === 'boolean' ? given['prep_reminders'] : base.prep_reminders,
    channels: strings(given['channels'], base.channels),
    ...(quiet && typeof quiet === 'object'
      ? { quiet_hours: { start: String(quiet['start'] ?? ''), end: String(quiet['end'] ?? '') } }
      : {}),
    quiet_channels: strings(given['quiet_channels'], base.quiet_channels),
    digest: {
      enabled: typeof digest['enabled'] === 'boolean' ? digest['enabled'] : base.digest.enabled,
      time: typeof digest['time'] === 'string' ? digest['time'] : base.digest.time,
    },
  };
}
