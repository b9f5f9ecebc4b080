/** The prep notification as Slack shows it: the Block Kit message with its two buttons, and its fallback text. Pure. */
import type { KnownBlock } from '@slack/types';
import { meetingTypeInWords } from '../../shared/domain';
import { ReminderLabels } from '../../shared/reminder-policy';
import { truncate } from '../../shared/text';
import { durationMinutes, formatDuration, formatLocalDateTime } from '../../shared/time';
import { PREPARE_LIST, type PrepNotice, noticeIntro } from '../notice';
import { escapeMrkdwn, mrkdwnText } from './mrkdwn';

/** Action ids of the two buttons; the Slack bot routes on them. */
export const ActionIds = { StartPrep: 'start_prep', RemindLater: 'remind_later' } as const;

/** The `value` both buttons carry: which meeting, whose. */
export interface PrepButtonValue {
  readonly meeting_id: string;
  readonly user_id: string;
}

const SLACK_HEADER_LIMIT = 150;

/** The plain-text line Slack shows in notifications and where blocks cannot be shown. */
export function slackFallbackText(notice: PrepNotice): string {
  const when = formatLocalDateTime(notice.meeting.start_time, notice.user.timezone);
  return `Meeting prep reminder: ${escapeMrkdwn(notice.meeting.title)} on ${when}`;
}

/** The interactive Block Kit message: header, meeting facts, what the assistant can prepare, two buttons. */
export function renderSlackBlocks(notice: PrepNotice): KnownBlock[] {
  const { meeting, user } = notice;
  const value = JSON.stringify({ meeting_id: meeting.meeting_id, user_id: meeting.user_id } satisfies PrepButtonValue);
  const minutes = durationMinutes(meeting.start_time, meeting.end_time);
  const fields = [
    mrkdwnText(`*Type*\n${meetingTypeInWords(meeting.meeting_type)}`),
    mrkdwnText(`*When*\n${formatLocalDateTime(meeting.start_time, user.timezone)}`),
    ...(minutes ? [mrkdwnText(`*Duration*\n${formatDuration(minutes)}`)] : []),
    mrkdwnText(`*Attendees*\n${meeting.attendee_count}`),
  ];
  return [
    { type: 'header', text: { type: 'plain_text', text: 'Meeting Prep Reminder', emoji: true } },
    {
      type: 'section',
      text: mrkdwnText(`*${escapeMrkdwn(truncate(meeting.title, SLACK_HEADER_LIMIT))}*\n${noticeIntro(notice)}`),
      fields,
    },
    {
      type: 'section',
      text: mrkdwnText(`I can prepare:\n${PREPARE_LIST.map((item) => `• ${item}`).join('\n')}`),
    },
    {
      type: 'actions',
      block_id: 'prep_actions',
      elements: [
        {
          type: 'button',
          action_id: ActionIds.StartPrep,
          text: { type: 'plain_text', text: 'Start Prep Session', emoji: true },
          style: 'primary',
          value,
        },
        {
          type: 'button',
          action_id: ActionIds.RemindLater,
          text: { type: 'plain_text', text: ReminderLabels.button, emoji: true },
          value,
        },
      ],
    },
  ];
}
