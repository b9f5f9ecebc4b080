/**
 * What the prep notification says, whichever the channel: each channel folder renders it its own way
 * (slack/messages.ts, sms/text.ts, email/messages.ts). Pure.
 */
import { MeetingSummary, RecipientSummary, meetingTypeInWords } from '../shared/domain';

/** What the notification says, whichever the channel. */
export interface PrepNotice {
  readonly meeting: MeetingSummary;
  readonly user: RecipientSummary;
  /** True when the user asked to be reminded (Remind Me later). */
  readonly reminder: boolean;
}

/** Whether the Slack message with the buttons reached the user: only then may another channel point to it. */
export interface FallbackOptions {
  /** @default false: a fallback channel runs because the Slack message did not arrive */
  readonly slackDelivered?: boolean;
}

/** The first sentence: the meeting coming up, or the reminder the user asked for. */
export function noticeIntro(notice: PrepNotice): string {
  return notice.reminder
    ? 'Here is the reminder you asked for.'
    : `Your ${meetingTypeInWords(notice.meeting.meeting_type).toLowerCase()} meeting is coming up.`;
}

/** What the assistant offers to prepare. */
export const PREPARE_LIST = [
  'An agenda outline',
  'Context from budget, incidents and strategic priorities',
  'A question bank',
  'A note-taking template',
] as const;
