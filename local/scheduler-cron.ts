/**
 * When a recurring `cron(...)` schedule runs, for the local Scheduler: the daily form (`cron(M H * * ? *)`, what
 * the digest uses) in the schedule's time zone, as Scheduler reads it: a time the clocks skip does not run that
 * day, a time that happens twice runs once (the first). Other cron forms and `rate(...)` are not fired locally.
 */
import { addDays, instantsOfWallTime, localDateTime } from '../lambda/shared/zoned-time';

const DAILY = /^cron\((\d{1,2}) (\d{1,2}) \* \* \? \*\)$/;

/** The minute of the day a daily cron runs at, or undefined for another expression. */
export function dailyCronMinutes(expression: string): number | undefined {
  const m = DAILY.exec(expression);
  if (!m) return undefined;
  const minute = Number(m[1]);
  const hour = Number(m[2]);
  return minute < 60 && hour < 24 ? hour * 60 + minute : undefined;
}

/** The first run strictly after `after`, or undefined when the fake does not fire this expression. */
export function nextCronRun(expression: string, timeZone: string, after: Date): Date | undefined {
  const minutes = dailyCronMinutes(expression);
  if (minutes === undefined) return undefined;
  const start = localDateTime(after.getTime(), timeZone);
  // Today, or a later day; two skipped days in a row do not happen in any zone.
  for (let day = 0; day < 4; day += 1) {
    const runs = instantsOfWallTime(addDays(start, day), minutes, timeZone);
    const first = runs[0];
    if (first !== undefined && first > after.getTime()) return new Date(first);
  }
  return undefined;
}
