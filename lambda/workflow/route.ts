/**
 * The workflow's one question before each attempt — which channel next, and may it go now — answered in one pure
 * call, so a single Task (or the task before it) plus one Choice state can route: `next` picks the NotifyVia* state
 * (one named state per channel), `hold.wait` sends it to a Wait state first (`TimestampPath: $.route.hold.until`).
 * After a failed attempt the workflow asks again with `remaining` as the order. Pure.
 */
import { CHANNELS, type Channel } from '../shared/domain';
import type { Preferences } from '../shared/preferences';
import { decideHold, type HoldDecision } from './quiet-hours';

/** What the workflow knows when it picks. */
export interface NextChannelInput {
  /** The user's channel order (or what is left of it). */
  readonly order: readonly Channel[];
  /** Channels already attempted in this execution. */
  readonly tried?: readonly Channel[];
  /** Channels the user cannot receive, with the reason recorded for each (`no_phone_number`, `not_configured`…). */
  readonly unavailable?: Readonly<Partial<Record<Channel, string>>>;
}

/** One channel passed over because the user cannot receive it. */
export interface SkippedChannel {
  readonly channel: Channel;
  readonly reason: string;
}

/** The pick, as plain JSON for `$.route.next` StringEquals 'slack' | 'sms' | 'email' | 'none'. */
export interface NextChannel {
  readonly next: Channel | 'none';
  /**
   * The channels after `next`, in order, not tried. Unavailable ones stay in: the pick that reaches them reports
   * them in `skipped`, so a skip is recorded only when the workflow actually got that far.
   */
  readonly remaining: Channel[];
  /** Unavailable channels passed over before `next`, in order, so each skip is recorded with its reason. */
  readonly skipped: SkippedChannel[];
}

/**
 * The first channel of `order` not yet tried and not unavailable. Unknown names and repeats in `order` are ignored
 * (the order comes through the execution's JSON). `next: 'none'` when nothing is left.
 */
export function nextChannel(input: NextChannelInput): NextChannel {
  const tried = new Set<string>(input.tried ?? []);
  const unavailable = input.unavailable ?? {};
  const seen = new Set<string>();
  const order = input.order.filter((c) => (CHANNELS as readonly string[]).includes(c) && !seen.has(c) && seen.add(c));
  const skipped: SkippedChannel[] = [];
  const left = order.filter((c) => !tried.has(c));
  let i = 0;
  for (; i < left.length; i++) {
    const reason = unavailable[left[i]];
    if (reason === undefined) break;
    skipped.push({ channel: left[i], reason });
  }
  const next = left[i];
  const remaining = left.slice(i + 1);
  return { next: next ?? 'none', remaining, skipped };
}

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
