/**
 * The executive's notification preferences (`users.notification_preferences`): one schema,
 * read two ways. The workflow reads leniently (a bad field falls back to its default and is reported, nothing
 * throws); the preferences modal validates strictly (every mistake reported, nothing saved). Pure.
 */
// zod/mini: the same checks and messages; this module bundles to ~22 KB with it, ~460 KB with the classic `z`.
import * as z from 'zod/mini';
import { CHANNELS, Channel, channelSpec } from './channel-registry';
import { hhMmToMinutes, isHhMm } from './zoned-time';

/** Quiet hours in the user's time zone, "HH:MM" 24-hour. `end` earlier than `start` means the window runs overnight. */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
}

/** The morning digest. */
export interface DigestPreference {
  readonly enabled: boolean;
  /** "HH:MM" in the user's time zone. */
  readonly time: string;
}

/** Preferences with every default applied: what the workflow, the Home tab and the digest work from. */
export interface Preferences {
  readonly prep_reminders: boolean;
  /** The channels to try, in order; non-empty, no repeats. */
  readonly channels: readonly Channel[];
  /** Absent: no quiet hours. */
  readonly quiet_hours?: QuietHours;
  /** The channels quiet hours hold back; may be empty. */
  readonly quiet_channels: readonly Channel[];
  readonly digest: DigestPreference;
}

/** The stored shape: every key optional (absent keys take the defaults). */
export interface StoredPreferences {
  readonly prep_reminders?: boolean;
  readonly channels?: readonly Channel[];
  readonly quiet_hours?: QuietHours;
  readonly quiet_channels?: readonly Channel[];
  readonly digest?: { readonly enabled?: boolean; readonly time?: string };
}

/** One mistake: where (`quiet_hours.end`, `channels[1]`) and what is wrong. */
export interface PreferenceProblem {
  readonly path: string;
  readonly message: string;
}

/** Quiet hours held back by default: SMS and email (Slack follows the user's own Slack notification schedule). */
export const DEFAULT_QUIET_CHANNELS: readonly Channel[] = CHANNELS.filter((c) => channelSpec(c).quietByDefault);
/** The digest time when none is set. */
export const DEFAULT_DIGEST_TIME = '07:30';
/** Longer quiet hours are almost surely times entered the wrong way round (09:00 → 08:00 is 23 hours). */
export const MAX_QUIET_MINUTES = 18 * 60;

/** The defaults: every key absent. `defaultChannels` is the stack's order (config/agents.yaml). */
export function defaultPreferences(defaultChannels: readonly Channel[]): Preferences {
  return {
    prep_reminders: true,
    channels: [...defaultChannels],
    quiet_channels: [...DEFAULT_QUIET_CHANNELS],
    digest: { enabled: false, time: DEFAULT_DIGEST_TIME },
  };
}

/** Length of a quiet-hours window in minutes (overnight windows wrap past midnight). */
export function quietMinutes(q: QuietHours): number {
  return (hhMmToMinutes(q.end) - hhMmToMinutes(q.start) + 24 * 60) % (24 * 60);
}

const show = (value: unknown): string =>
  typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value);

const boolean = z.boolean({ error: (iss) => `must be true or false, not ${show(iss.input)}` });
const hhmm = z.string({ error: (iss) => `must be a time "HH:MM", not ${kindOf(iss.input)}` }).check(
  z.refine(isHhMm, {
    abort: true,
    error: (iss) => `must be a 24-hour time "HH:MM" (00:00-23:59), not ${show(iss.input)}`,
  }),
);
const channel = z.enum(CHANNELS, { error: (iss) => `${show(iss.input)} is not a channel (${CHANNELS.join(', ')})` });

function channelList(allowEmpty: boolean) {
  return z
    .array(channel, { error: (iss) => `must be a list of channels (${CHANNELS.join(', ')}), not ${kindOf(iss.input)}` })
    .check(
      z.superRefine((list, ctx) => {
        if (!allowEmpty && list.length === 0)
          ctx.addIssue({ code: 'custom', message: 'must name at least one channel' });
        list.forEach((c, i) => {
          if (list.indexOf(c) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `"${c}" is listed twice` });
        });
      }),
    );
}

const objectError = (what: string) => (iss: { code: string; input?: unknown; keys?: string[] }) =>
  iss.code === 'unrecognized_keys'
    ? `unknown setting ${iss.keys?.map(show).join(', ')}`
    : `must be ${what}, not ${kindOf(iss.input)}`;

const quietHours = z
  .strictObject({ start: hhmm, end: hhmm }, { error: objectError('an object {"start": "HH:MM", "end": "HH:MM"}') })
  .check(
    z.superRefine((q, ctx) => {
      // zod still runs this when a time failed its own check; the window is only judged on two valid times.
      if (!isHhMm(q.start) || !isHhMm(q.end)) return;
      if (q.start === q.end) {
        ctx.addIssue({
          code: 'custom',
          path: ['end'],
          message: `must differ from the start (${q.start}): equal times leave no quiet hours`,
        });
      } else if (quietMinutes(q) > MAX_QUIET_MINUTES) {
        const hours = Math.round(quietMinutes(q) / 6) / 10;
        ctx.addIssue({
          code: 'custom',
          path: ['end'],
          message: `${q.start} to ${q.end} would be ${hours} hours of quiet (at most ${MAX_QUIET_MINUTES / 60}); are the times the wrong way round?`,
        });
      }
    }),
  );

const digest = z.strictObject(
  { enabled: z.optional(boolean), time: z.optional(hhmm) },
  { error: objectError('an object {"enabled": true|false, "time": "HH:MM"}') },
);

/** The fields and their schemas; `null` counts as absent (a DynamoDB NULL). */
const FIELDS = {
  prep_reminders: boolean,
  channels: channelList(false),
  quiet_hours: quietHours,
  quiet_channels: channelList(true),
  digest,
} as const;
type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];

function pathOf(field: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    field,
  );
}

/** Validates every field present; returns the valid ones and one problem per mistake. */
function check(stored: unknown): { fields: Partial<StoredPreferences>; problems: PreferenceProblem[] } {
  if (stored === undefined || stored === null) return { fields: {}, problems: [] };
  if (typeof stored !== 'object' || Array.isArray(stored)) {
    return {
      fields: {},
      problems: [{ path: 'notification_preferences', message: `must be an object, not ${kindOf(stored)}` }],
    };
  }
  const record = stored as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  const problems: PreferenceProblem[] = [];
  for (const key of Object.keys(record)) {
    if (!(FIELD_NAMES as string[]).includes(key))
      problems.push({ path: key, message: `unknown setting (known: ${FIELD_NAMES.join(', ')})` });
  }
  for (const name of FIELD_NAMES) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    const result = FIELDS[name].safeParse(value);
    if (result.success) fields[name] = result.data;
    else problems.push(...result.error.issues.map((i) => ({ path: pathOf(name, i.path), message: i.message })));
  }
  return { fields: fields as Partial<StoredPreferences>, problems };
}

function withDefaults(fields: Partial<StoredPreferences>, defaultChannels: readonly Channel[]): Preferences {
  const base = defaultPreferences(defaultChannels);
  return {
    prep_reminders: fields.prep_reminders ?? base.prep_reminders,
    channels: fields.channels ? [...fields.channels] : base.channels,
    ...(fields.quiet_hours ? { quiet_hours: { start: fields.quiet_hours.start, end: fields.quiet_hours.end } } : {}),
    quiet_channels: fields.quiet_channels ? [...fields.quiet_channels] : base.quiet_channels,
    digest: { enabled: fields.digest?.enabled ?? base.digest.enabled, time: fields.digest?.time ?? base.digest.time },
  };
}

/**
 * The workflow's read: never throws. Each invalid field takes its default (an invalid `quiet_hours` means none),
 * valid fields are kept, unknown keys are ignored; every mistake is listed in `problems` for the log.
 */
export function readPreferences(
  stored: unknown,
  defaultChannels: readonly Channel[],
): { preferences: Preferences; problems: PreferenceProblem[] } {
  const { fields, problems } = check(stored);
  return { preferences: withDefaults(fields, defaultChannels), problems };
}

/** The modal's read: all or nothing. Unknown keys are mistakes too (a typo would otherwise be silently ignored). */
export function validatePreferences(
  input: unknown,
  defaultChannels: readonly Channel[],
): { ok: true; preferences: Preferences } | { ok: false; problems: PreferenceProblem[] } {
  const { fields, problems } = check(input);
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, preferences: withDefaults(fields, defaultChannels) };
}

/** One line per problem: `quiet_hours.end: must differ from the start (21:00): …`. */
export function formatProblems(problems: readonly PreferenceProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('\n');
}

/** What to write back to the users item: every key explicit (no quiet hours = the key left out). */
export function toStoredPreferences(p: Preferences): StoredPreferences {
  return {
    prep_reminders: p.prep_reminders,
    channels: [...p.channels],
    ...(p.quiet_hours ? { quiet_hours: { start: p.quiet_hours.start, end: p.quiet_hours.end } } : {}),
    quiet_channels: [...p.quiet_channels],
    digest: { enabled: p.digest.enabled, time: p.digest.time },
  };
}

/**
 * The preferences with one channel turned off for prep reminders (an email unsubscribe, an SMS STOP). When it was
 * the only channel, prep reminders are turned off instead (the list may not be empty); the other settings stay.
 */
export function withoutChannel(p: Preferences, off: Channel): Preferences {
  const channels = p.channels.filter((c) => c !== off);
  return channels.length > 0 ? { ...p, channels } : { ...p, prep_reminders: false };
}

/** Whether prep reminders can reach the user on `channel` with these preferences. */
export function receivesOn(p: Preferences, channel: Channel): boolean {
  return p.prep_reminders && p.channels.includes(channel);
}
