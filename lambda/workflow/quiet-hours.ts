/**
 * Quiet hours: send a notification now, or hold it until the user's quiet hours end — but never past the latest
 * moment that still leaves the minimum lead before the meeting. The answer is plain JSON for a Choice state and a
 * Wait state's `TimestampPath`. Pure.
 *
 * Local-time rules (any IANA zone, through Intl):
 * - The window is [start, end) on the user's wall clock; `end` earlier than `start` runs overnight.
 * - Quiet hours end at the next instant after now at which the user's clock reads `end`:
 *   - spring-forward, `end` skipped by the jump → the moment of the jump (the first valid instant after it);
 *   - fall-back, `end` happening twice → the first occurrence after now (normally the earlier one: the user's
 *     phone alarm rings at the first 01:30 too; during the repeated hour itself, the second);
 *   - quiet hours, once entered, last until then: a fall-back that turns the clock back to before `start` for a
 *     while (Chile changes at midnight) does not end them early.
 */
import type { Channel } from '../shared/domain';
import type { QuietHours } from '../shared/preferences';
import {
  addDays,
  hhMmToMinutes,
  instantsOfWallTime,
  firstInstantAtOrAfterWallTime,
  localDateTime,
  toUtcSeconds,
} from '../shared/zoned-time';

/** What the hold decision needs. */
export interface HoldInput {
  /** Now (ISO 8601 with a zone, or a Date). */
  readonly now: string | Date;
  /** The user's IANA time zone. */
  readonly timeZone: string;
  /** The user's quiet hours; absent = none. */
  readonly quietHours?: QuietHours;
  /** The channels quiet hours hold back. */
  readonly quietChannels: readonly Channel[];
  /** The channel about to be tried. */
  readonly channel: Channel;
  /** True for a reminder the user asked for (Remind Me in 2 Hours): never held back. */
  readonly reminder: boolean;
  /** The meeting's start (ISO 8601 with a zone). */
  readonly meetingStart: string;
  /** The least time before the meeting a held notification must still arrive, in ms (e.g. 2 hours). */
  readonly minimumLeadMs: number;
}

/** Why the notification goes now. */
export type SendReason =
  | 'no_quiet_hours'
  | 'channel_not_held'
  | 'reminder'
  | 'outside_quiet_hours'
  | 'lead_limit_reached'
  /** The execution has waited as often as it may ({@link MAX_QUIET_HOURS_WAITS}): a clock or zone fault must not loop. */
  | 'wait_limit';
/**
 * The most quiet-hours waits one execution makes. One is the rule (the wait ends when quiet hours do); a second can
 * follow a daylight-saving change. More means the clocks disagree, and the notification goes rather than loop.
 */
export const MAX_QUIET_HOURS_WAITS = 3;

/** Why it waits: until quiet hours end, or (they end too late) until the latest useful moment. */
export type WaitReason = 'quiet_hours' | 'lead_limit';

/**
 * The decision, as a Choice state reads it (`$.hold.wait` BooleanEquals true → a Wait state with
 * `TimestampPath: $.hold.until`). Timestamps are UTC, whole seconds, RFC 3339.
 */
export type HoldDecision =
  | { readonly wait: false; readonly reason: SendReason }
  | { readonly wait: true; readonly reason: WaitReason; readonly until: string; readonly quiet_hours_end: string };

const parseInstant = (value: string | Date, what: string): number => {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`${what} is not a valid instant: ${String(value)}`);
  return ms;
};

/** Whether the user's wall clock at `instant` is inside quiet hours. */
export function isInQuietHours(instant: number, timeZone: string, quietHours: QuietHours): boolean {
  const local = localDateTime(instant, timeZone);
  const minute = local.hour * 60 + local.minute;
  const start = hhMmToMinutes(quietHours.start);
  const end = hhMmToMinutes(quietHours.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The first instant after `instant` at which the user's clock reaches the end of quiet hours (rules above). */
export function quietHoursEnd(instant: number, timeZone: string, quietHours: QuietHours): number {
  const end = hhMmToMinutes(quietHours.end);
  const today = localDateTime(instant, timeZone);
  const candidates: number[] = [];
  for (const offset of [0, 1]) {
    const date = addDays(today, offset);
    const exact = instantsOfWallTime(date, end, timeZone);
    candidates.push(...(exact.length > 0 ? exact : [firstInstantAtOrAfterWallTime(date, end, timeZone)]));
  }
  const next = candidates.filter((c) => c > instant).sort((a, b) => a - b)[0];
  if (next === undefined)
    throw new RangeError(`no end of quiet hours found after ${new Date(instant).toISOString()} in ${timeZone}`);
  return next;
}

/**
 * Send now, or wait until when. Throws a RangeError on an invalid `now`, `meetingStart` or time zone (the workflow
 * validates those before it asks).
 */
export function decideHold(input: HoldInput): HoldDecision {
  const now = parseInstant(input.now, 'now');
  const start = parseInstant(input.meetingStart, 'meetingStart');
  localDateTime(now, input.timeZone);
  if (!input.quietHours) return { wait: false, reason: 'no_quiet_hours' };
  if (input.reminder) return { wait: false, reason: 'reminder' };
  if (!input.quietChannels.includes(input.channel)) return { wait: false, reason: 'channel_not_held' };
  if (!isInQuietHours(now, input.timeZone, input.quietHours)) return { wait: false, reason: 'outside_quiet_hours' };

  // Round outwards: never wake before quiet hours end, never later than the lead allows.
  const end = Math.ceil(quietHoursEnd(now, input.timeZone, input.quietHours) / 1000) * 1000;
  const latest = Math.floor((start - input.minimumLeadMs) / 1000) * 1000;
  if (end <= latest)
    return { wait: true, reason: 'quiet_hours', until: toUtcSeconds(end), quiet_hours_end: toUtcSeconds(end) };
  if (latest > now)
    return { wait: true, reason: 'lead_limit', until: toUtcSeconds(latest), quiet_hours_end: toUtcSeconds(end) };
  return { wait: false, reason: 'lead_limit_reached' };
}
