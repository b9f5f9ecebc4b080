import { CLOCK_OFFSET_ENV, now } from '../../lambda/shared/time';
import { advanceLocalClock, parseClockStart, resetLocalClock, setLocalClock } from '../../local/clock';
import { UsageError, parseCommandLine, serveOptions } from '../../local/cli/options';

afterEach(() => resetLocalClock());

describe('parseClockStart', () => {
  it.each([
    ['2026-11-27T03:00', '2026-11-27T08:00:00.000Z'],
    ['2026-07-01T03:00', '2026-07-01T07:00:00.000Z'],
    // The hour the clocks turn back happens twice: the first (EDT) is meant.
    ['2026-11-01T01:30', '2026-11-01T05:30:00.000Z'],
    ['2026-11-27T08:00Z', '2026-11-27T08:00:00.000Z'],
    ['2026-11-27T03:00:00-05:00', '2026-11-27T08:00:00.000Z'],
  ])('%s (New York) is %s', (value, iso) => {
    expect(parseClockStart(value, 'America/New_York').toISOString()).toBe(iso);
  });

  it.each(['03:00', 'tomorrow', '2026-11-27'])('refuses %s', (value) => {
    expect(() => parseClockStart(value, 'America/New_York')).toThrow(/--now must be a date and time/);
  });
});

describe('the local clock', () => {
  it('shifts now() from the moment it is set, and moves on by what a Wait state skipped', () => {
    setLocalClock(new Date('2026-11-27T08:00:00Z'));
    const start = now().getTime();
    advanceLocalClock(4 * 3_600_000);

    expect(Math.abs(start - Date.parse('2026-11-27T08:00:00Z'))).toBeLessThan(60_000);
    expect(now().getTime() - start).toBeGreaterThanOrEqual(4 * 3_600_000);
  });

  it('is real time when unset', () => {
    resetLocalClock();

    expect(process.env[CLOCK_OFFSET_ENV]).toBeUndefined();
    expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(1000);
  });
});

describe('npm start --now', () => {
  it("reads a wall-clock time in the demo executive's zone", () => {
    expect(serveOptions(parseCommandLine(['--now', '2026-11-27T03:00']).values).now?.toISOString()).toBe(
      '2026-11-27T08:00:00.000Z',
    );
  });

  it('is a usage error when it is not a time', () => {
    expect(() => serveOptions(parseCommandLine(['--now', 'midnight']).values)).toThrow(UsageError);
  });
});
