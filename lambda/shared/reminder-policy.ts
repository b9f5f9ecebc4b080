/**
 * Remind Me later, as one policy: how long after the click the reminder comes, how long before the meeting at the
 * latest, and the least delay worth scheduling. Every label that names the delay ("Remind Me in 2 Hours", "in 2
 * hours") is derived from it, so the words cannot drift from the schedule. Pure.
 */

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export const REMINDER_POLICY = {
  /** How long after the click the reminder comes, at most. */
  delayMs: 2 * HOUR_MS,
  /** How long before the meeting the reminder comes, at the latest. */
  leadMs: 15 * MINUTE_MS,
  /** The earliest a reminder is worth scheduling. */
  minDelayMs: MINUTE_MS,
} as const;

/** The delay in words: "2 hours", "1 hour", "90 minutes". */
export function delayInWords(delayMs: number = REMINDER_POLICY.delayMs): string {
  const [amount, unit] = delayMs % HOUR_MS === 0 ? [delayMs / HOUR_MS, 'hour'] : [delayMs / MINUTE_MS, 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

const titleCase = (words: string) => words.replace(/\b\w/g, (c) => c.toUpperCase());

/** The labels of the delay, for buttons and sentences. */
export const ReminderLabels = {
  /** "Remind Me in 2 Hours": the button in Slack, the Home tab, the email and its link page. */
  button: `Remind Me in ${titleCase(delayInWords())}`,
  /** "in 2 hours": inside a sentence. */
  inText: `in ${delayInWords()}`,
} as const;
