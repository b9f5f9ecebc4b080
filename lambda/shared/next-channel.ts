/**
 * Which channel the workflow tries next, in the user's order: a Choice state routes on `next` (one named state per
 * channel), and after a failed attempt the workflow asks again with `remaining` as the order. Pure.
 */
import { CHANNELS, type Channel } from './domain';

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
