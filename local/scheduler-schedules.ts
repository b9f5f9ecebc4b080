/**
 * EventBridge Scheduler's schedules as the real API takes them: the request body validated with the service's own
 * error messages, the `at(...)` instant in the schedule's time zone, and a schedule written back on the wire.
 */
import * as fs from 'node:fs';
import { timeZoneOffsetSeconds } from './fake-http';

/** A schedule's target as sent by the SDK (`Arn`, `RoleArn`, `Input`, `RetryPolicy`, …). */
export interface StoredTarget {
  readonly Arn: string;
  readonly RoleArn: string;
  readonly Input?: string;
  readonly [field: string]: unknown;
}

/** A schedule held by the fake, with dates parsed. */
export interface StoredSchedule {
  readonly Arn: string;
  readonly Name: string;
  readonly GroupName: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone: string;
  readonly State: 'ENABLED' | 'DISABLED';
  readonly Description?: string;
  readonly StartDate?: Date;
  readonly EndDate?: Date;
  readonly FlexibleTimeWindow: { readonly Mode: 'OFF' | 'FLEXIBLE'; readonly MaximumWindowInMinutes?: number };
  readonly Target: StoredTarget;
  readonly ActionAfterCompletion: 'NONE' | 'DELETE';
  readonly KmsKeyArn?: string;
  readonly ClientToken?: string;
  readonly CreationDate: Date;
  readonly LastModificationDate: Date;
  /** When an `at(...)` schedule fires; `undefined` for `rate(...)` and `cron(...)` (daily crons: `scheduler-cron.ts`). */
  readonly fireAt?: Date;
}

export const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const CLIENT_TOKEN = /^[a-zA-Z0-9\-_]{1,64}$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const EXPRESSION = /^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\(\d+ (minutes?|hours?|days?)\)|cron\(.+\))$/;
export const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'ValidationException',
  402: 'ServiceQuotaExceededException',
  404: 'ResourceNotFoundException',
  409: 'ConflictException',
  429: 'ThrottlingException',
};

/** An error the SDK recognises by its `x-amzn-errortype` header. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (value: unknown, member: string, constraint: string): ApiError =>
  new ApiError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );

/** `at(yyyy-mm-ddThh:mm:ss)` in `timeZone` as an instant. */
function atInstant(expression: string, timeZone: string): Date | undefined {
  const m = AT.exec(expression);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const first = wall - timeZoneOffsetSeconds(timeZone, new Date(wall)) * 1000;
  // Near a DST change the offset at the wall time and at the instant differ; the instant's offset is the right one.
  return new Date(wall - timeZoneOffsetSeconds(timeZone, new Date(first)) * 1000);
}

export const epochSeconds = (date: Date | undefined): number | undefined => (date ? date.getTime() / 1000 : undefined);

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(value, key, 'Member must be a string');
  return value;
}

function optionalDate(body: Record<string, unknown>, key: string): Date | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw invalid(value, key, 'Member must be a timestamp in epoch seconds');
  return new Date(value * 1000);
}

function oneOf<T extends string>(value: string | undefined, key: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw invalid(value, key, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  return value as T;
}

export function groupOf(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null
    ? optionalString(body as Record<string, unknown>, 'GroupName')
    : undefined;
}

/** Validates a CreateSchedule/UpdateSchedule body into the schedule's fields (dates excluded). */
export function parseScheduleBody(name: string, raw: unknown) {
  if (typeof raw !== 'object' || raw === null)
    throw new ApiError(400, 'ValidationException', 'Request body must be a JSON object');
  const body = raw as Record<string, unknown>;
  const expression = optionalString(body, 'ScheduleExpression');
  if (expression === undefined || !EXPRESSION.test(expression))
    throw invalid(expression, 'scheduleExpression', 'Invalid Schedule Expression');
  const timeZone = optionalString(body, 'ScheduleExpressionTimezone') ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw invalid(timeZone, 'scheduleExpressionTimezone', 'Invalid time zone');
  }
  const window = body.FlexibleTimeWindow as Record<string, unknown> | undefined;
  const mode = oneOf(
    typeof window?.Mode === 'string' ? window.Mode : 'missing',
    'flexibleTimeWindow.mode',
    ['OFF', 'FLEXIBLE'],
    'OFF',
  );
  const maxWindow = window?.MaximumWindowInMinutes;
  if (mode === 'FLEXIBLE' && !(typeof maxWindow === 'number' && maxWindow >= 1 && maxWindow <= 1440)) {
    throw invalid(
      maxWindow,
      'flexibleTimeWindow.maximumWindowInMinutes',
      'Member must be between 1 and 1440 when Mode is FLEXIBLE',
    );
  }
  const target = body.Target as Record<string, unknown> | undefined;
  if (typeof target?.Arn !== 'string' || target.Arn === '')
    throw invalid(target?.Arn, 'target.arn', 'Member must not be null');
  if (typeof target.RoleArn !== 'string' || target.RoleArn === '')
    throw invalid(target.RoleArn, 'target.roleArn', 'Member must not be null');
  const clientToken = optionalString(body, 'ClientToken');
  if (clientToken !== undefined && !CLIENT_TOKEN.test(clientToken)) {
    throw invalid(clientToken, 'clientToken', `Member must satisfy regular expression pattern: ${CLIENT_TOKEN.source}`);
  }
  return {
    Name: name,
    ScheduleExpression: expression,
    ScheduleExpressionTimezone: timeZone,
    State: oneOf(optionalString(body, 'State'), 'state', ['ENABLED', 'DISABLED'], 'ENABLED'),
    Description: optionalString(body, 'Description'),
    StartDate: optionalDate(body, 'StartDate'),
    EndDate: optionalDate(body, 'EndDate'),
    FlexibleTimeWindow:
      mode === 'FLEXIBLE' ? { Mode: mode, MaximumWindowInMinutes: maxWindow as number } : { Mode: mode },
    Target: target as StoredTarget,
    ActionAfterCompletion: oneOf(
      optionalString(body, 'ActionAfterCompletion'),
      'actionAfterCompletion',
      ['NONE', 'DELETE'],
      'NONE',
    ),
    KmsKeyArn: optionalString(body, 'KmsKeyArn'),
    ClientToken: clientToken,
    fireAt: atInstant(expression, timeZone),
  };
}

/** The GetSchedule output on the wire: dates as epoch seconds, no fake-only fields. */
export function toWire(s: StoredSchedule): Record<string, unknown> {
  return {
    Arn: s.Arn,
    Name: s.Name,
    GroupName: s.GroupName,
    ScheduleExpression: s.ScheduleExpression,
    ScheduleExpressionTimezone: s.ScheduleExpressionTimezone,
    State: s.State,
    Description: s.Description,
    StartDate: epochSeconds(s.StartDate),
    EndDate: epochSeconds(s.EndDate),
    FlexibleTimeWindow: s.FlexibleTimeWindow,
    Target: s.Target,
    ActionAfterCompletion: s.ActionAfterCompletion,
    KmsKeyArn: s.KmsKeyArn,
    CreationDate: epochSeconds(s.CreationDate),
    LastModificationDate: epochSeconds(s.LastModificationDate),
  };
}

/** What a scheduler keeps across restarts: its schedules, and which of the kept ones already fired. */
export interface SavedSchedules {
  readonly schedules: readonly StoredSchedule[];
  /** `${GroupName}/${Name}` of schedules that fired and were kept (`ActionAfterCompletion: NONE`). */
  readonly fired: readonly string[];
}

const DATE_FIELDS = ['CreationDate', 'LastModificationDate', 'StartDate', 'EndDate', 'fireAt'] as const;

/** Reads what {@link saveSchedules} wrote; nothing when the file does not exist yet. */
export function loadSchedules(file: string): SavedSchedules {
  if (!fs.existsSync(file)) return { schedules: [], fired: [] };
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    schedules?: Record<string, unknown>[];
    fired?: string[];
  };
  const schedules = (saved.schedules ?? []).map((raw) => {
    const revived: Record<string, unknown> = { ...raw };
    for (const field of DATE_FIELDS) if (typeof raw[field] === 'string') revived[field] = new Date(raw[field]);
    return revived as unknown as StoredSchedule;
  });
  return { schedules, fired: saved.fired ?? [] };
}

/** Writes the schedules to `file` (whole, through a temporary file, so a crash never leaves half a file). */
export function saveSchedules(file: string, saved: SavedSchedules): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(saved, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

/** ListSchedules over `all`: filtered by group, name prefix and state, sorted by name, paged by `NextToken`. */
export function listSchedules(all: readonly StoredSchedule[], query: URLSearchParams): Record<string, unknown> {
  const group = query.get('ScheduleGroup');
  const prefix = query.get('NamePrefix') ?? '';
  const state = query.get('State');
  const max = Number(query.get('MaxResults') ?? 100);
  if (!(Number.isInteger(max) && max >= 1 && max <= 100))
    throw invalid(max, 'maxResults', 'Member must be between 1 and 100');
  const start = Number(query.get('NextToken') ?? 0);
  const matching = all
    .filter(
      (s) =>
        (group === null || s.GroupName === group) && s.Name.startsWith(prefix) && (state === null || s.State === state),
    )
    .sort((a, b) => a.Name.localeCompare(b.Name));
  const page = matching.slice(start, start + max);
  return {
    Schedules: page.map((s) => ({
      Arn: s.Arn,
      Name: s.Name,
      GroupName: s.GroupName,
      State: s.State,
      Target: { Arn: s.Target.Arn },
      CreationDate: epochSeconds(s.CreationDate),
      LastModificationDate: epochSeconds(s.LastModificationDate),
    })),
    NextToken: start + max < matching.length ? String(start + max) : undefined,
  };
}
