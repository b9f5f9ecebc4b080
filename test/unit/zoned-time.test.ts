import {
  addDays,
  firstInstantAtOrAfterWallTime,
  formatLocalDate,
  hhMmToMinutes,
  instantsOfWallTime,
  isHhMm,
  localDateTime,
  offsetAt,
  toUtcSeconds,
} from '../../lambda/shared/zoned-time';

const iso = (ms: number): string => new Date(ms).toISOString();
const at = (s: string): number => Date.parse(s);

describe('zoned time', () => {
  test('reads the wall clock of any zone, 24-hour', () => {
    expect(localDateTime(at('2026-11-27T04:30:00Z'), 'America/New_York')).toEqual({
      year: 2026,
      month: 11,
      day: 26,
      hour: 23,
      minute: 30,
      second: 0,
    });
    expect(localDateTime(at('2026-11-26T18:30:00Z'), 'Asia/Kolkata')).toMatchObject({ day: 27, hour: 0, minute: 0 });
    expect(localDateTime(at('2026-11-26T10:15:00Z'), 'Pacific/Chatham')).toMatchObject({ day: 27, hour: 0, minute: 0 });
  });

  test('offsets: New York winter and summer, Kolkata +05:30, Chatham +13:45 (summer) and +12:45 (winter)', () => {
    expect(offsetAt(at('2026-01-15T12:00:00Z'), 'America/New_York') / 60_000).toBe(-300);
    expect(offsetAt(at('2026-07-15T12:00:00Z'), 'America/New_York') / 60_000).toBe(-240);
    expect(offsetAt(at('2026-07-15T12:00:00Z'), 'Asia/Kolkata') / 60_000).toBe(330);
    expect(offsetAt(at('2026-12-15T12:00:00Z'), 'Pacific/Chatham') / 60_000).toBe(825);
    expect(offsetAt(at('2026-06-15T12:00:00Z'), 'Pacific/Chatham') / 60_000).toBe(765);
  });

  test('an ordinary local time is one instant', () => {
    expect(instantsOfWallTime({ year: 2026, month: 11, day: 27 }, 7 * 60, 'America/New_York').map(iso)).toEqual([
      '2026-11-27T12:00:00.000Z',
    ]);
  });

  test('fall-back: the repeated time is two instants, earliest first (New York, London, Chatham)', () => {
    expect(instantsOfWallTime({ year: 2026, month: 11, day: 1 }, 90, 'America/New_York').map(iso)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:30:00.000Z',
    ]);
    expect(instantsOfWallTime({ year: 2026, month: 10, day: 25 }, 90, 'Europe/London').map(iso)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
    expect(instantsOfWallTime({ year: 2026, month: 4, day: 5 }, 3 * 60 + 30, 'Pacific/Chatham')).toHaveLength(2);
  });

  test('spring-forward: a skipped time is no instant, and the first valid instant after it is the jump', () => {
    const ny = { year: 2026, month: 3, day: 8 };
    expect(instantsOfWallTime(ny, 150, 'America/New_York')).toEqual([]);
    expect(iso(firstInstantAtOrAfterWallTime(ny, 150, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    const london = { year: 2026, month: 3, day: 29 };
    expect(iso(firstInstantAtOrAfterWallTime(london, 90, 'Europe/London'))).toBe('2026-03-29T01:00:00.000Z');
    // Chatham jumps from 02:45 to 03:45 (+12:45 → +13:45).
    expect(iso(firstInstantAtOrAfterWallTime({ year: 2026, month: 9, day: 27 }, 3 * 60, 'Pacific/Chatham'))).toBe(
      '2026-09-26T14:00:00.000Z',
    );
  });

  test('HH:MM parsing, dates and UTC seconds', () => {
    expect(isHhMm('07:30')).toBe(true);
    expect(['7:30', '24:00', '07:60', '07:30:00', ''].filter(isHhMm)).toEqual([]);
    expect(hhMmToMinutes('23:59')).toBe(1439);
    expect(() => hhMmToMinutes('25:00')).toThrow(RangeError);
    expect(formatLocalDate(addDays({ year: 2026, month: 12, day: 31 }, 1))).toBe('2027-01-01');
    expect(toUtcSeconds(at('2026-11-27T12:00:00.999Z'))).toBe('2026-11-27T12:00:00Z');
  });

  test('an unknown zone is a RangeError', () => {
    expect(() => localDateTime(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
