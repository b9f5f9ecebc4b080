/** Local times in messages: the formatters are kept per style and zone, and never mix zones up. */
import { isValidTimeZone } from '../../lambda/shared/domain';
import { formatLocalDateTime, formatLocalTime } from '../../lambda/shared/time';

describe('formatLocalDateTime / formatLocalTime', () => {
  const at = '2026-11-27T14:00:00Z';

  it('formats in each zone asked, interleaved, with the right style', () => {
    expect(formatLocalDateTime(at, 'America/New_York')).toBe('Fri, Nov 27, 9:00 AM EST');
    expect(formatLocalDateTime(at, 'Europe/Paris')).toBe('Fri, Nov 27, 3:00 PM GMT+1');
    expect(formatLocalTime(at, 'America/New_York')).toBe('9:00 AM EST');
    expect(formatLocalDateTime(at, 'America/New_York')).toBe('Fri, Nov 27, 9:00 AM EST');
    expect(formatLocalTime(at, 'Asia/Tokyo')).toBe('11:00 PM GMT+9');
  });

  it('stays right after many zones have been used (the cache is bounded, not wrong)', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    for (const zone of zones) formatLocalTime(at, zone);

    expect(zones.length).toBeGreaterThan(400);
    expect(formatLocalDateTime(at, 'America/Los_Angeles')).toBe('Fri, Nov 27, 6:00 AM PST');
  });
});

describe('isValidTimeZone', () => {
  it('answers the same the second time, for valid and invalid zones', () => {
    for (let i = 0; i < 2; i++) {
      expect(isValidTimeZone('America/New_York')).toBe(true);
      expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
      expect(isValidTimeZone('')).toBe(false);
    }
  });
});
