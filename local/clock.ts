/**
 * The local clock: one clock for every handler the local runtime and the workflow tests run in this process. It is
 * real time shifted by an offset kept in the environment variable that `now()` (lambda/shared/time.ts) reads, so a
 * drill can start it in someone's night (`--now`) and a Wait state can jump it forward instead of sleeping for
 * hours. The deployed stack never sets the variable.
 */
import { CLOCK_OFFSET_ENV, now } from '../lambda/shared/time';
import { offsetAt } from '../lambda/shared/zoned-time';

/** The clock's offset from real time, in milliseconds. */
export function clockOffsetMs(): number {
  const offset = Number(process.env[CLOCK_OFFSET_ENV] ?? 0);
  return Number.isFinite(offset) ? offset : 0;
}

/** Sets the clock to read `at` now (it then runs on at real speed). */
export function setLocalClock(at: Date): void {
  process.env[CLOCK_OFFSET_ENV] = String(at.getTime() - Date.now());
}

/** Moves the clock forward by `ms` (what a scaled Wait state skips). */
export function advanceLocalClock(ms: number): void {
  process.env[CLOCK_OFFSET_ENV] = String(clockOffsetMs() + Math.max(0, ms));
}

/** Back to real time. */
export function resetLocalClock(): void {
  delete process.env[CLOCK_OFFSET_ENV];
}

/** The local clock's time. */
export function localNow(): Date {
  return now();
}

const LOCAL_WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads a `--now` value: an ISO 8601 instant with a zone (`2026-11-27T08:00Z`, `…-05:00`), or a wall-clock time
 * without one (`2026-11-27T03:00`), read in `timeZone` (the demo executive's). Throws a RangeError when it is
 * neither.
 */
export function parseClockStart(value: string, timeZone: string): Date {
  const local = LOCAL_WALL_TIME.exec(value);
  if (!local) {
    const ms = /T.*(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms))
      throw new RangeError(
        `--now must be a date and time such as 2026-11-27T03:00 (in ${timeZone}) or 2026-11-27T08:00Z, not "${value}"`,
      );
    return new Date(ms);
  }
  const [, y, mo, d, h, mi, s] = local.map(Number) as number[];
  const wall = Date.UTC(y as number, (mo as number) - 1, d as number, h as number, mi as number, s || 0);
  // The zone's offset near that wall time; a second pass settles the offset across a DST change.
  let guess = wall;
  for (let i = 0; i < 2; i++) guess = wall - offsetAt(guess, timeZone);
  return new Date(guess);
}
