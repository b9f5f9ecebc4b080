/** The prep notification as an email: subject, HTML and plain text, with its one-click links when given. Pure. */
import { meetingTypeInWords } from '../../shared/domain';
import { ReminderLabels } from '../../shared/reminder-policy';
import { defuseUrls, escapeHtml, truncate } from '../../shared/text';
import { durationMinutes, formatDuration, formatLocalDateTime } from '../../shared/time';
import { type FallbackOptions, PREPARE_LIST, type PrepNotice, noticeIntro } from '../notice';

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
  // What came from data (the title anyone can set by sending an invitation, the location, the name) is defused in
  // both bodies: mail clients make links of addresses in plain text and in HTML text alike, and this one would come
  // under the assistant's name. The HTML escapes it as well, and never puts it in an <a>. The subject is left as
  // written: no client makes links there.
  const title = defuseUrls(meeting.title);
  const when = formatLocalDateTime(meeting.start_time, user.timezone);
  const minutes = durationMinutes(meeting.start_time, meeting.end_time);
  const facts: [string, string][] = [
    ['Type', meetingTypeInWords(meeting.meeting_type)],
    ['When', when],
    ...(minutes ? [['Duration', formatDuration(minutes)] as [string, string]] : []),
    ['Attendees', String(meeting.attendee_count)],
    ...(meeting.location ? [['Location', defuseUrls(meeting.location)] as [string, string]] : []),
  ];
  const greeting = user.name ? `Hi ${defuseUrls(user.name)},` : 'Hi,';
  const links = options.links;
  const closing = links
    ? `Start your prep session now, or get this reminder again ${ReminderLabels.inText}:`
    : options.slackDelivered
      ? 'To start your prep session, open Slack and click Start Prep Session on the reminder, or send the assistant a direct message.'
      : 'To start your prep session, send the assistant a direct message.';
  const unsubscribeLine = 'Stop prep reminders by email';
  const text = [
    greeting,
    '',
    `${noticeIntro(notice)} ${title}`,
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
          `${ReminderLabels.button}: ${links.remindLater}`,
          '',
          '--',
          `${unsubscribeLine}: ${links.unsubscribe}`,
        ]
      : []),
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(noticeIntro(notice))} <strong>${escapeHtml(title)}</strong></p>`,
    '<table>',
    ...facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    '<p>I can prepare:</p><ul>',
    ...PREPARE_LIST.map((item) => `<li>${escapeHtml(item)}</li>`),
    '</ul>',
    `<p>${escapeHtml(closing)}</p>`,
    ...(links
      ? [
          `<p>${emailButton(links.startPrep, 'Start Prep Session', true)}${emailButton(links.remindLater, ReminderLabels.button, false)}</p>`,
          `<p style="font-size:12px;color:#616061"><a href="${escapeHtml(links.unsubscribe)}" style="color:#616061">${escapeHtml(unsubscribeLine)}</a></p>`,
        ]
      : []),
    '</body></html>',
  ].join('\n');
  return { subject: `Meeting prep: ${truncate(meeting.title, 120)} (${when})`, html, text };
}
