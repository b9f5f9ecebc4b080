/**
 * What Twilio's opt-out and opt-in keywords change in the user's preferences. STOP (and its family) turns off prep
 * reminders by SMS: SMS leaves the channel list; when it was the only channel, prep reminders are turned off, since
 * the list may not be empty. START (and its family) turns them back on: SMS returns to the list where the stack's
 * order puts it, and prep reminders are on. Pure.
 */
import { CHANNELS, Channel } from '../shared/domain';
import { Preferences, withoutChannel } from '../shared/preferences';

/** The preferences after an opt-out (`optIn` false) or opt-in (`optIn` true); the same object when nothing changes. */
export function withSmsReminders(preferences: Preferences, optIn: boolean): Preferences {
  const has = preferences.channels.includes('sms');
  if (!optIn)
    return has && (preferences.channels.length > 1 || preferences.prep_reminders)
      ? withoutChannel(preferences, 'sms')
      : preferences;
  if (has && preferences.prep_reminders) return preferences;
  const order = (c: Channel) => CHANNELS.indexOf(c);
  const channels = [...preferences.channels];
  if (!has) {
    // Right after the last channel the stack's order puts before SMS (Slack, by default), the user's order kept.
    const before = channels.map(order).reduce((last, o, i) => (o < order('sms') ? i : last), -1);
    channels.splice(before + 1, 0, 'sms');
  }
  return { ...preferences, channels, prep_reminders: true };
}
