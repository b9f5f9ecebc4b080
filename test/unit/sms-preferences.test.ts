import { withSmsReminders } from '../../lambda/actions/sms-preferences';
import { CHANNELS } from '../../lambda/shared/domain';
import { Preferences, defaultPreferences } from '../../lambda/shared/preferences';

const prefs = (overrides: Partial<Preferences> = {}): Preferences => ({
  ...defaultPreferences(CHANNELS),
  ...overrides,
});

describe('STOP and START in the preferences', () => {
  it('STOP takes SMS out of the channels and leaves the rest as they were', () => {
    const before = prefs({ quiet_hours: { start: '21:00', end: '07:00' } });

    expect(withSmsReminders(before, false)).toEqual({ ...before, channels: ['slack', 'email'] });
  });

  it('STOP turns prep reminders off when SMS was the only channel (the list may not be empty)', () => {
    expect(withSmsReminders(prefs({ channels: ['sms'] }), false)).toMatchObject({
      channels: ['sms'],
      prep_reminders: false,
    });
  });

  it('STOP changes nothing when SMS is already off', () => {
    const before = prefs({ channels: ['slack', 'email'] });

    expect(withSmsReminders(before, false)).toBe(before);
  });

  it("START puts SMS back where the stack's order has it, and prep reminders on", () => {
    expect(withSmsReminders(prefs({ channels: ['email', 'slack'] }), true)).toMatchObject({
      channels: ['email', 'slack', 'sms'],
    });
    expect(withSmsReminders(prefs({ channels: ['slack', 'email'] }), true)).toMatchObject({
      channels: ['slack', 'sms', 'email'],
    });
    expect(withSmsReminders(prefs({ channels: ['sms'], prep_reminders: false }), true)).toMatchObject({
      channels: ['sms'],
      prep_reminders: true,
    });
  });

  it('START changes nothing when SMS reminders are on', () => {
    const before = prefs();

    expect(withSmsReminders(before, true)).toBe(before);
  });
});
