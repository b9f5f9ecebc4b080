import { readPreferences } from '../../lambda/shared/preferences';
import { DEFAULT_MINIMUM_LEAD_MS, routeNext, RouteInput } from '../../lambda/workflow/route';

/** Jordan's stored preferences: SMS first, quiet 21:00-07:00 holding SMS and email. */
const { preferences } = readPreferences({ channels: ['sms', 'slack'], quiet_hours: { start: '21:00', end: '07:00' } }, [
  'slack',
  'sms',
  'email',
]);
const base: RouteInput = {
  order: preferences.channels,
  now: '2026-11-27T08:00:00Z', // 3 a.m. in New York
  timeZone: 'America/New_York',
  preferences,
  reminder: false,
  meetingStart: '2026-11-27T19:00:00Z',
  minimumLeadMs: DEFAULT_MINIMUM_LEAD_MS,
};

describe('routeNext', () => {
  test('SMS first at 3 a.m.: SMS, after a wait until 7 a.m.', () => {
    expect(routeNext(base)).toEqual({
      next: 'sms',
      remaining: ['slack'],
      skipped: [],
      hold: {
        wait: true,
        reason: 'quiet_hours',
        until: '2026-11-27T12:00:00Z',
        quiet_hours_end: '2026-11-27T12:00:00Z',
      },
    });
  });

  test('the same wait ends in a send: at 7 a.m. the route says go', () => {
    expect(routeNext({ ...base, now: '2026-11-27T12:00:00Z' })).toMatchObject({
      next: 'sms',
      hold: { wait: false, reason: 'outside_quiet_hours' },
    });
  });

  test('waking at the lead limit, still inside quiet hours: go', () => {
    const early = { ...base, meetingStart: '2026-11-27T13:00:00Z' };
    expect(routeNext(early).hold).toMatchObject({ wait: true, reason: 'lead_limit', until: '2026-11-27T11:00:00Z' });
    expect(routeNext({ ...early, now: '2026-11-27T11:00:00Z' }).hold).toEqual({
      wait: false,
      reason: 'lead_limit_reached',
    });
  });

  test('SMS failed: Slack next, which quiet hours do not hold', () => {
    expect(routeNext({ ...base, tried: ['sms'] })).toEqual({
      next: 'slack',
      remaining: [],
      skipped: [],
      hold: { wait: false, reason: 'channel_not_held' },
    });
  });

  test('no phone: SMS is skipped with its reason, Slack goes at once', () => {
    expect(routeNext({ ...base, unavailable: { sms: 'no_phone_number' } })).toMatchObject({
      next: 'slack',
      skipped: [{ channel: 'sms', reason: 'no_phone_number' }],
      hold: { wait: false },
    });
  });

  test('a reminder the user asked for goes at once, even by SMS at 3 a.m.', () => {
    expect(routeNext({ ...base, reminder: true }).hold).toEqual({ wait: false, reason: 'reminder' });
  });

  test('nothing left: next none, never a wait', () => {
    expect(routeNext({ ...base, tried: ['sms', 'slack'] })).toEqual({
      next: 'none',
      remaining: [],
      skipped: [],
      hold: { wait: false, reason: 'no_channel_left' },
    });
  });
});
