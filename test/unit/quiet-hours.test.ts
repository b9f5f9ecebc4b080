import { decideHold, HoldInput, isInQuietHours, quietHoursEnd } from '../../lambda/workflow/quiet-hours';
import { localDateTime } from '../../lambda/shared/zoned-time';

const TWO_HOURS = 2 * 3_600_000;
const night = { start: '21:00', end: '07:00' };

/** Jordan in New York, an SMS about the 2 p.m. meeting, quiet 21:00-07:00, a 2-hour minimum lead. */
function hold(overrides: Partial<HoldInput>): ReturnType<typeof decideHold> {
  return decideHold({
    now: '2026-11-27T08:00:00Z',
    timeZone: 'America/New_York',
    quietHours: night,
    quietChannels: ['sms', 'email'],
    channel: 'sms',
    reminder: false,
    meetingStart: '2026-11-27T19:00:00Z',
    minimumLeadMs: TWO_HOURS,
    ...overrides,
  });
}

describe('decideHold: send now or wait', () => {
  test('3 a.m. in New York: the SMS waits until 7 a.m. local', () => {
    expect(hold({})).toEqual({
      wait: true,
      reason: 'quiet_hours',
      until: '2026-11-27T12:00:00Z',
      quiet_hours_end: '2026-11-27T12:00:00Z',
    });
  });

  test('quiet hours end after the lead limit: wait only until the latest useful moment (start - lead)', () => {
    // 8 a.m. meeting: 7 a.m. is later than 6 a.m. (8 a.m. - 2 h).
    expect(hold({ meetingStart: '2026-11-27T13:00:00Z' })).toEqual({
      wait: true,
      reason: 'lead_limit',
      until: '2026-11-27T11:00:00Z',
      quiet_hours_end: '2026-11-27T12:00:00Z',
    });
  });

  test('quiet hours end exactly at the lead limit: that is still in time', () => {
    expect(hold({ meetingStart: '2026-11-27T14:00:00Z' })).toMatchObject({
      wait: true,
      reason: 'quiet_hours',
      until: '2026-11-27T12:00:00Z',
    });
  });

  test('the latest useful moment has passed already: send now', () => {
    expect(hold({ meetingStart: '2026-11-27T09:30:00Z' })).toEqual({ wait: false, reason: 'lead_limit_reached' });
    expect(hold({ meetingStart: '2026-11-27T10:00:00Z' })).toEqual({ wait: false, reason: 'lead_limit_reached' });
  });

  test('a reminder the user asked for is never held back', () => {
    expect(hold({ reminder: true })).toEqual({ wait: false, reason: 'reminder' });
  });

  test("Slack is not held by default (it follows the user's own Slack schedule); a channel in quiet_channels is", () => {
    expect(hold({ channel: 'slack' })).toEqual({ wait: false, reason: 'channel_not_held' });
    expect(hold({ channel: 'email' })).toMatchObject({ wait: true });
    expect(hold({ channel: 'slack', quietChannels: ['slack'] })).toMatchObject({ wait: true });
  });

  test('no quiet hours: send', () => {
    expect(hold({ quietHours: undefined })).toEqual({ wait: false, reason: 'no_quiet_hours' });
  });

  test('the window is [start, end): 20:59 and 07:00 are outside, 21:00 and 06:59:59 inside', () => {
    expect(hold({ now: '2026-11-27T01:59:00Z' })).toEqual({ wait: false, reason: 'outside_quiet_hours' });
    expect(hold({ now: '2026-11-27T02:00:00Z' })).toMatchObject({ wait: true, until: '2026-11-27T12:00:00Z' });
    expect(hold({ now: '2026-11-27T11:59:59Z' })).toMatchObject({ wait: true, until: '2026-11-27T12:00:00Z' });
    expect(hold({ now: '2026-11-27T12:00:00Z' })).toEqual({ wait: false, reason: 'outside_quiet_hours' });
  });

  test('crossing midnight: at 10 p.m. the wait runs to 7 a.m. the next local day', () => {
    expect(hold({ now: '2026-11-27T03:00:00Z', meetingStart: '2026-11-28T19:00:00Z' })).toMatchObject({
      wait: true,
      until: '2026-11-27T12:00:00Z',
    });
    expect(hold({ now: '2026-11-26T03:00:00Z' })).toMatchObject({ wait: true, until: '2026-11-26T12:00:00Z' });
  });

  test('a window within one day (13:00-15:00)', () => {
    const lunch = { start: '13:00', end: '15:00' };
    expect(
      hold({ quietHours: lunch, now: '2026-11-27T19:00:00Z', meetingStart: '2026-11-28T19:00:00Z' }),
    ).toMatchObject({
      wait: true,
      until: '2026-11-27T20:00:00Z',
    });
    expect(hold({ quietHours: lunch, now: '2026-11-27T17:00:00Z' })).toEqual({
      wait: false,
      reason: 'outside_quiet_hours',
    });
  });

  test('the answer is in whole seconds, rounded so it never wakes early nor past the lead limit', () => {
    expect(hold({ now: '2026-11-27T08:00:00.250Z', meetingStart: '2026-11-27T13:00:00.900Z' })).toMatchObject({
      until: '2026-11-27T11:00:00Z',
    });
  });

  test('invalid instants and zones are RangeErrors', () => {
    expect(() => hold({ now: 'tomorrow' })).toThrow(RangeError);
    expect(() => hold({ meetingStart: 'soon' })).toThrow(/meetingStart/);
    expect(() => hold({ timeZone: 'Nowhere/Land' })).toThrow(RangeError);
  });
});

describe('daylight-saving weekends', () => {
  const ny = 'America/New_York';
  const london = 'Europe/London';
  const endAfter = (now: string, tz: string, q: { start: string; end: string }): string =>
    new Date(quietHoursEnd(Date.parse(now), tz, q)).toISOString();

  test('New York spring-forward night: 7 a.m. EDT comes an hour sooner in UTC', () => {
    // Saturday 2026-03-07 23:00 EST → Sunday 07:00 EDT (11:00Z, not 12:00Z).
    expect(hold({ now: '2026-03-08T04:00:00Z', meetingStart: '2026-03-09T14:00:00Z' })).toMatchObject({
      wait: true,
      until: '2026-03-08T11:00:00Z',
    });
  });

  test('New York spring-forward: an end time the clocks skip (02:30) ends at the jump (03:00 EDT)', () => {
    expect(endAfter('2026-03-08T06:45:00Z', ny, { start: '01:00', end: '02:30' })).toBe('2026-03-08T07:00:00.000Z');
  });

  test('New York fall-back night: 7 a.m. EST is an hour later in UTC', () => {
    expect(hold({ now: '2026-11-01T02:00:00Z', meetingStart: '2026-11-02T14:00:00Z' })).toMatchObject({
      wait: true,
      until: '2026-11-01T12:00:00Z',
    });
  });

  test('New York fall-back: an end time that happens twice (01:30) ends at its first occurrence', () => {
    const q = { start: '22:00', end: '01:30' };
    expect(endAfter('2026-11-01T04:00:00Z', ny, q)).toBe('2026-11-01T05:30:00.000Z');
    // During the repeated hour (01:10 EST, the second pass) the clock is inside the window again: the next 01:30.
    expect(isInQuietHours(Date.parse('2026-11-01T06:10:00Z'), ny, q)).toBe(true);
    expect(endAfter('2026-11-01T06:10:00Z', ny, q)).toBe('2026-11-01T06:30:00.000Z');
  });

  test('Santiago falls back at midnight: quiet hours entered at 23:40 hold through the repeated 23:00-23:30', () => {
    // 2026-04-05 00:00 -03 becomes 2026-04-04 23:00 -04; the wall clock leaves 23:30-02:15 for half an hour.
    const q = { start: '23:30', end: '02:15' };
    expect(
      hold({
        timeZone: 'America/Santiago',
        quietHours: q,
        now: '2026-04-05T02:40:00Z',
        meetingStart: '2026-04-06T15:00:00Z',
      }),
    ).toMatchObject({
      wait: true,
      until: '2026-04-05T06:15:00Z',
    });
    expect(isInQuietHours(Date.parse('2026-04-05T03:10:00Z'), 'America/Santiago', q)).toBe(false);
  });

  test('London spring-forward (01:00 GMT → 02:00 BST): a skipped 01:30 ends at the jump', () => {
    expect(endAfter('2026-03-29T00:30:00Z', london, { start: '23:00', end: '01:30' })).toBe('2026-03-29T01:00:00.000Z');
    // 07:00 BST the same morning is 06:00Z.
    expect(endAfter('2026-03-29T00:30:00Z', london, night)).toBe('2026-03-29T06:00:00.000Z');
  });

  test('London fall-back (02:00 BST → 01:00 GMT): 01:30 happens twice, the first one ends quiet hours', () => {
    expect(endAfter('2026-10-24T23:30:00Z', london, { start: '23:00', end: '01:30' })).toBe('2026-10-25T00:30:00.000Z');
    expect(endAfter('2026-10-24T23:30:00Z', london, night)).toBe('2026-10-25T07:00:00.000Z');
  });
});

describe('zones with odd offsets', () => {
  test('Asia/Kolkata (+05:30): 23:30 IST waits until 06:30 IST', () => {
    expect(
      hold({
        timeZone: 'Asia/Kolkata',
        quietHours: { start: '22:00', end: '06:30' },
        now: '2026-11-26T18:00:00Z',
        meetingStart: '2026-11-27T08:00:00Z',
      }),
    ).toMatchObject({ wait: true, reason: 'quiet_hours', until: '2026-11-27T01:00:00Z' });
  });

  test('Pacific/Chatham (+13:45 in summer): 23:45 waits until 07:00 local', () => {
    expect(
      hold({ timeZone: 'Pacific/Chatham', now: '2026-11-26T10:00:00Z', meetingStart: '2026-11-27T02:00:00Z' }),
    ).toMatchObject({
      wait: true,
      until: '2026-11-26T17:15:00Z',
    });
  });

  test('Pacific/Chatham (+12:45 in winter) and its spring-forward at 02:45', () => {
    expect(
      hold({ timeZone: 'Pacific/Chatham', now: '2026-06-26T10:00:00Z', meetingStart: '2026-06-27T02:00:00Z' }),
    ).toMatchObject({
      until: '2026-06-26T18:15:00Z',
    });
    expect(
      new Date(
        quietHoursEnd(Date.parse('2026-09-26T13:00:00Z'), 'Pacific/Chatham', { start: '01:00', end: '03:00' }),
      ).toISOString(),
    ).toBe('2026-09-26T14:00:00.000Z');
  });
});

describe('invariants around every 2026 clock change', () => {
  const zones = ['America/New_York', 'Europe/London', 'Pacific/Chatham', 'Australia/Lord_Howe', 'America/Santiago'];
  const windows = [night, { start: '01:00', end: '02:30' }, { start: '23:30', end: '02:15' }];
  const HOUR = 3_600_000;

  /** The wall clock at `t` as a comparable number. */
  const wall = (t: number, zone: string): number => {
    const l = localDateTime(t, zone);
    return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute);
  };

  /** Instants near each 2026 change of the zone's offset (within 3 hours). */
  function transitions(zone: string): number[] {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    const offset = (t: number): string | undefined =>
      format.formatToParts(t).find((p) => p.type === 'timeZoneName')?.value;
    const found: number[] = [];
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 6 * HOUR) {
      if (offset(t) !== offset(t + 6 * HOUR)) found.push(t + 3 * HOUR);
    }
    return found;
  }

  test.each(zones)('%s: a wait ends outside quiet hours, and every moment before it is quiet', (zone) => {
    const failures: string[] = [];
    const changes = transitions(zone);
    expect(changes).toHaveLength(2);
    for (const change of changes) {
      for (let now = change - 30 * HOUR; now <= change + 30 * HOUR; now += 10 * 60_000) {
        for (const q of windows) {
          const decision = decideHold({
            now: new Date(now),
            timeZone: zone,
            quietHours: q,
            quietChannels: ['sms'],
            channel: 'sms',
            reminder: false,
            meetingStart: new Date(now + 10 * 24 * HOUR).toISOString(),
            minimumLeadMs: HOUR,
          });
          const inQuiet = isInQuietHours(now, zone, q);
          if (decision.wait !== inQuiet)
            failures.push(
              `${new Date(now).toISOString()} ${q.start}-${q.end}: wait=${decision.wait} but inQuiet=${inQuiet}`,
            );
          if (!decision.wait) continue;
          const until = Date.parse(decision.until);
          if (!(until > now && until - now <= 24 * HOUR))
            failures.push(`${new Date(now).toISOString()}: until ${decision.until}`);
          if (isInQuietHours(until, zone, q))
            failures.push(`${new Date(now).toISOString()} ${q.start}-${q.end}: still quiet at ${decision.until}`);
          // Sampled every 15 minutes and the minute before the wake-up. Quiet hours, once entered, last until the clock reads
          // the end: a fall-back that briefly turns the clock back before the start (Chile at midnight) does not
          // end them, so moments whose wall clock went backwards are not judged.
          const samples = [
            ...Array.from({ length: Math.ceil((until - now) / (15 * 60_000)) }, (_, i) => now + i * 15 * 60_000),
            until - 60_000,
          ];
          let latestWall = wall(now, zone);
          for (const t of samples.filter((x) => x >= now)) {
            const w = wall(t, zone);
            if (w < latestWall) continue;
            latestWall = w;
            if (!isInQuietHours(t, zone, q)) {
              failures.push(
                `${new Date(now).toISOString()} ${q.start}-${q.end}: woke late, not quiet at ${new Date(t).toISOString()} < ${decision.until}`,
              );
              break;
            }
          }
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
