import { renderEmail } from '../../lambda/channels/email/messages';
import { renderSlackBlocks } from '../../lambda/channels/slack/messages';
import { replyInstruction } from '../../lambda/channels/sms/text';
import { REMINDER_POLICY, ReminderLabels, delayInWords } from '../../lambda/shared/reminder-policy';
import { reminderTime } from '../../lambda/actions/reminders';
import { notice } from './fixture';

describe('the reminder policy', () => {
  const now = new Date('2026-03-02T09:00:00Z');
  const inMs = (ms: number) => new Date(now.getTime() + ms).toISOString();

  it('is two hours, at the latest 15 minutes before the meeting, at least one minute away', () => {
    // Arrange / Act / Assert
    expect(REMINDER_POLICY).toEqual({ delayMs: 7_200_000, leadMs: 900_000, minDelayMs: 60_000 });
  });

  it('names the delay in words for buttons and sentences', () => {
    // Arrange / Act / Assert
    expect(ReminderLabels).toEqual({ button: 'Remind Me in 2 Hours', inText: 'in 2 hours' });
    expect([delayInWords(3_600_000), delayInWords(90 * 60_000)]).toEqual(['1 hour', '90 minutes']);
  });

  it('times the reminder by the policy: the delay, clamped to the lead, nothing when too close', () => {
    // Arrange
    const farMeeting = inMs(REMINDER_POLICY.delayMs + REMINDER_POLICY.leadMs + 60_000);
    const nearMeeting = inMs(REMINDER_POLICY.leadMs + 30 * 60_000);
    const tooClose = inMs(REMINDER_POLICY.leadMs + REMINDER_POLICY.minDelayMs);

    // Act / Assert
    expect(reminderTime(now, farMeeting)?.toISOString()).toBe(inMs(REMINDER_POLICY.delayMs));
    expect(reminderTime(now, nearMeeting)?.toISOString()).toBe(inMs(30 * 60_000));
    expect(reminderTime(now, tooClose)).toBeUndefined();
  });

  it('is what every channel says: the Slack button, the email, the SMS reply line', () => {
    // Arrange
    const links = { startPrep: 'https://x/act?t=1', remindLater: 'https://x/act?t=2', unsubscribe: 'https://x/u?t=3' };

    // Act
    const slack = JSON.stringify(renderSlackBlocks(notice()));
    const email = renderEmail(notice(), { links });
    const sms = replyInstruction({});

    // Assert
    expect(slack).toContain(ReminderLabels.button);
    expect(email.text).toContain(`${ReminderLabels.button}: ${links.remindLater}`);
    expect(email.text).toContain(`again ${ReminderLabels.inText}:`);
    expect(email.html).toContain(ReminderLabels.button);
    expect(sms).toContain(`for a reminder ${ReminderLabels.inText}.`);
  });
});
