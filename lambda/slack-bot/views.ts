/**
 * What the bot says: the `/meetings` list, the prep session's opening and its steps, replacements of clicked
 * messages. Pure functions; times in the user's time zone.
 */
import type { KnownBlock } from '@slack/types';
import { ChatSession, PrepStep } from '../shared/chat-sessions';
import { Meeting, MeetingStatus, meetingTypeInWords, toMeetingType } from '../shared/domain';
import { ActionIds, PrepButtonValue } from '../channels/slack/messages';
import { escapeMrkdwn, escapeMrkdwnCode, mrkdwnText } from '../channels/slack/mrkdwn';
import { PrepKit } from './prep-kits';
import { durationMinutes, formatDuration, formatLocalDateTime } from '../shared/time';
import { canStartPrep } from '../shared/meetings-repository';

/** A message: fallback text and blocks. */
export interface BotMessage {
  readonly text: string;
  readonly blocks?: KnownBlock[];
}

const STATUS_WORDS: Readonly<Record<string, string>> = {
  [MeetingStatus.Discovered]: 'Prep not started',
  [MeetingStatus.Classified]: 'Prep not started',
  [MeetingStatus.PrepScheduled]: 'Prep not started (reminder sent)',
  [MeetingStatus.PrepInProgress]: 'Prep in progress',
  [MeetingStatus.PrepCompleted]: 'Prep done',
  [MeetingStatus.Completed]: 'Completed',
  [MeetingStatus.Cancelled]: 'Cancelled',
};

/** The prep status in words. */
export function prepStatusInWords(status: string | undefined): string {
  return STATUS_WORDS[status ?? ''] ?? 'Status unknown';
}

/** The meeting's title as it may appear in mrkdwn (escaped: anyone who invites the executive sets it). */
const title = (m: Pick<Meeting, 'title'>): string => escapeMrkdwn(m.title?.trim() || 'Untitled meeting');

function buttonValue(m: Meeting): string {
  return JSON.stringify({ meeting_id: m.meeting_id, user_id: m.user_id } satisfies PrepButtonValue);
}

/** The line for a user who is not in the users table. */
export const UNKNOWN_USER_TEXT =
  "I don't have you on file yet, so I can't look up your meetings. Ask your executive assistant admin to add you.";

/** The line for a user with nothing in the next seven days. */
export const NO_MEETINGS_TEXT = 'You have no meetings in the next 7 days. Enjoy the breathing room! :palm_tree:';

/** Status line of a meeting whose prep session ended or expired unfinished. */
export const STALLED_PREP_WORDS = 'Prep not finished (the session ended)';

/**
 * The `/meetings` reply: one section per meeting, with a Start Prep button where prep has not started, or where
 * its session ended unfinished (`stalled`, by meeting id).
 */
export function renderMeetingList(
  meetings: readonly Meeting[],
  timeZone: string,
  stalled: ReadonlySet<string> = new Set(),
): BotMessage {
  if (meetings.length === 0) return { text: NO_MEETINGS_TEXT };
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwnText('*Your upcoming meetings (next 7 days)*') }];
  for (const m of meetings) {
    const line =
      `*${title(m)}*\n${meetingTypeInWords(toMeetingType(m.meeting_type))} · ` +
      `${formatLocalDateTime(m.start_time, timeZone)}\n${stalled.has(m.meeting_id) ? STALLED_PREP_WORDS : prepStatusInWords(m.status)}`;
    blocks.push({
      type: 'section',
      block_id: `meeting_${m.meeting_id}`.slice(0, 255),
      text: mrkdwnText(line),
      ...(canStartPrep(m) || stalled.has(m.meeting_id)
        ? {
            accessory: {
              type: 'button',
              action_id: ActionIds.StartPrep,
              text: { type: 'plain_text', text: 'Start Prep', emoji: true },
              style: 'primary',
              value: buttonValue(m),
            },
          }
        : {}),
    });
  }
  const text = `Your upcoming meetings: ${meetings.map((m) => `${title(m)} (${formatLocalDateTime(m.start_time, timeZone)})`).join('; ')}`;
  return { text, blocks };
}

/** Replaces a clicked prep message once the session has started. */
export function prepStartedReplacement(meeting: Meeting, timeZone: string): BotMessage {
  const text = 'Prep session started';
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: mrkdwnText(
          `:white_check_mark: *${text}* for *${title(meeting)}* (${formatLocalDateTime(meeting.start_time, timeZone)}). I've sent you a direct message.`,
        ),
      },
    ],
  };
}

/** Replaces a clicked prep message once the reminder is scheduled. */
export function reminderReplacement(meeting: Meeting, at: Date, timeZone: string): BotMessage {
  const text = `I'll remind you at ${formatLocalDateTime(at.toISOString(), timeZone)}`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: mrkdwnText(`:alarm_clock: ${text} to prep for *${title(meeting)}*.`),
      },
    ],
  };
}

const bullets = (items: readonly string[]): string => items.map((i) => `• ${escapeMrkdwn(i)}`).join('\n');
const numbered = (items: readonly string[]): string => items.map((i, n) => `${n + 1}. ${escapeMrkdwn(i)}`).join('\n');

/** The note-taking template with the meeting's title and time filled in. */
export function notesTemplate(kit: PrepKit, meeting: Meeting, timeZone: string): string {
  const name = meeting.title?.trim() || 'Untitled meeting';
  // Replacer functions: a title holding `$&` or `$1` must be inserted as written.
  return escapeMrkdwnCode(kit.notes_template)
    .replace(/\{title\}/g, () => escapeMrkdwnCode(name))
    .replace(/\{when\}/g, () => formatLocalDateTime(meeting.start_time, timeZone));
}

/** The first DM of a session: the meeting summary and the whole prep kit, then the first step's prompt. */
export function renderSessionOpening(meeting: Meeting, kit: PrepKit, timeZone: string): BotMessage {
  const type = meetingTypeInWords(toMeetingType(meeting.meeting_type));
  const when = formatLocalDateTime(meeting.start_time, timeZone);
  const minutes = durationMinutes(meeting.start_time, meeting.end_time);
  const facts = [
    `*Type:* ${type}`,
    `*When:* ${when}`,
    ...(minutes ? [`*Duration:* ${formatDuration(minutes)}`] : []),
    `*Attendees:* ${meeting.attendees?.length ?? 0}`,
    ...(meeting.location ? [`*Location:* ${escapeMrkdwn(meeting.location)}`] : []),
  ].join('\n');
  return {
    text: `Let's prep for ${title(meeting)} (${when})`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Prep Session', emoji: true } },
      { type: 'section', text: mrkdwnText(`*${title(meeting)}*\n${facts}`) },
      ...(meeting.description
        ? [
            {
              type: 'context' as const,
              elements: [mrkdwnText(escapeMrkdwn(meeting.description.slice(0, 500)))],
            },
          ]
        : []),
      { type: 'divider' },
      { type: 'section', text: mrkdwnText(`*Agenda outline*\n${numbered(kit.agenda)}`) },
      { type: 'section', text: mrkdwnText(`*Question bank*\n${bullets(kit.questions)}`) },
      {
        type: 'section',
        text: mrkdwnText(`*Note-taking template*\n\`\`\`${notesTemplate(kit, meeting, timeZone)}\`\`\``),
      },
      { type: 'divider' },
      { type: 'section', text: mrkdwnText(stepPrompt('agenda')) },
    ],
  };
}

/** What the bot asks for at a step. */
export function stepPrompt(step: PrepStep): string {
  switch (step) {
    case 'agenda':
      return '*Step 1 of 3: agenda.* Reply with anything you want to add to or change in the agenda.';
    case 'questions':
      return '*Step 2 of 3: questions.* Reply with the questions you want to raise.';
    case 'notes':
      return '*Step 3 of 3: notes.* Reply with your prep notes (use the template if it helps).';
    case 'done':
      return 'Your prep is complete.';
  }
}

/**
 * A reply of a few paragraphs, each a section whose mrkdwn is shown verbatim (a title in it is never turned into a
 * link); the fallback text is the same paragraphs.
 */
function paragraphs(...parts: string[]): BotMessage {
  return { text: parts.join('\n\n'), blocks: parts.map((part) => ({ type: 'section', text: mrkdwnText(part) })) };
}

/** The reply to a message in a session that has just moved to `session.context.step`. */
export function renderStepReply(
  session: ChatSession,
  meeting: Meeting | undefined,
  kit: PrepKit,
  timeZone: string,
): BotMessage {
  const step = session.context.step;
  const name = meeting ? title(meeting) : 'your meeting';
  switch (step) {
    case 'agenda':
      return paragraphs(stepPrompt('agenda'));
    case 'questions':
      return paragraphs(
        `Noted for the agenda of ${name}.`,
        `*Question bank*\n${bullets(kit.questions)}`,
        stepPrompt('questions'),
      );
    case 'notes': {
      const template = meeting ? notesTemplate(kit, meeting, timeZone) : escapeMrkdwnCode(kit.notes_template);
      return paragraphs('Got your questions.', `*Note-taking template*\n\`\`\`${template}\`\`\``, stepPrompt('notes'));
    }
    case 'done':
      return paragraphs(
        `Notes saved. Your prep for ${name} is complete: ${session.messages.length} item${session.messages.length === 1 ? '' : 's'} recorded. Good luck in the meeting!`,
      );
  }
}

/** The reply to a DM when the user has no active session: what the bot does, and their next meetings. */
export function renderHelp(upcoming: BotMessage | undefined): BotMessage {
  const help =
    "I'm your meeting-prep assistant. You have no prep session open right now. " +
    'Click *Start Prep* on one of your meetings to open one, or type `/meetings` to see what is coming up.';
  if (!upcoming) return { text: `${help}\n\n${UNKNOWN_USER_TEXT}` };
  return {
    text: `${help}\n\n${upcoming.text}`,
    blocks: [
      { type: 'section', text: mrkdwnText(help) },
      ...(upcoming.blocks ?? [{ type: 'section' as const, text: mrkdwnText(upcoming.text) }]),
    ],
  };
}
