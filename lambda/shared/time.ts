/** Time-zone formatting for messages. Pure. */

/** Intl.DateTimeFormat is costly to build (a large share of a click's CPU here): one per style and zone, kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Bounds the cache: time zones come from user data, so an endless variety of strings must not grow it forever. */
const MAX_FORMATTERS = 500;

function formatter(style: 'dateTime' | 'time', timeZone: string): Intl.DateTimeFormat {
  const key = `${style}\u0000${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      ...(style === 'dateTime' ? { weekday: 'short', month: 'short', day: 'numeric' } : {}),
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/** "Fri, Nov 27, 9:00 AM EST" in the given IANA time zone. */
export function formatLocalDateTime(iso: string, timeZone: string): string {
  const parts = formatter('dateTime', timeZone).formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')}, ${get('month')} ${get('day')}, ${get('hour')}:${get('minute')} ${get('dayPeriod')} ${get('timeZoneName')}`;
}

/** "9:00 AM EST" in the given time zone. */
export function formatLocalTime(iso: string, timeZone: string): string {
  return formatter('time', timeZone).format(new Date(iso));
}

/** Whole minutes between two ISO instants, or undefined when either is missing or malformed or the span is not positive. */
export function durationMinutes(startIso: string, endIso: string | undefined): number | undefined {
  if (!endIso) return undefined;
  const minutes = Math.round((Date.parse(endIso) - Date.parse(startIso)) / 60_000);
  return Number.isFinite(minutes) && minutes > 0 ? minutes : undefined;
}

/** "60 minutes", "1 minute". */
export function formatDuration(minutes: number): string {
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * The environment variable that shifts {@link now} by a number of milliseconds. Only the local runtime and the
 * workflow tests set it (to start the clock in someone's night, or to let a Wait state's time pass at once); the
 * stack never does, so deployed functions read real time.
 */
export const CLOCK_OFFSET_ENV = 'LOCAL_CLOCK_OFFSET_MS';

/** The current time: real time, shifted by {@link CLOCK_OFFSET_ENV} when the local runtime set it. */
export function now(): Date {
  const offset = Number(process.env[CLOCK_OFFSET_ENV] ?? 0);
  return new Date(Date.now() + (Number.isFinite(offset) ? offset : 0));
}
