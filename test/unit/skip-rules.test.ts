import type { Meeting, User } from '../../lambda/shared/domain';
import { skipReason } from '../../lambda/workflow/skip-rules';
import { storedMeeting, storedUser } from './fixture';

/** When the EventBridge event arrives: a day before the meeting (fixtures README). */
const NOW = new Date('2026-11-26T14:00:00Z');

const meeting = (overrides: Partial<Meeting> = {}): Meeting => ({ ...storedMeeting, ...overrides });
const optedOut: User = { ...storedUser, notification_preferences: { prep_reminders: false } };

describe('skipReason for a first notification', () => {
  it.each(['DISCOVERED', 'CLASSIFIED'])('notifies a meeting in %s', (status) => {
    const reason = skipReason(meeting({ status }), storedUser, false, NOW);

    expect(reason).toBeUndefined();
  });

  it('notifies a user without notification preferences', () => {
    const { notification_preferences: _omitted, ...userWithoutPreferences } = storedUser;

    const reason = skipReason(meeting(), userWithoutPreferences, false, NOW);

    expect(reason).toBeUndefined();
  });

  it('skips a cancelled meeting', () => {
    expect(skipReason(meeting({ status: 'CANCELLED' }), storedUser, false, NOW)).toBe('meeting_cancelled');
  });

  it.each([
    ['starting right now', '2026-11-26T14:00:00Z'],
    ['already under way', '2026-11-26T13:30:00Z'],
    ['long over', '2026-10-01T09:00:00Z'],
  ])('skips a meeting %s', (_when, start_time) => {
    expect(skipReason(meeting({ start_time }), storedUser, false, NOW)).toBe('meeting_already_started');
  });

  it('still notifies a meeting that starts one second from now', () => {
    expect(skipReason(meeting({ start_time: '2026-11-26T14:00:01Z' }), storedUser, false, NOW)).toBeUndefined();
  });

  it.each(['TBD', '', '2026-13-45T99:00:00Z'])('skips a meeting whose start_time %j is not a date', (start_time) => {
    expect(skipReason(meeting({ start_time }), storedUser, false, NOW)).toBe('invalid_start_time');
  });

  // Fails today: Date.parse is lenient (V8 reads "next Friday at 9" as 2001-09-01, and a time without a zone as
  // the runtime's local time), so these are judged on a guessed instant instead of being reported as invalid.
  it.each(['next Friday at 9', 'Friday 27 November 2026 9:00', '2026-11-27T09:00:00'])(
    'skips a meeting whose start_time %j is not ISO 8601 with a zone',
    (start_time) => {
      expect(skipReason(meeting({ start_time }), storedUser, false, NOW)).toBe('invalid_start_time');
    },
  );

  it.each(['PREP_SCHEDULED', 'PREP_IN_PROGRESS', 'PREP_COMPLETED', 'COMPLETED', undefined])(
    'skips a meeting in status %s as a duplicate or stale event',
    (status) => {
      expect(skipReason(meeting({ status }), storedUser, false, NOW)).toBe('not_awaiting_prep');
    },
  );

  it('skips a user who opted out of prep reminders', () => {
    expect(skipReason(meeting(), optedOut, false, NOW)).toBe('user_opted_out');
  });
});

describe('skipReason for a reminder the user asked for', () => {
  it.each(['PREP_SCHEDULED', 'CLASSIFIED'])('reminds about a meeting in %s', (status) => {
    expect(skipReason(meeting({ status }), storedUser, true, NOW)).toBeUndefined();
  });

  it.each(['PREP_IN_PROGRESS', 'PREP_COMPLETED', 'COMPLETED'])('stops quietly once prep has started (%s)', (status) => {
    expect(skipReason(meeting({ status }), storedUser, true, NOW)).toBe('prep_already_started');
  });

  it('reminds a user who opted out of prep reminders: they asked for this one', () => {
    expect(skipReason(meeting({ status: 'PREP_SCHEDULED' }), optedOut, true, NOW)).toBeUndefined();
  });

  it('skips a meeting cancelled since the reminder was requested', () => {
    expect(skipReason(meeting({ status: 'CANCELLED' }), storedUser, true, NOW)).toBe('meeting_cancelled');
  });

  it('skips a meeting that began before the reminder fired', () => {
    const reason = skipReason(
      meeting({ status: 'PREP_SCHEDULED', start_time: '2026-11-26T13:00:00Z' }),
      storedUser,
      true,
      NOW,
    );

    expect(reason).toBe('meeting_already_started');
  });
});
