/**
 * Wall-clock arithmetic in any IANA time zone with nothing but `Intl` (no tz library): what a zone's clock reads at
 * an instant, and which instant(s) a local date and time mean. Pure.
 */

/** A local calendar date. `month` is 1-12. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A local date and time as a zone's wall clock reads it (24-hour). */
export interface LocalDateTime extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Whether a string is a 24-hour "HH:MM" time (00:00-23:59). */
export function isHhMm(value: string): boolean {
  return HHMM.test(value);
}

/** Minutes since midnight of an "HH:MM" time. Throws a RangeError on anything else. */
export function hhMmToMinutes(value: string): number {
  const m = HHMM.exec(value);
  if (!m) throw new RangeError(`"${value}" is not a 24-hour HH:MM time`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws a RangeError for an unknown zone, which is the error callers should see.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** What the zone's wall clock reads at `instant` (ms since the epoch). */
export function localDateTime(instant: number, timeZone: string): LocalDateTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** A wall-clock reading as if it were UTC: a number that orders wall times and is comparable with `Date.UTC`. */
function wallAsUtc(t: Pick<LocalDateTime, 'year' | 'month' | 'day'> & Partial<LocalDateTime>): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour ?? 0, t.minute ?? 0, t.second ?? 0);
}

/** The zone's offset from UTC at `instant`, in ms (New York in winter: -18 000 000). */
export function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallAsUtc(localDateTime(whole, timeZone)) - whole;
}

/** The local calendar date `days` after `date` (negative for before). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "2026-11-27" */
export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Every instant at which the zone's clock reads `minutesOfDay` on `date`, earliest first:
 * - one instant on an ordinary day;
 * - two when the clocks go back and the time happens twice (fall-back);
 * - none when the clocks jump over it (spring-forward).
 */
export function instantsOfWallTime(date: LocalDate, minutesOfDay: number, timeZone: string): number[] {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutesOfDay);
  // The offsets in force a day either side cover any single transition near that wall time.
  const offsets = new Set([
    offsetAt(wall - DAY_MS, timeZone),
    offsetAt(wall, timeZone),
    offsetAt(wall + DAY_MS, timeZone),
  ]);
  const found = new Set<number>();
  for (const offset of offsets) {
    const candidate = wall - offset;
    if (wallAsUtc(localDateTime(candidate, timeZone)) === wall) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * The first instant at or after which the zone's clock reads at least `minutesOfDay` on `date`. For a time that
 * exists that is its first occurrence (fall-back: the earlier of the two); for a time the clocks skip
 * (spring-forward) it is the moment of the jump, the first valid instant after it.
 */
export function firstInstantAtOrAfterWallTime(date: LocalDate, minutesOfDay: number, timeZone: string): number {
  const exact = instantsOfWallTime(date, minutesOfDay, timeZone);
  if (exact.length > 0) return exact[0];
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutesOfDay);
  // The gap lies between the wall time read with the later offset and with the earlier one; search it to the second.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  let lo = Math.floor((wall - Math.max(before, after) - HOUR_MS) / 1000);
  let hi = Math.ceil((wall - Math.min(before, after) + HOUR_MS) / 1000);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAsUtc(localDateTime(mid * 1000, timeZone)) >= wall) hi = mid;
    else lo = mid + 1;
  }
  return lo * 1000;
}

/** `instant` as an RFC 3339 UTC timestamp in whole seconds ("2026-11-27T12:00:00Z"), as a Wait state wants it. */
export function toUtcSeconds(instant: number): string {
  return `${new Date(instant).toISOString().slice(0, 19)}Z`;
}
