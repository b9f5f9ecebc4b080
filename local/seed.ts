/**
 * Your own users and meetings for the local system (`npm start -- seed FILE`): a JSON or YAML file with `users` and
 * `meetings`, validated with one message per problem before anything is written. Start times may be absolute
 * (ISO 8601 with a zone) or relative to now (`+26h`, `+90m`, `+2d`), so a seed file does not go stale.
 */
import { parse as parseYaml } from 'yaml';
import { MEETING_TYPES, Meeting, MeetingStatus, User, isValidTimeZone } from '../lambda/shared/domain';

/** A seed file's content, validated and with times resolved. */
export interface Seed {
  readonly users: readonly User[];
  readonly meetings: readonly Meeting[];
}

/** A seed file that is not valid: every problem found, one per line. */
export class SeedError extends Error {
  override readonly name = 'SeedError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid seed file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Options of {@link parseSeed}. */
export interface SeedOptions {
  /** Relative start times count from here. @default now */
  readonly now?: Date;
  /** Users already stored, whom meetings may name without listing them. @default none */
  readonly knownUserIds?: readonly string[];
}

const USER_FIELDS = ['user_id', 'name', 'email', 'phone_number', 'timezone', 'notification_preferences'];
const MEETING_FIELDS = [
  'meeting_id',
  'user_id',
  'title',
  'description',
  'start_time',
  'end_time',
  'duration_minutes',
  'location',
  'attendees',
  'organizer',
  'meeting_type',
  'status',
  'prep_hours_before',
  'created_at',
];
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
/** Meeting ids end up in reminder schedule names (`prep-reminder-<id>`, at most 64 of `[0-9a-zA-Z-_.]`). */
const MEETING_ID = /^[A-Za-z0-9._-]{1,48}$/;
const RELATIVE = /^\+(\d+(?:\.\d+)?)([mhd])$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const STATUSES: readonly string[] = Object.values(MeetingStatus);
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

type Problems = string[];
type Item = Record<string, unknown>;

const isObject = (value: unknown): value is Item =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

function unknownFields(item: Item, known: readonly string[], at: string, problems: Problems): void {
  for (const key of Object.keys(item))
    if (!known.includes(key)) problems.push(`${at}.${key}: unknown field (known: ${known.join(', ')})`);
}

function optionalString(
  item: Item,
  key: string,
  at: string,
  problems: Problems,
  pattern?: RegExp,
  hint?: string,
): string | undefined {
  const value = item[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || (pattern && !pattern.test(value))) {
    problems.push(`${at}.${key}: expected ${hint ?? 'a non-empty string'}, got ${show(value)}`);
    return undefined;
  }
  return value;
}

function time(value: unknown, now: Date): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const relative = RELATIVE.exec(value);
  if (relative) return new Date(now.getTime() + Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  if (!ISO_WITH_ZONE.test(value)) return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

function parseUser(raw: unknown, at: string, problems: Problems): User | undefined {
  if (!isObject(raw)) return void problems.push(`${at}: expected an object with user_id, name, email…`);
  unknownFields(raw, USER_FIELDS, at, problems);
  const before = problems.length;
  const userId = optionalString(raw, 'user_id', at, problems, SLACK_USER_ID, 'a Slack member id such as U024BE7LH');
  if (raw['user_id'] === undefined) problems.push(`${at}.user_id: required (your Slack member id, e.g. U024BE7LH)`);
  const name = optionalString(raw, 'name', at, problems);
  const email = optionalString(raw, 'email', at, problems, EMAIL, 'an email address');
  const phone = optionalString(raw, 'phone_number', at, problems, E164, 'an E.164 phone number such as +12125550143');
  const timezone = optionalString(raw, 'timezone', at, problems);
  if (timezone && !isValidTimeZone(timezone)) problems.push(`${at}.timezone: not an IANA time zone: ${show(timezone)}`);
  const prefs = raw['notification_preferences'];
  if (prefs !== undefined && !isObject(prefs))
    problems.push(`${at}.notification_preferences: expected an object, got ${show(prefs)}`);
  if (problems.length > before || !userId) return undefined;
  return {
    user_id: userId,
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone_number: phone } : {}),
    ...(timezone ? { timezone } : {}),
    notification_preferences: { prep_reminders: true, ...(prefs as Item | undefined) },
  };
}

function parseMeeting(
  raw: unknown,
  at: string,
  userIds: ReadonlySet<string>,
  now: Date,
  problems: Problems,
): Meeting | undefined {
  if (!isObject(raw)) return void problems.push(`${at}: expected an object with meeting_id, user_id, start_time…`);
  unknownFields(raw, MEETING_FIELDS, at, problems);
  const before = problems.length;
  for (const key of ['meeting_id', 'user_id', 'start_time'])
    if (raw[key] === undefined) problems.push(`${at}.${key}: required`);
  const meetingId = optionalString(
    raw,
    'meeting_id',
    at,
    problems,
    MEETING_ID,
    'at most 48 letters, digits, ".", "_" or "-"',
  );
  const userId = optionalString(raw, 'user_id', at, problems);
  if (userId && !userIds.has(userId))
    problems.push(`${at}.user_id: ${userId} is not among the users (add it under users:)`);
  const start = raw['start_time'] === undefined ? undefined : time(raw['start_time'], now);
  if (raw['start_time'] !== undefined && !start) {
    problems.push(
      `${at}.start_time: expected ISO 8601 with a zone (2026-12-01T15:00:00Z) or a time from now (+26h, +90m, +2d), got ${show(raw['start_time'])}`,
    );
  }
  let end = raw['end_time'] === undefined ? undefined : time(raw['end_time'], now);
  if (raw['end_time'] !== undefined && !end)
    problems.push(`${at}.end_time: expected ISO 8601 with a zone or a time from now, got ${show(raw['end_time'])}`);
  const minutes = raw['duration_minutes'];
  if (minutes !== undefined && !(typeof minutes === 'number' && Number.isInteger(minutes) && minutes > 0)) {
    problems.push(`${at}.duration_minutes: expected a whole number of minutes, got ${show(minutes)}`);
  } else if (minutes !== undefined && raw['end_time'] !== undefined) {
    problems.push(`${at}: give end_time or duration_minutes, not both`);
  } else if (start && typeof minutes === 'number') {
    end = new Date(start.getTime() + minutes * 60_000);
  }
  if (start && end && end <= start) problems.push(`${at}.end_time: must be after start_time`);
  const type = raw['meeting_type'] ?? 'unknown';
  if (!(MEETING_TYPES as readonly unknown[]).includes(type))
    problems.push(`${at}.meeting_type: expected one of ${MEETING_TYPES.join(', ')}, got ${show(type)}`);
  const status = raw['status'] ?? MeetingStatus.Classified;
  if (!STATUSES.includes(status as string))
    problems.push(`${at}.status: expected one of ${STATUSES.join(', ')}, got ${show(status)}`);
  const attendees = raw['attendees'] ?? [];
  if (!Array.isArray(attendees) || !attendees.every((a) => typeof a === 'string'))
    problems.push(`${at}.attendees: expected a list of email addresses`);
  const hours = raw['prep_hours_before'];
  if (hours !== undefined && !(typeof hours === 'number' && hours > 0))
    problems.push(`${at}.prep_hours_before: expected a positive number of hours`);
  const title = optionalString(raw, 'title', at, problems);
  const text = (key: string) => optionalString(raw, key, at, problems);
  const [description, location, organizer, createdAt] = [
    text('description'),
    text('location'),
    text('organizer'),
    text('created_at'),
  ];
  if (problems.length > before || !meetingId || !userId || !start) return undefined;
  return {
    meeting_id: meetingId,
    user_id: userId,
    title: title ?? meetingId,
    start_time: start.toISOString(),
    ...(end ? { end_time: end.toISOString() } : {}),
    ...(description ? { description } : {}),
    ...(location ? { location } : {}),
    ...(organizer ? { organizer } : {}),
    attendees: attendees as string[],
    meeting_type: type as string,
    status: status as string,
    ...(typeof hours === 'number' ? { prep_hours_before: hours } : {}),
    created_at: createdAt ?? now.toISOString(),
  };
}

function duplicates(ids: readonly string[], what: string, problems: Problems): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) problems.push(`${what} ${id} appears twice`);
    seen.add(id);
  }
}

/**
 * Parses and validates a seed file's text (JSON or YAML). Throws a {@link SeedError} listing every problem.
 * @param source - the file's name, for messages
 */
export function parseSeed(text: string, source: string, options: SeedOptions = {}): Seed {
  const now = options.now ?? new Date();
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new SeedError(source, [`not valid JSON or YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  if (!isObject(doc)) throw new SeedError(source, ['expected an object with users: and meetings: lists']);
  const problems: Problems = [];
  unknownFields(doc, ['users', 'meetings'], '(top level)', problems);
  const rawUsers = doc['users'] ?? [];
  const rawMeetings = doc['meetings'] ?? [];
  if (!Array.isArray(rawUsers)) problems.push('users: expected a list');
  if (!Array.isArray(rawMeetings)) problems.push('meetings: expected a list');
  if (problems.length) throw new SeedError(source, problems);
  const users = (rawUsers as unknown[]).map((u, i) => parseUser(u, `users[${i}]`, problems));
  const userIds = new Set([
    ...(options.knownUserIds ?? []),
    ...(rawUsers as unknown[]).flatMap((u) => (isObject(u) && typeof u['user_id'] === 'string' ? [u['user_id']] : [])),
  ]);
  const meetings = (rawMeetings as unknown[]).map((m, i) => parseMeeting(m, `meetings[${i}]`, userIds, now, problems));
  if (users.length === 0 && meetings.length === 0) problems.push('nothing to seed: give users: and meetings:');
  duplicates(
    users.flatMap((u) => (u ? [u.user_id] : [])),
    'user',
    problems,
  );
  duplicates(
    meetings.flatMap((m) => (m ? [m.meeting_id] : [])),
    'meeting',
    problems,
  );
  if (problems.length) throw new SeedError(source, problems);
  return { users: users as User[], meetings: meetings as Meeting[] };
}
