/**
 * The workflow's one question before each attempt — which channel next, and may it go now — answered in one pure
 * call, so a single Task (or the task before it) plus one Choice state can route: `next` picks the NotifyVia* state,
 * `hold.wait` sends it to a Wait state first (`TimestampPath: $.route.hold.until`). Pure.
 */
import type { Channel } from './domain';
import { nextChannel, type NextChannel, type NextChannelInput } from './next-channel';
import type { Preferences } from './preferences';
import { decideHold, type HoldDecision } from './quiet-hours';

/** The least time before the meeting a notification held by quiet hours must still arrive, unless configured. */
export const DEFAULT_MINIMUM_LEAD_MS = 2 * 3_600_000;

/** Everything the pick and the hold need. */
export interface RouteInput extends NextChannelInput {
  readonly now: string | Date;
  readonly timeZone: string;
  readonly preferences: Pick<Preferences, 'quiet_hours' | 'quiet_channels'>;
  readonly reminder: boolean;
  readonly meetingStart: string;
  readonly minimumLeadMs: number;
}

/** The route: the pick, and whether the picked channel waits. `hold` is always present, for the Choice rules. */
export interface Route extends NextChannel {
  readonly hold: HoldDecision | { readonly wait: false; readonly reason: 'no_channel_left' };
}

/** Picks the next channel in the user's order and decides whether it goes now or after quiet hours. */
export function routeNext(input: RouteInput): Route {
  const pick = nextChannel(input);
  if (pick.next === 'none') return { ...pick, hold: { wait: false, reason: 'no_channel_left' } };
  const channel: Channel = pick.next;
  const hold = decideHold({
    now: input.now,
    timeZone: input.timeZone,
    ...(input.preferences.quiet_hours ? { quietHours: input.preferences.quiet_hours } : {}),
    quietChannels: input.preferences.quiet_channels,
    channel,
    reminder: input.reminder,
    meetingStart: input.meetingStart,
    minimumLeadMs: input.minimumLeadMs,
  });
  return { ...pick, hold };
}
