/** When the local Scheduler runs a daily cron, read in the schedule's time zone the way EventBridge Scheduler does. */
import { dailyCronMinutes, nextCronRun } from '../../local/scheduler-cron';

describe('nextCronRun', () => {
  it('is the next local 07:30 in the zone, today when still ahead, else tomorrow', () => {
    expect(nextCronRun('cron(30 7 * * ? *)', 'America/New_York', new Date('2026-11-27T13:00:00Z'))).toEqual(
      new Date('2026-11-28T12:30:00Z'),
    );
    expect(nextCronRun('cron(30 7 * * ? *)', 'America/New_York', new Date('2026-11-27T12:29:59Z'))).toEqual(
      new Date('2026-11-27T12:30:00Z'),
    );
  });

  it('is strictly after the given instant', () => {
    expect(nextCronRun('cron(30 7 * * ? *)', 'UTC', new Date('2026-11-27T07:30:00Z'))).toEqual(
      new Date('2026-11-28T07:30:00Z'),
    );
  });

  it('skips a day whose time the clocks jump over (02:30 on the spring-forward night in New York)', () => {
    expect(nextCronRun('cron(30 2 * * ? *)', 'America/New_York', new Date('2027-03-13T12:00:00Z'))).toEqual(
      new Date('2027-03-15T06:30:00Z'),
    );
  });

  it('runs a time that happens twice once, at its first occurrence (01:30 on the fall-back night)', () => {
    const first = nextCronRun('cron(30 1 * * ? *)', 'America/New_York', new Date('2026-11-01T00:00:00Z'));
    expect(first).toEqual(new Date('2026-11-01T05:30:00Z'));
    expect(nextCronRun('cron(30 1 * * ? *)', 'America/New_York', first as Date)).toEqual(
      new Date('2026-11-02T06:30:00Z'),
    );
  });

  it('does not fire other expressions locally', () => {
    expect(nextCronRun('cron(0 9 ? * MON-FRI *)', 'UTC', new Date())).toBeUndefined();
    expect(nextCronRun('rate(1 hour)', 'UTC', new Date())).toBeUndefined();
    expect(dailyCronMinutes('cron(75 7 * * ? *)')).toBeUndefined();
  });
});
