/**
 * An address in a meeting title (anyone who invites the executive sets it) never becomes a link under the
 * assistant's name: every Slack text object that can carry it is `verbatim` (Slack links nothing in it), and the
 * SMS and emails defuse it (`hxxps://evil[.]example/login`). Pure renderers; the workflow tests check the same on
 * what reaches the fakes.
 */
import type { AnyBlock } from '@slack/types';
import { named } from '../../lambda/actions/action-texts';
import { renderConfirmPage, renderMessagePage } from '../../lambda/actions/link-pages';
import { renderEmail } from '../../lambda/channels/email/messages';
import { renderSlackBlocks } from '../../lambda/channels/slack/messages';
import { NO_UNFURLS, mrkdwnText } from '../../lambda/channels/slack/mrkdwn';
import { renderSms, smsSegments } from '../../lambda/channels/sms/text';
import { ChatSessionsRepository } from '../../lambda/shared/chat-sessions';
import type { Meeting } from '../../lambda/shared/domain';
import { defaultPreferences } from '../../lambda/shared/preferences';
import { defuseUrls } from '../../lambda/shared/text';
import { buildHomeView } from '../../lambda/slack-bot/app-home/home-view';
import { buildPreferencesModal } from '../../lambda/slack-bot/app-home/preferences-modal';
import { buildDigestMessage } from '../../lambda/slack-bot/digest';
import { renderKitEmail } from '../../lambda/slack-bot/kit-email';
import { loadPrepKits, prepKitFor } from '../../lambda/slack-bot/prep-kits';
import {
  prepStartedReplacement,
  reminderReplacement,
  renderHelp,
  renderMeetingList,
  renderSessionOpening,
  renderStepReply,
} from '../../lambda/slack-bot/views';
import { leadershipSync, notice, storedMeeting } from './fixture';

const PHISHING = 'Board sync https://evil.example/login';
const DEFUSED = 'Board sync hxxps://evil[.]example/login';
const NOW = new Date('2026-11-26T14:00:00Z');
const tz = 'America/New_York';
const kit = prepKitFor(loadPrepKits(), 'leadership_team');
const meeting: Meeting = {
  ...storedMeeting,
  title: PHISHING,
  location: 'https://evil.example/room',
  description: 'Join at www.evil.example',
};

describe('defuseUrls', () => {
  it.each([
    [PHISHING, DEFUSED],
    ['HTTP://EVIL.EXAMPLE/x', 'HXXP://EVIL[.]EXAMPLE/x'],
    ['see www.evil.example now', 'see www[.]evil[.]example now'],
    ['evil.example/login', 'evil[.]example/login'],
    ['write to it@evil.example', 'write to it@evil[.]example'],
    ['ftp://files.example', 'fxp://files[.]example'],
    ['http://10.0.0.1/login', 'hxxp://10[.]0[.]0[.]1/login'],
    ['evil\u3002example', 'evil[.]example'],
    ['Пример.рф', 'Пример[.]рф'],
  ])('defuses %s as %s', (raw, defused) => {
    expect(defuseUrls(raw)).toBe(defused);
  });

  it.each(['Q4 Leadership Sync', 'Roadmap v1.5, e.g. the a.m. slot', '1:1 Jordan / Sam', ''])(
    'leaves %p as it is',
    (text) => {
      expect(defuseUrls(text)).toBe(text);
    },
  );

  it('is idempotent', () => {
    expect(defuseUrls(defuseUrls(PHISHING))).toBe(DEFUSED);
  });
});

/** Every mrkdwn text object in a Slack surface. */
function mrkdwnObjects(node: unknown): { type: string; text: string; verbatim?: boolean }[] {
  if (Array.isArray(node)) return node.flatMap(mrkdwnObjects);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const own = record['type'] === 'mrkdwn' && typeof record['text'] === 'string' ? [record as never] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnObjects)];
}

const session = (step: 'agenda' | 'questions' | 'notes' | 'done') => ({
  ...ChatSessionsRepository.newSession({
    sessionId: 's-1',
    userId: meeting.user_id,
    meetingId: meeting.meeting_id,
    meetingType: 'leadership_team',
    now: NOW,
  }),
  context: { step, meeting_type: 'leadership_team' as const },
});

const soon: Meeting = { ...meeting, start_time: '2026-11-26T20:00:00Z', end_time: '2026-11-26T21:00:00Z' };
const SURFACES: [string, () => readonly AnyBlock[] | undefined][] = [
  ['the prep notification', () => renderSlackBlocks(notice({ meeting: { ...leadershipSync, title: PHISHING } }))],
  ['the /meetings list', () => renderMeetingList([meeting], tz).blocks],
  ['the Start Prep replacement', () => prepStartedReplacement(meeting, tz).blocks],
  ['the reminder replacement', () => reminderReplacement(meeting, NOW, tz).blocks],
  ['the session opening DM', () => renderSessionOpening(meeting, kit, tz).blocks],
  ['the agenda reply', () => renderStepReply(session('agenda'), meeting, kit, tz).blocks],
  ['the questions reply', () => renderStepReply(session('questions'), meeting, kit, tz).blocks],
  ['the notes reply', () => renderStepReply(session('notes'), meeting, kit, tz).blocks],
  ['the completion reply', () => renderStepReply(session('done'), meeting, kit, tz).blocks],
  ['the help DM', () => renderHelp(renderMeetingList([meeting], tz)).blocks],
  ['the digest', () => buildDigestMessage({ now: NOW, timeZone: tz, meetings: [soon] })?.blocks],
  [
    'the Home tab',
    () =>
      buildHomeView({
        userId: meeting.user_id,
        timeZone: tz,
        now: NOW,
        meetings: [meeting],
        pendingReminders: [],
        preferences: defaultPreferences(['slack', 'sms', 'email']),
        preferenceProblems: [{ path: 'quiet_hours', message: 'bad' } as never],
      }).view.blocks,
  ],
  ['the preferences modal', () => buildPreferencesModal(defaultPreferences(['slack', 'sms', 'email']), tz).blocks],
];

describe.each(SURFACES)('%s in Slack', (_name, render) => {
  it('sends every mrkdwn text object verbatim, so Slack links no URL, channel or name in it', () => {
    const objects = mrkdwnObjects(render());

    expect(objects.length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.verbatim !== true)).toEqual([]);
  });
});

describe.each(SURFACES.filter(([name]) => name !== 'the preferences modal' && name !== 'the agenda reply'))(
  '%s',
  (_name, render) => {
    it('carries the title, as written, only in verbatim text objects', () => {
      const carrying = mrkdwnObjects(render()).filter((o) => o.text.includes('https://evil.example/login'));

      expect(carrying.length).toBeGreaterThan(0);
      expect(carrying.every((o) => o.verbatim === true)).toBe(true);
    });
  },
);

it('mrkdwnText makes a verbatim mrkdwn object, and message bodies turn link and media previews off', () => {
  expect(mrkdwnText('*x*')).toEqual({ type: 'mrkdwn', text: '*x*', verbatim: true });
  expect(NO_UNFURLS).toEqual({ unfurl_links: false, unfurl_media: false });
});

it('keeps escaping explicit Slack links and broadcast mentions in a verbatim title', () => {
  const blocks = renderMeetingList([{ ...meeting, title: 'Sync <https://evil.example|Agenda> <!channel>' }], tz).blocks;
  const [, line] = mrkdwnObjects(blocks);

  expect(line?.text).toContain('Sync &lt;https://evil.example|Agenda&gt; &lt;!channel&gt;');
  expect(line?.verbatim).toBe(true);
});

describe('the SMS', () => {
  it('defuses the address in the title: no phone makes a link of it', () => {
    const text = renderSms(notice({ meeting: { ...leadershipSync, title: PHISHING } }), { reply: {} });

    expect(text).not.toContain('https://evil.example');
    expect(text).not.toContain('evil.example');
    expect(text).toContain(DEFUSED);
    expect(smsSegments(text)).toMatchObject({ encoding: 'GSM-7' });
  });

  it('defuses what is left of an address when a long title is cut', () => {
    const title = `${'Quarterly planning review '.repeat(4)}https://evil.example/login`;
    const text = renderSms(notice({ meeting: { ...leadershipSync, title } }), { reply: { number: 2 } });

    expect(text).not.toMatch(/https?:\/\/|evil\.ex/);
    expect(smsSegments(text).segments).toBe(1);
  });

  it('defuses the title in an SMS reply, and only there', () => {
    expect(named(meeting, 'sms')).toBe(`"${DEFUSED}"`);
    expect(named({ ...meeting, title: 'Sync <!channel>' }, 'slack')).toBe('"Sync &lt;!channel&gt;"');
    expect(named(meeting, 'email')).toBe(`"${PHISHING}"`);
  });
});

describe('the prep email', () => {
  const email = renderEmail(
    notice({
      meeting: { ...leadershipSync, title: PHISHING, location: 'www.evil.example' },
      user: { name: 'Jordan https://evil.example' },
    }),
  );

  it('defuses the title, location and name in the plain-text part', () => {
    expect(email.text).not.toContain('evil.example');
    expect(email.text).toContain(DEFUSED);
    expect(email.text).toContain('Location: www[.]evil[.]example');
  });

  it('escapes them in the HTML, defused too, and never inside a link', () => {
    expect(email.html).not.toContain('evil.example');
    expect(email.html).toContain(`<strong>${DEFUSED}</strong>`);
    expect(email.html).not.toContain('<a ');
  });

  it('keeps the title as written in the subject, where no mail client makes links', () => {
    expect(email.subject).toContain(PHISHING);
  });
});

it('the prep kit email defuses the title, location and name in both parts', () => {
  const kitEmail = renderKitEmail(meeting, kit, tz, 'Jordan www.evil.example');

  for (const body of [kitEmail.text, kitEmail.html]) {
    expect(body).not.toContain('evil.example');
    expect(body).toContain(DEFUSED);
  }
  expect(kitEmail.html).not.toContain('<a ');
});

it('the email link pages escape a hostile title and link nothing', () => {
  const hostile = `${PHISHING} <a href="https://evil.example">here</a>`;
  const confirm = renderConfirmPage({
    title: 'Start prep for this meeting?',
    explanation: `This starts your prep session for “${hostile}”.`,
    facts: [['Meeting', hostile]],
    button: 'Start Prep Session',
    action: 'act',
    token: 't',
  }).html;
  const outcome = renderMessagePage(
    200,
    'Reminder set',
    `I'll remind you about ${named({ ...meeting, title: '<a href="https://evil.example">here</a>' }, 'email')}.`,
  ).html;

  for (const html of [confirm, outcome]) {
    expect(html).not.toContain('<a ');
    expect(html).toContain('&lt;a href=&quot;https://evil.example&quot;&gt;here&lt;/a&gt;');
  }
});
