/**
 * Text from data (titles anyone can set by sending an invitation, locations, descriptions) never renders as a
 * mention or a disguised link in anything the bot sends: blocks, fallback text, DMs, the notes template.
 */
import type { Meeting } from '../../lambda/shared/domain';
import { renderSlackBlocks, slackFallbackText } from '../../lambda/channels/slack/messages';
import { escapeMrkdwn, escapeMrkdwnCode } from '../../lambda/channels/slack/mrkdwn';
import { loadPrepKits, prepKitFor } from '../../lambda/slack-bot/prep-kits';
import { ChatSessionsRepository } from '../../lambda/shared/chat-sessions';
import {
  notesTemplate,
  prepStartedReplacement,
  reminderReplacement,
  renderMeetingList,
  renderSessionOpening,
  renderStepReply,
} from '../../lambda/slack-bot/views';
import { leadershipSync, notice } from './fixture';

const HOSTILE = ['<!channel>', '<@U024BE7LH>', '<https://x.example|y>', '&amp;'] as const;
/** What each looks like once escaped: shown as typed, never as a mention, a link or an entity. */
const ESCAPED = ['&lt;!channel&gt;', '&lt;@U024BE7LH&gt;', '&lt;https://x.example|y&gt;', '&amp;amp;'] as const;

const kit = prepKitFor(loadPrepKits(), 'leadership_team');
const tz = 'America/New_York';
const meeting = (title: string): Meeting => ({
  meeting_id: 'm-7f3a',
  user_id: 'U024BE7LH',
  title,
  description: `Agenda: ${title}`,
  location: `Room ${title}`,
  start_time: '2099-11-27T14:00:00Z',
  end_time: '2099-11-27T15:00:00Z',
  attendees: ['a@example.com'],
  meeting_type: 'leadership_team',
  status: 'CLASSIFIED',
});
const session = (step: 'questions' | 'notes' | 'done') => ({
  ...ChatSessionsRepository.newSession({
    sessionId: 's-1',
    userId: 'U024BE7LH',
    meetingId: 'm-7f3a',
    meetingType: 'leadership_team',
    now: new Date('2099-11-26T10:00:00Z'),
  }),
  context: { step, meeting_type: 'leadership_team' as const },
});

/** Every mrkdwn string and fallback text of a message. */
function texts(message: { text: string; blocks?: unknown }): string {
  return JSON.stringify(message);
}

/** `text` with the escaped form taken out: what is left must not hold the raw form (`&amp;` is a prefix of `&amp;amp;`). */
const withoutEscaped = (text: string, escaped: string) => text.split(escaped).join('');

describe('escapeMrkdwn', () => {
  it.each(HOSTILE.map((h, i) => [h, ESCAPED[i]]))('escapes %s as %s', (raw, escaped) => {
    expect(escapeMrkdwn(raw as string)).toBe(escaped);
  });

  it('keeps a code block closed when the data holds backticks', () => {
    expect(escapeMrkdwnCode('a```b<x>')).not.toContain('```');
  });
});

describe.each(HOSTILE.map((h, i) => [h, ESCAPED[i] as string]))('a title holding %s', (raw, escaped) => {
  const m = meeting(`Sync ${raw}`);

  it('is escaped in the prep notification blocks and its fallback text', () => {
    const n = notice({ meeting: { ...leadershipSync, title: `Sync ${raw}` } });
    expect(JSON.stringify(renderSlackBlocks(n))).toContain(`Sync ${escaped}`);
    expect(slackFallbackText(n)).toContain(`Sync ${escaped}`);
    expect(withoutEscaped(slackFallbackText(n), `Sync ${escaped}`)).not.toContain(`Sync ${raw}`);
  });

  it.each([
    ['the /meetings list', () => renderMeetingList([m], tz)],
    ['the Start Prep replacement', () => prepStartedReplacement(m, tz)],
    ['the reminder replacement', () => reminderReplacement(m, new Date('2099-11-27T12:00:00Z'), tz)],
    ['the session opening DM', () => renderSessionOpening(m, kit, tz)],
    ['the questions reply', () => renderStepReply(session('questions'), m, kit, tz)],
    ['the notes reply', () => renderStepReply(session('notes'), m, kit, tz)],
    ['the completion reply', () => renderStepReply(session('done'), m, kit, tz)],
  ])('is escaped in %s, fallback text included', (_name, render) => {
    const all = texts(render());
    expect(all).toContain(`Sync ${JSON.stringify(escaped).slice(1, -1)}`);
    expect(withoutEscaped(all, `Sync ${JSON.stringify(escaped).slice(1, -1)}`)).not.toContain(
      `Sync ${JSON.stringify(raw).slice(1, -1)}`,
    );
  });

  it('is escaped in the notes template, the location and the description', () => {
    expect(notesTemplate(kit, m, tz)).toContain(`Sync ${escaped}`);
    expect(withoutEscaped(notesTemplate(kit, m, tz), `Sync ${escaped}`)).not.toContain(`Sync ${raw}`);
    const opening = texts(renderSessionOpening(m, kit, tz));
    expect(opening).toContain(`Room Sync ${JSON.stringify(escaped).slice(1, -1)}`);
    expect(opening).toContain(`Agenda: Sync ${JSON.stringify(escaped).slice(1, -1)}`);
  });
});

it('a title with `$&` is inserted into the notes template as written', () => {
  expect(notesTemplate({ ...kit, notes_template: 'Notes for {title}' }, meeting('Budget $& more'), tz)).toBe(
    'Notes for Budget $&amp; more',
  );
});
