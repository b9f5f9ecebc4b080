/**
 * The prep notification as each channel shows it: Slack Block Kit, SMS text, email (HTML and plain text).
 * Pure functions of the meeting and recipient summaries; times in the recipient's time zone.
 */
import type { KnownBlock } from '@slack/types';
import { MeetingSummary, RecipientSummary, meetingTypeInWords } from './domain';
import { escapeMrkdwn } from './mrkdwn';
import { durationMinutes, formatDuration, formatLocalDateTime } from './time';

/** Action ids of the two buttons; the Slack bot routes on them. */
export const ActionIds = { StartPrep: 'start_prep', RemindLater: 'remind_later' } as const;

/** The `value` both buttons carry: which meeting, whose. */
export interface PrepButtonValue {
  readonly meeting_id: string;
  readonly user_id: string;
}

/** What the notification says, whichever the channel. */
export interface PrepNotice {
  readonly meeting: MeetingSummary;
  readonly user: RecipientSummary;
  /** True when the user asked to be reminded (Remind Me in 2 Hours). */
  readonly reminder: boolean;
}

const SLACK_HEADER_LIMIT = 150;

export { escapeMrkdwn };

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Cuts to at most `max` characters (code points, so no emoji is split), ending with `ellipsis` when cut. */
function truncate(text: string, max: number, ellipsis = '…'): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - ellipsis.length)).join('')}${ellipsis}`;
}

function intro(notice: PrepNotice): string {
  return notice.reminder
    ? 'Here is the reminder you asked for.'
    : `Your ${meetingTypeInWords(notice.meeting.meeting_type).toLowerCase()} meeting is coming up.`;
}

const PREPARE_LIST = [
  'An agenda outline',
  'Context from budget, incidents and strategic priorities',
  'A question bank',
  'A note-taking template',
] as const;

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
    { type: 'mrkdwn' as const, text: `*Type*\n${meetingTypeInWords(meeting.meeting_type)}` },
    { type: 'mrkdwn' as const, text: `*When*\n${formatLocalDateTime(meeting.start_time, user.timezone)}` },
    ...(minutes ? [{ type: 'mrkdwn' as const, text: `*Duration*\n${formatDuration(minutes)}` }] : []),
    { type: 'mrkdwn' as const, text: `*Attendees*\n${meeting.attendee_count}` },
  ];
  return [
    { type: 'header', text: { type: 'plain_text', text: 'Meeting Prep Reminder', emoji: true } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${escapeMrkdwn(truncate(meeting.title, SLACK_HEADER_LIMIT))}*\n${intro(notice)}`,
      },
      fields,
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `I can prepare:\n${PREPARE_LIST.map((item) => `• ${item}`).join('\n')}` },
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
          text: { type: 'plain_text', text: 'Remind Me in 2 Hours', emoji: true },
          value,
        },
      ],
    },
  ];
}

/** Whether the Slack message with the buttons reached the user: only then may another channel point to it. */
export interface FallbackOptions {
  /** @default false: a fallback channel runs because the Slack message did not arrive */
  readonly slackDelivered?: boolean;
}

/** The email's one-click links (`<public API URL>/act?t=…`, `/unsubscribe?t=…`), each carrying its signed token. */
export interface EmailLinks {
  readonly startPrep: string;
  readonly remindLater: string;
  readonly unsubscribe: string;
}

/** Options of {@link renderEmail}. */
export interface EmailOptions extends FallbackOptions {
  /** The action and unsubscribe links. @default none: the email says to message the assistant instead */
  readonly links?: EmailLinks;
}

/** A link drawn as a button, with the inline styles email clients keep. */
function emailButton(href: string, label: string, primary: boolean): string {
  const colours = primary
    ? 'background:#007a5a;color:#ffffff;border:1px solid #007a5a'
    : 'background:#ffffff;color:#1d1c1d;border:1px solid #868686';
  return `<a href="${escapeHtml(href)}" style="display:inline-block;padding:10px 18px;margin:4px 8px 4px 0;border-radius:4px;font-weight:bold;text-decoration:none;${colours}">${escapeHtml(label)}</a>`;
}

/** The email: subject, HTML and plain-text bodies. */
export function renderEmail(
  notice: PrepNotice,
  options: EmailOptions = {},
): { subject: string; html: string; text: string } {
  const { meeting, user } = notice;
  const when = formatLocalDateTime(meeting.start_time, user.timezone);
  const minutes = durationMinutes(meeting.start_time, meeting.end_time);
  const facts: [string, string][] = [
    ['Type', meetingTypeInWords(meeting.meeting_type)],
    ['When', when],
    ...(minutes ? [['Duration', formatDuration(minutes)] as [string, string]] : []),
    ['Attendees', String(meeting.attendee_count)],
    ...(meeting.location ? [['Location', meeting.location] as [string, string]] : []),
  ];
  const greeting = user.name ? `Hi ${user.name},` : 'Hi,';
  const links = options.links;
  const closing = links
    ? 'Start your prep session now, or get this reminder again in 2 hours:'
    : options.slackDelivered
      ? 'To start your prep session, open Slack and click Start Prep Session on the reminder, or send the assistant a direct message.'
      : 'To start your prep session, send the assistant a direct message.';
  const unsubscribeLine = 'Stop prep reminders by email';
  const text = [
    greeting,
    '',
    `${intro(notice)} ${meeting.title}`,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    'I can prepare:',
    ...PREPARE_LIST.map((item) => `- ${item}`),
    '',
    closing,
    ...(links
      ? [
          `Start Prep Session: ${links.startPrep}`,
          `Remind Me in 2 Hours: ${links.remindLater}`,
          '',
          '--',
          `${unsubscribeLine}: ${links.unsubscribe}`,
        ]
      : []),
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro(notice))} <strong>${escapeHtml(meeting.title)}</strong></p>`,
    '<table>',
    ...facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    '<p>I can prepare:</p><ul>',
    ...PREPARE_LIST.map((item) => `<li>${escapeHtml(item)}</li>`),
    '</ul>',
    `<p>${escapeHtml(closing)}</p>`,
    ...(links
      ? [
          `<p>${emailButton(links.startPrep, 'Start Prep Session', true)}${emailButton(links.remindLater, 'Remind Me in 2 Hours', false)}</p>`,
          `<p style="font-size:12px;color:#616061"><a href="${escapeHtml(links.unsubscribe)}" style="color:#616061">${escapeHtml(unsubscribeLine)}</a></p>`,
        ]
      : []),
    '</body></html>',
  ].join('\n');
  return { subject: `Meeting prep: ${truncate(meeting.title, 120)} (${when})`, html, text };
}
