import type { Channel } from '../../lambda/shared/domain';
import {
  defaultPreferences,
  formatProblems,
  readPreferences,
  toStoredPreferences,
  receivesOn,
  validatePreferences,
  withoutChannel,
} from '../../lambda/shared/preferences';

const STACK_ORDER: Channel[] = ['slack', 'sms', 'email'];
const DESIGN_EXAMPLE = {
  prep_reminders: true,
  channels: ['slack', 'sms', 'email'],
  quiet_hours: { start: '21:00', end: '07:00' },
  quiet_channels: ['sms', 'email'],
  digest: { enabled: false, time: '07:30' },
};

describe('readPreferences (the workflow: lenient)', () => {
  test('absent or NULL preferences take every default, with the stack order', () => {
    for (const stored of [undefined, null, {}]) {
      expect(readPreferences(stored, ['email', 'slack'])).toEqual({
        preferences: {
          prep_reminders: true,
          channels: ['email', 'slack'],
          quiet_channels: ['sms', 'email'],
          digest: { enabled: false, time: '07:30' },
        },
        problems: [],
      });
    }
  });

  test('the documented example reads as written', () => {
    expect(readPreferences(DESIGN_EXAMPLE, STACK_ORDER)).toEqual({ preferences: DESIGN_EXAMPLE, problems: [] });
  });

  test("the user's own order and a subset of channels are kept", () => {
    expect(readPreferences({ channels: ['sms', 'slack'] }, STACK_ORDER).preferences.channels).toEqual(['sms', 'slack']);
    expect(readPreferences({ channels: ['email'] }, STACK_ORDER).preferences.channels).toEqual(['email']);
  });

  test('a bad field falls back to its default, the good ones stay, and each mistake is one clear message', () => {
    const { preferences, problems } = readPreferences(
      {
        prep_reminders: 'false',
        channels: ['slack', 'fax'],
        quiet_hours: { start: '21:00', end: '21:00' },
        digest: { enabled: true },
      },
      STACK_ORDER,
    );
    expect(preferences).toEqual({ ...defaultPreferences(STACK_ORDER), digest: { enabled: true, time: '07:30' } });
    expect(problems).toEqual([
      { path: 'prep_reminders', message: 'must be true or false, not "false"' },
      { path: 'channels[1]', message: '"fax" is not a channel (slack, sms, email)' },
      { path: 'quiet_hours.end', message: 'must differ from the start (21:00): equal times leave no quiet hours' },
    ]);
  });

  test('repeated and empty channel lists', () => {
    expect(readPreferences({ channels: ['sms', 'sms'] }, STACK_ORDER).problems).toEqual([
      { path: 'channels[1]', message: '"sms" is listed twice' },
    ]);
    expect(readPreferences({ channels: [] }, STACK_ORDER).problems).toEqual([
      { path: 'channels', message: 'must name at least one channel' },
    ]);
    expect(readPreferences({ channels: 'sms' }, STACK_ORDER).problems[0]?.message).toMatch(
      /must be a list of channels.*not string/,
    );
    expect(readPreferences({ quiet_channels: [] }, STACK_ORDER)).toMatchObject({
      preferences: { quiet_channels: [] },
      problems: [],
    });
  });

  test('times: HH:MM 24-hour only', () => {
    const { problems } = readPreferences(
      { quiet_hours: { start: '9:00 PM', end: 7 }, digest: { time: '24:00' } },
      STACK_ORDER,
    );
    expect(formatProblems(problems)).toBe(
      [
        'quiet_hours.start: must be a 24-hour time "HH:MM" (00:00-23:59), not "9:00 PM"',
        'quiet_hours.end: must be a time "HH:MM", not number',
        'digest.time: must be a 24-hour time "HH:MM" (00:00-23:59), not "24:00"',
      ].join('\n'),
    );
  });

  test('one bad time in quiet hours is one problem, never a throw', () => {
    expect(readPreferences({ quiet_hours: { start: '25:00', end: '07:00' } }, STACK_ORDER)).toEqual({
      preferences: defaultPreferences(STACK_ORDER),
      problems: [{ path: 'quiet_hours.start', message: 'must be a 24-hour time "HH:MM" (00:00-23:59), not "25:00"' }],
    });
  });

  test('quiet hours entered the wrong way round (09:00 → 08:00, 23 hours) are refused', () => {
    const { preferences, problems } = readPreferences({ quiet_hours: { start: '09:00', end: '08:00' } }, STACK_ORDER);
    expect(preferences.quiet_hours).toBeUndefined();
    expect(problems).toEqual([
      {
        path: 'quiet_hours.end',
        message: '09:00 to 08:00 would be 23 hours of quiet (at most 18); are the times the wrong way round?',
      },
    ]);
    expect(readPreferences({ quiet_hours: { start: '18:00', end: '12:00' } }, STACK_ORDER).problems).toEqual([]);
  });

  test('not an object at all, or unknown keys: defaults and a problem, never a throw', () => {
    expect(readPreferences('yes', STACK_ORDER)).toEqual({
      preferences: defaultPreferences(STACK_ORDER),
      problems: [{ path: 'notification_preferences', message: 'must be an object, not string' }],
    });
    expect(readPreferences([], STACK_ORDER).problems[0]?.message).toBe('must be an object, not a list');
    const typo = readPreferences(
      { quiet_hour: { start: '21:00', end: '07:00' }, quiet_hours: { start: '22:00', end: '06:00', tz: 'UTC' } },
      STACK_ORDER,
    );
    expect(typo.problems).toEqual([
      {
        path: 'quiet_hour',
        message: 'unknown setting (known: prep_reminders, channels, quiet_hours, quiet_channels, digest)',
      },
      { path: 'quiet_hours', message: 'unknown setting "tz"' },
    ]);
  });
});

describe('validatePreferences (the modal: strict)', () => {
  test('all or nothing', () => {
    expect(validatePreferences(DESIGN_EXAMPLE, STACK_ORDER)).toEqual({ ok: true, preferences: DESIGN_EXAMPLE });
    expect(validatePreferences({ ...DESIGN_EXAMPLE, extra: 1 }, STACK_ORDER)).toEqual({
      ok: false,
      problems: [{ path: 'extra', message: expect.stringContaining('unknown setting') }],
    });
  });

  test('toStoredPreferences writes every key and reads back the same', () => {
    const prefs = { ...defaultPreferences(['sms', 'email']), quiet_hours: { start: '22:00', end: '06:00' } };
    const stored = toStoredPreferences(prefs);
    expect(stored).toEqual({ ...prefs });
    expect(validatePreferences(stored, STACK_ORDER)).toEqual({ ok: true, preferences: prefs });
    expect('quiet_hours' in toStoredPreferences(defaultPreferences(STACK_ORDER))).toBe(false);
  });
});

describe('withoutChannel (an email unsubscribe, an SMS STOP)', () => {
  const base = defaultPreferences(['slack', 'sms', 'email']);

  it('removes the channel and keeps the rest in order', () => {
    expect(withoutChannel(base, 'email')).toEqual({ ...base, channels: ['slack', 'sms'] });
  });

  it('turns prep reminders off instead when it was the only channel', () => {
    expect(withoutChannel({ ...base, channels: ['email'] }, 'email')).toEqual({
      ...base,
      channels: ['email'],
      prep_reminders: false,
    });
  });

  it('tells whether reminders reach a channel', () => {
    expect(receivesOn(base, 'email')).toBe(true);
    expect(receivesOn(withoutChannel(base, 'email'), 'email')).toBe(false);
    expect(receivesOn({ ...base, prep_reminders: false }, 'slack')).toBe(false);
  });
});
