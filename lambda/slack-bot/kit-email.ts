/**
 * The prep kit by email: when a person starts prep from an SMS or an email link and Slack does not reach
 * them, the worker mails them the kit the Slack DM would have opened with — the meeting, the agenda outline, the
 * question bank and the note-taking template — in HTML and plain text. Rendering is pure; the sender is SES.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { Meeting, meetingTypeInWords, toMeetingType } from '../shared/domain';
import { defuseUrls, escapeHtml } from '../shared/text';
import { PrepKit } from './prep-kits';
import { formatLocalDateTime } from '../shared/time';

/** An email, rendered. */
export interface KitEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/** Sends a rendered email; returns the provider's message id. Throws on failure. */
export interface KitMailer {
  send(to: string, email: KitEmail): Promise<string>;
}

function plainNotes(kit: PrepKit, meeting: Meeting, timeZone: string): string {
  const name = defuseUrls(meeting.title?.trim() || 'Untitled meeting');
  // Replacer functions: a title holding `$&` or `$1` must be inserted as written.
  return kit.notes_template
    .replace(/\{title\}/g, () => name)
    .replace(/\{when\}/g, () => formatLocalDateTime(meeting.start_time, timeZone));
}

/**
 * The kit email for a meeting, in the user's time zone. Pure. What came from data (title, location, name) is
 * defused in both bodies (mail clients make links of addresses, and this one comes under the assistant's name) and
 * escaped in the HTML; the subject keeps the title as written (no client makes links there).
 */
export function renderKitEmail(meeting: Meeting, kit: PrepKit, timeZone: string, name?: string): KitEmail {
  const rawTitle = meeting.title?.trim() || 'Untitled meeting';
  const title = defuseUrls(rawTitle);
  const location = meeting.location ? defuseUrls(meeting.location) : undefined;
  const when = formatLocalDateTime(meeting.start_time, timeZone);
  const type = meetingTypeInWords(toMeetingType(meeting.meeting_type));
  const notes = plainNotes(kit, meeting, timeZone);
  const greeting = name ? `Hi ${defuseUrls(name)},` : 'Hi,';
  const intro = `Your prep session for ${title} (${when}) has started. Here is your prep kit.`;
  const closing = 'When Slack reaches you again, send me a direct message there to go through it step by step.';
  const text = [
    greeting,
    '',
    intro,
    '',
    `Type: ${type}`,
    `When: ${when}`,
    `Attendees: ${meeting.attendees?.length ?? 0}`,
    ...(location ? [`Location: ${location}`] : []),
    '',
    'Agenda outline',
    ...kit.agenda.map((item, i) => `${i + 1}. ${item}`),
    '',
    'Question bank',
    ...kit.questions.map((q) => `- ${q}`),
    '',
    'Note-taking template',
    notes,
    '',
    closing,
  ].join('\n');
  const html = [
    '<!doctype html><html lang="en"><body style="font-family:sans-serif">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>Your prep session for <strong>${escapeHtml(title)}</strong> (${escapeHtml(when)}) has started. Here is your prep kit.</p>`,
    '<table>',
    `<tr><th align="left">Type</th><td>${escapeHtml(type)}</td></tr>`,
    `<tr><th align="left">When</th><td>${escapeHtml(when)}</td></tr>`,
    `<tr><th align="left">Attendees</th><td>${meeting.attendees?.length ?? 0}</td></tr>`,
    ...(location ? [`<tr><th align="left">Location</th><td>${escapeHtml(location)}</td></tr>`] : []),
    '</table>',
    '<h2>Agenda outline</h2><ol>',
    ...kit.agenda.map((item) => `<li>${escapeHtml(item)}</li>`),
    '</ol><h2>Question bank</h2><ul>',
    ...kit.questions.map((q) => `<li>${escapeHtml(q)}</li>`),
    '</ul><h2>Note-taking template</h2>',
    `<pre>${escapeHtml(notes)}</pre>`,
    `<p>${escapeHtml(closing)}</p>`,
    '</body></html>',
  ].join('\n');
  const subject = `Prep kit: ${rawTitle.length > 120 ? `${rawTitle.slice(0, 119)}…` : rawTitle} (${when})`;
  return { subject, html, text };
}

/** {@link KitMailer} over SES v2 `SendEmail`, the client the prep email uses (`AWS_ENDPOINT_URL_SESV2` points it at the local stand-in). */
export class SesKitMailer implements KitMailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
  ) {}

  async send(to: string, email: KitEmail): Promise<string> {
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
    return out.MessageId ?? '';
  }
}
