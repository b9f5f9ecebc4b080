import { routeFor, routingPreferences, routingSettingsFromEnv, type RoutablePrep } from '../../lambda/workflow/routing';
import { checkStillDue, stopReason } from '../../lambda/workflow/still-due';
import type { Meeting } from '../../lambda/shared/domain';
import type { CheckStillDueInput } from '../../lambda/workflow/task-io';

const SETTINGS = { channels: ['slack', 'sms', 'email'] as const, minimumLeadMs: 2 * 3_600_000 };

describe('routingSettingsFromEnv', () => {
  it('reads the stack order and the minimum lead', () => {
    expect(routingSettingsFromEnv({ NOTIFICATION_CHANNELS: 'email,slack', MINIMUM_LEAD_MINUTES: '90' })).toEqual({
      channels: ['email', 'slack'],
      minimumLeadMs: 90 * 60_000,
    });
  });

  it('falls back to every channel and two hours when unset or malformed', () => {
    expect(routingSettingsFromEnv({})).toEqual({ channels: ['slack', 'sms', 'email'], minimumLeadMs: 7_200_000 });
    expect(routingSettingsFromEnv({ NOTIFICATION_CHANNELS: 'pigeon', MINIMUM_LEAD_MINUTES: 'soon' })).toEqual({
      channels: ['slack', 'sms', 'email'],
      minimumLeadMs: 7_200_000,
    });
  });
});

describe('routingPreferences', () => {
  it("takes the user's order, without the channels the stack did not deploy", () => {
    const { preferences, problems } = routingPreferences(
      { channels: ['email', 'sms', 'slack'] },
      { ...SETTINGS, channels: ['slack', 'email'] },
    );

    expect(preferences.channels).toEqual(['email', 'slack']);
    expect(problems).toEqual([]);
  });

  it("uses the stack's order, and says so, when none of the user's channels is deployed", () => {
    const { preferences, problems } = routingPreferences(
      { channels: ['sms'] },
      { ...SETTINGS, channels: ['slack', 'email'] },
    );

    expect(preferences.channels).toEqual(['slack', 'email']);
    expect(problems).toEqual([expect.objectContaining({ path: 'channels' })]);
  });

  it('ignores invalid quiet hours (none) and reports them; the default quiet channels are SMS and email', () => {
    const { preferences, problems } = routingPreferences({ quiet_hours: { start: '21:00', end: '21:00' } }, SETTINGS);

    expect(preferences).toEqual({ channels: ['slack', 'sms', 'email'], quiet_channels: ['sms', 'email'] });
    expect(problems).toEqual([expect.objectContaining({ path: 'quiet_hours.end' })]);
  });
});

const PREP: RoutablePrep & { meeting_id: string } = {
  meeting_id: 'm-1',
  reminder: false,
  meeting: { start_time: '2026-11-27T19:00:00Z' },
  user: { timezone: 'America/New_York' },
  preferences: {
    channels: ['sms', 'email'],
    quiet_hours: { start: '21:00', end: '07:00' },
    quiet_channels: ['sms', 'email'],
  },
};

describe('routeFor', () => {
  it('holds SMS at 03:00 New York time until 07:00', () => {
    const route = routeFor(PREP, ['sms', 'email'], new Date('2026-11-27T08:00:00Z'), SETTINGS);

    expect(route).toMatchObject({
      next: 'sms',
      remaining: ['email'],
      hold: { wait: true, reason: 'quiet_hours', until: '2026-11-27T12:00:00Z' },
    });
  });

  it('does not hold a channel the user cannot receive: SMS without a phone number goes to its task (and is skipped) at once', () => {
    const route = routeFor(
      { ...PREP, user: { ...PREP.user, has_phone: false } },
      ['sms', 'email'],
      new Date('2026-11-27T08:00:00Z'),
      SETTINGS,
    );

    expect(route).toMatchObject({ next: 'sms', hold: { wait: false, reason: 'channel_not_held' } });
  });

  it('sends a reminder at once', () => {
    const route = routeFor({ ...PREP, reminder: true }, ['sms'], new Date('2026-11-27T08:00:00Z'), SETTINGS);

    expect(route.hold).toEqual({ wait: false, reason: 'reminder' });
  });
});

describe('checkStillDue', () => {
  const input: CheckStillDueInput = {
    prep: {
      ...PREP,
      user_id: 'U1',
      meeting: {
        meeting_id: 'm-1',
        user_id: 'U1',
        title: 'Sync',
        meeting_type: 'unknown',
        start_time: '2026-11-27T19:00:00Z',
        attendee_count: 2,
        status: 'CLASSIFIED',
      },
      user: { user_id: 'U1', timezone: 'America/New_York', has_phone: true, has_email: true },
      route: {
        next: 'sms',
        remaining: ['email'],
        skipped: [],
        hold: {
          wait: true,
          reason: 'quiet_hours',
          until: '2026-11-27T12:00:00Z',
          quiet_hours_end: '2026-11-27T12:00:00Z',
        },
      },
    },
    claim: { previous_status: 'CLASSIFIED', claimed_at: '2026-11-27T08:00:00Z' },
    execution: 'exec-1',
  };
  const stored = (overrides: Partial<Meeting> & { prep_execution?: string } = {}) => ({
    meeting_id: 'm-1',
    user_id: 'U1',
    start_time: '2026-11-27T19:00:00Z',
    status: 'PREP_SCHEDULED',
    prep_execution: 'exec-1',
    ...overrides,
  });
  const after = new Date('2026-11-27T12:00:00Z');

  it.each([
    ['gone', undefined, 'meeting_not_found'],
    ['cancelled', stored({ status: 'CANCELLED' }), 'meeting_cancelled'],
    ['moved', stored({ start_time: '2026-11-28T19:00:00Z' }), 'meeting_moved'],
    ['unchanged, still claimed by this execution', stored(), undefined],
    ['in prep', stored({ status: 'PREP_IN_PROGRESS' }), 'prep_already_started'],
    ['claimed by another execution', stored({ prep_execution: 'exec-2' }), 'prep_already_started'],
  ] as const)('a meeting %s → %s', (_what, meeting, reason) => {
    expect(stopReason(meeting, input, after)).toBe(reason);
  });

  it('a meeting whose start has passed during the wait → meeting_already_started', () => {
    expect(stopReason(stored(), input, new Date('2026-11-27T19:00:00Z'))).toBe('meeting_already_started');
  });

  it('routes the held channel again: it goes now', async () => {
    const release = jest.fn(async () => true);

    const route = await checkStillDue(input, {
      meetings: { get: async () => stored() },
      release,
      now: () => after,
      settings: SETTINGS,
    });

    expect(route).toMatchObject({
      next: 'sms',
      remaining: ['email'],
      hold: { wait: false, reason: 'outside_quiet_hours' },
    });
    expect(route.stop).toBeUndefined();
    expect(release).not.toHaveBeenCalled();
  });

  it('gives a moved meeting its claim back, and only a moved one', async () => {
    const release = jest.fn(async () => true);
    const deps = { release, now: () => after, settings: SETTINGS };

    const moved = await checkStillDue(input, {
      ...deps,
      meetings: { get: async () => stored({ start_time: '2026-11-28T19:00:00Z' }) },
    });
    const cancelled = await checkStillDue(input, {
      ...deps,
      meetings: { get: async () => stored({ status: 'CANCELLED' }) },
    });

    expect(moved.stop).toBe('meeting_moved');
    expect(cancelled.stop).toBe('meeting_cancelled');
    expect(release).toHaveBeenCalledTimes(1);
  });
});
