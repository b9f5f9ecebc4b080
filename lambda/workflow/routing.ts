/**
 * How the prep workflow routes between channels: the user's order (their `notification_preferences`, or the
 * stack's order) and, for the channel picked, whether quiet hours hold it back. LoadMeeting computes the first
 * route, RouteNextChannel the one after a failed channel, CheckStillDue the one after a quiet-hours wait; the
 * PickChannel Choice state reads it at `$.prep.route`. Pure apart from reading the environment in
 * {@link routingSettingsFromEnv}.
 */
import { unreachableChannels } from '../shared/channel-registry';
import { CHANNELS, Channel } from '../shared/domain';
import { readPreferences, type PreferenceProblem, type QuietHours } from '../shared/preferences';
import { DEFAULT_MINIMUM_LEAD_MS, routeNext, type Route } from './route';

/** The stack's side of routing. */
export interface RoutingSettings {
  /** The channels the stack deployed, in its order (config/agents.yaml). */
  readonly channels: readonly Channel[];
  /** The least time before the meeting a notification held by quiet hours must still arrive. */
  readonly minimumLeadMs: number;
}

/** The user's side of routing, carried at `$.prep.preferences` (no contact details). */
export interface RoutingPreferences {
  readonly channels: readonly Channel[];
  readonly quiet_hours?: QuietHours;
  readonly quiet_channels: readonly Channel[];
}

/** Why an execution stops after a quiet-hours wait without sending. */
export type StopReason =
  | 'meeting_cancelled'
  | 'meeting_moved'
  | 'meeting_already_started'
  | 'prep_already_started'
  | 'meeting_not_found';

/** A route as the state machine carries it. */
export type WorkflowRoute = Route & {
  /** Set when the meeting no longer needs prep after a wait. */
  readonly stop?: StopReason;
  /**
   * Channels of this execution whose outcome could not be verified (they may have delivered); absent when none, so
   * PickChannel can ask `IsPresent` when no channel is left.
   */
  readonly unverified?: readonly Channel[];
  /** Quiet-hours waits this execution has made; absent before the first. */
  readonly quiet_waits?: number;
};

/** The next route, keeping what the execution learned on the way (unverified channels, waits made). */
export function carryForward(
  previous: WorkflowRoute,
  next: WorkflowRoute,
  learned: { readonly unverified?: Channel; readonly waited?: true } = {},
): WorkflowRoute {
  const unverified = [...(previous.unverified ?? [])];
  if (learned.unverified && !unverified.includes(learned.unverified)) unverified.push(learned.unverified);
  const waits = (previous.quiet_waits ?? 0) + (learned.waited ? 1 : 0);
  return {
    ...next,
    ...(unverified.length > 0 ? { unverified } : {}),
    ...(waits > 0 ? { quiet_waits: waits } : {}),
  };
}

/** Reads NOTIFICATION_CHANNELS (comma-separated, the stack's order) and MINIMUM_LEAD_MINUTES. */
export function routingSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RoutingSettings {
  const listed = (env['NOTIFICATION_CHANNELS'] ?? '').split(',').map((c) => c.trim());
  const channels = listed.filter((c): c is Channel => (CHANNELS as readonly string[]).includes(c));
  const minutes = Number(env['MINIMUM_LEAD_MINUTES']);
  return {
    channels: channels.length > 0 ? channels : [...CHANNELS],
    minimumLeadMs:
      Number.isFinite(minutes) && minutes >= 0 && env['MINIMUM_LEAD_MINUTES'] !== undefined
        ? minutes * 60_000
        : DEFAULT_MINIMUM_LEAD_MS,
  };
}

/**
 * The user's routing preferences, read leniently: a bad field takes its default (problems are returned for the
 * log). Channels the stack did not deploy are dropped; if none of the user's channels is deployed, the stack's
 * order is used, so the executive still hears about the meeting.
 */
export function routingPreferences(
  stored: unknown,
  settings: RoutingSettings,
): { preferences: RoutingPreferences; problems: PreferenceProblem[] } {
  const { preferences, problems } = readPreferences(stored, settings.channels);
  const deployed = preferences.channels.filter((c) => settings.channels.includes(c));
  if (deployed.length === 0) {
    problems.push({
      path: 'channels',
      message: `none of ${preferences.channels.join(', ')} is deployed; using ${settings.channels.join(', ')}`,
    });
  }
  return {
    preferences: {
      channels: deployed.length > 0 ? deployed : [...settings.channels],
      ...(preferences.quiet_hours ? { quiet_hours: preferences.quiet_hours } : {}),
      quiet_channels: preferences.quiet_channels,
    },
    problems,
  };
}

/** What routing needs of the prep the workflow carries. */
export interface RoutablePrep {
  readonly reminder: boolean;
  readonly meeting: { readonly start_time: string };
  readonly user: { readonly timezone: string; readonly has_phone?: boolean; readonly has_email?: boolean };
  readonly preferences: RoutingPreferences;
}

/** RouteNextChannel's input: the prep after a channel failed (its route names the channel that failed). */
export interface RouteNextInput {
  readonly prep: RoutablePrep & { readonly meeting_id: string; readonly route: WorkflowRoute };
}

/**
 * The next channel of `order` and whether it may go now. A channel the user cannot receive (SMS without a phone
 * number, email without an address) is never held: its task skips it at once, and the next one is routed then.
 */
export function routeFor(
  prep: RoutablePrep,
  order: readonly Channel[],
  now: Date,
  settings: RoutingSettings,
): WorkflowRoute {
  const unreachable = new Set<Channel>(unreachableChannels(prep.user));
  return routeNext({
    order,
    now,
    timeZone: prep.user.timezone,
    preferences: {
      ...prep.preferences,
      quiet_channels: prep.preferences.quiet_channels.filter((c) => !unreachable.has(c)),
    },
    reminder: prep.reminder,
    meetingStart: prep.meeting.start_time,
    minimumLeadMs: settings.minimumLeadMs,
  });
}
