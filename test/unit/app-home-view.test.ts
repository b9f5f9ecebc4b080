import type { Button, KnownBlock, SectionBlock } from '@slack/types';
import type { Meeting } from '../../lambda/shared/domain';
import { defaultPreferences, Preferences } from '../../lambda/shared/preferences';
import {
  applyPreferenceSwitches,
  buildHomeView,
  HomeActionIds,
  HomeViewInput,
} from '../../lambda/slack-bot/app-home/home-view';
import { blocksAsText } from '../../lambda/slack-bot/app-home/view-text';
import { blockKitViolations } from './block-kit-limits';
import { fixture, storedMeeting } from './fixture';

const NOW = new Date('2026-11-26T14:40:12Z');
const homeOpened = fixture<{ event: { user: string; tab: string } }>('slack/event-app-home-opened.json');

function home(overrides: Partial<HomeViewInput> = {}) {
  return buildHomeView({
    userId: homeOpened.event.user,
    timeZone: 'America/New_York',
    now: NOW,
    meetings: [storedMeeting],
    pendingReminders: [],
    preferences: defaultPreferences(['slack', 'sms', 'email']),
    ...overrides,
  });
}

const meeting = (i: number, extra: Partial<Meeting> = {}): Meeting => ({
  ...storedMeeting,
  meeting_id: `m-${i}`,
  title: `Meeting ${i}`,
  start_time: new Date(NOW.getTime() + (i + 1) * 3 * 3_600_000).toISOString(),
  ...extra,
});

const sections = (blocks: readonly KnownBlock[]): string[] =>
  blocks.filter((b): b is SectionBlock => b.type === 'section').map((b) => b.text?.text ?? '');
const buttons = (blocks: readonly KnownBlock[]): Button[] =>
  blocks
    .flatMap((b): readonly unknown[] =>
      b.type === 'actions' ? b.elements : b.type === 'section' && b.accessory ? [b.accessory] : [],
    )
    .filter((e): e is Button => (e as { type?: string }).type === 'button');
const meetingButtons = (blocks: readonly KnownBlock[], id: string): string[] =>
  buttons(blocks)
    .filter((b) => b.value?.includes(`"${id}"`))
    .map((b) => b.text.text);

describe('Home tab', () => {
  test('views.publish for the user who opened the tab: the meeting with type, local time, status and its actions', () => {
    const { user_id, view } = home();
    expect(homeOpened.event.tab).toBe('home');
    expect(user_id).toBe('U024BE7LH');
    expect(view.type).toBe('home');
    const blocks = view.blocks as KnownBlock[];
    expect(sections(blocks)[0]).toBe(
      '*Q4 Leadership Sync*\nLeadership team · Fri, Nov 27, 9:00 AM EST\nPrep: not started',
    );
    expect(meetingButtons(blocks, 'm-7f3a')).toEqual(['Start Prep', 'Remind Me in 2 Hours']);
    const start = buttons(blocks).find((b) => b.action_id === HomeActionIds.StartPrep);
    expect(JSON.parse(start?.value ?? '')).toEqual({ meeting_id: 'm-7f3a', user_id: 'U024BE7LH' });
  });

  test('a pending reminder: its time is shown, Cancel reminder replaces Remind Me', () => {
    const { view } = home({ pendingReminders: [{ meeting_id: 'm-7f3a', at: '2026-11-26T16:30:00Z' }] });
    const blocks = view.blocks as KnownBlock[];
    expect(sections(blocks)[0]).toContain(':alarm_clock: Reminder at 11:30 AM EST');
    expect(meetingButtons(blocks, 'm-7f3a')).toEqual(['Start Prep', 'Cancel reminder']);
    expect(buttons(blocks).find((b) => b.action_id === HomeActionIds.CancelReminder)?.style).toBe('danger');
    const unknownTime = home({ pendingReminders: [{ meeting_id: 'm-7f3a', at: 'whenever' }] }).view
      .blocks as KnownBlock[];
    expect(sections(unknownTime)[0]).toContain(':alarm_clock: Reminder set');
  });

  test('only the actions that apply: none once prep started, no Remind Me when the meeting is too close', () => {
    const { view } = home({
      meetings: [
        meeting(1, { status: 'PREP_IN_PROGRESS' }),
        meeting(2, { start_time: new Date(NOW.getTime() + 10 * 60_000).toISOString() }),
        meeting(3, { status: 'PREP_SCHEDULED' }),
      ],
    });
    const blocks = view.blocks as KnownBlock[];
    expect(meetingButtons(blocks, 'm-1')).toEqual([]);
    expect(sections(blocks).find((t) => t.startsWith('*Meeting 1*'))).toContain('Prep: in progress');
    expect(meetingButtons(blocks, 'm-2')).toEqual(['Start Prep']);
    expect(meetingButtons(blocks, 'm-3')).toEqual(['Start Prep', 'Remind Me in 2 Hours']);
  });

  test('the next 7 days only, soonest first, cancelled and past meetings left out', () => {
    const { view } = home({
      meetings: [
        meeting(5),
        meeting(1, { start_time: new Date(NOW.getTime() + 8 * 86_400_000).toISOString() }),
        meeting(2, { status: 'CANCELLED' }),
        meeting(3, { start_time: new Date(NOW.getTime() - 60_000).toISOString() }),
        meeting(4),
      ],
    });
    const titles = sections(view.blocks as KnownBlock[])
      .filter((t) => t.startsWith('*Meeting'))
      .map((t) => t.split('\n')[0]);
    expect(titles).toEqual(['*Meeting 4*', '*Meeting 5*']);
  });

  test('a user with no meetings sees so, and still has the preferences', () => {
    const { view } = home({ meetings: [] });
    const texts = sections(view.blocks as KnownBlock[]);
    expect(texts[0]).toBe('You have no meetings in the next 7 days. :palm_tree:');
    expect(texts[1]).toContain('*Preferences*');
    expect(blockKitViolations(view.blocks, { maxBlocks: 100 })).toEqual([]);
  });

  test('50 meetings with long titles stay within Block Kit limits; the rest is counted', () => {
    const meetings = Array.from({ length: 50 }, (_, i) =>
      meeting(i, { title: `${'&<>'.repeat(2000)} ${i}`, meeting_id: `m-${i}-${'x'.repeat(300)}` }),
    );
    const { view } = home({
      meetings,
      pendingReminders: meetings.slice(0, 5).map((m) => ({ meeting_id: m.meeting_id })),
    });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(blockKitViolations(view.blocks, { maxBlocks: 100 })).toEqual([]);
    const shown = sections(view.blocks as KnownBlock[]).filter((t) => t.includes('Prep: not started')).length;
    expect(shown).toBeGreaterThanOrEqual(40);
    const last = JSON.stringify(view.blocks);
    expect(last).toContain(`…and ${50 - shown} more meetings this week, not shown here.`);
  });

  test('user-supplied text is escaped for mrkdwn: no mention, no link, no double-unescaping', () => {
    const titles = ['<!channel> prep', 'With <@U024BE7LH>', '<https://x.example|y>', 'R&amp;D'];
    const { view } = home({ meetings: titles.map((title, i) => meeting(i, { title })), timeZone: 'America/New_York' });
    const text = sections(view.blocks as KnownBlock[]).join('\n');
    expect(text).toContain('*&lt;!channel&gt; prep*');
    expect(text).toContain('*With &lt;@U024BE7LH&gt;*');
    expect(text).toContain('*&lt;https://x.example|y&gt;*');
    expect(text).toContain('*R&amp;amp;D*');
    expect(text).not.toMatch(/<[!@h]/);
  });

  test('a blank or non-string title shows as untitled', () => {
    const { view } = home({ meetings: [meeting(1, { title: '   ' }), meeting(2, { title: 42 as unknown as string })] });
    expect(sections(view.blocks as KnownBlock[]).filter((t) => t.startsWith('*Untitled meeting*'))).toHaveLength(2);
  });

  test('preferences: channels in order, quiet hours, digest and switches; unreadable settings are flagged', () => {
    const prefs: Preferences = {
      prep_reminders: false,
      channels: ['sms', 'slack'],
      quiet_hours: { start: '21:00', end: '07:00' },
      quiet_channels: ['sms', 'email'],
      digest: { enabled: true, time: '07:30' },
    };
    const { view } = home({ preferences: prefs, preferenceProblems: [{ path: 'channels[1]', message: 'x' }] });
    const blocks = view.blocks as KnownBlock[];
    expect(sections(blocks).find((t) => t.startsWith('*Preferences*'))).toBe(
      [
        '*Preferences*',
        'Prep reminders: off',
        'Channels: SMS, then Slack',
        'Quiet hours: 9:00 PM to 7:00 AM (overnight), holding back SMS and email',
        'Morning digest: on, at 7:30 AM',
        'Times are in America/New_York.',
      ].join('\n'),
    );
    expect(buttons(blocks).find((b) => b.action_id === HomeActionIds.OpenPreferences)?.value).toBe('U024BE7LH');
    const switches = blocks
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .find((e) => e.type === 'checkboxes');
    expect(switches).toMatchObject({
      action_id: HomeActionIds.PreferenceSwitches,
      initial_options: [{ value: 'digest' }],
    });
    expect(JSON.stringify(blocks)).toContain('Some saved settings could not be read (channels); defaults are shown.');
  });

  test('the Home tab as text, for npm start -- home', () => {
    const { view } = home({
      meetings: [{ ...storedMeeting, title: 'Q4 <Leadership> & Sync' }],
      pendingReminders: [{ meeting_id: 'm-7f3a', at: '2026-11-26T16:30:00Z' }],
    });
    expect(blocksAsText(view.blocks)).toBe(
      [
        '== Your meeting prep ==',
        'Next 7 days · times in America/New_York',
        '*Q4 <Leadership> & Sync*\nLeadership team · Fri, Nov 27, 9:00 AM EST\nPrep: not started\n:alarm_clock: Reminder at 11:30 AM EST',
        '  [Start Prep] [Cancel reminder]',
        '----',
        '*Preferences*\nPrep reminders: on\nChannels: Slack, then SMS, then email\nQuiet hours: none\nMorning digest: off\nTimes are in America/New_York.',
        '  [Edit preferences]',
        '  [x] Prep reminders  [ ] Morning digest',
      ].join('\n'),
    );
  });

  test('the switches turn prep reminders and the digest on and off, nothing else', () => {
    const current = { ...defaultPreferences(['email']), quiet_hours: { start: '22:00', end: '06:00' } };
    expect(applyPreferenceSwitches(current, ['digest'])).toEqual({
      ...current,
      prep_reminders: false,
      digest: { enabled: true, time: '07:30' },
    });
    expect(applyPreferenceSwitches(current, ['prep_reminders'])).toEqual(current);
  });
});
