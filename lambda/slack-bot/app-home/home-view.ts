/**
 * The Home tab (`views.publish`): the next 7 days of meetings with their prep status and the actions that apply,
 * then the user's preferences with switches and an Edit button. Pure; within Block Kit's limits whatever the data.
 */
import type { ActionsBlock, Button, Checkboxes, HomeView, KnownBlock, Option } from '@slack/types';
import { canStartPrep, selectUpcoming } from '../../shared/meetings-repository';
import { Meeting, MeetingStatus, meetingTypeInWords, toMeetingType } from '../../shared/domain';
import type { PrepButtonValue } from '../../channels/slack/messages';
import { escapeMrkdwn, mrkdwnText } from '../../channels/slack/mrkdwn';
import type { PreferenceProblem, Preferences } from '../../shared/preferences';
import { formatLocalDateTime, formatLocalTime } from '../../shared/time';
import { reminderTime } from '../../actions/reminders';
import {
  BlockKitLimits,
  channelListInWords,
  channelOrderInWords,
  clockTimeInWords,
  quietHoursInWords,
} from './block-kit';
import { ReminderLabels } from '../../shared/reminder-policy';
import { truncate } from '../../shared/text';

/** Action ids of the Home tab's interactive elements. */
export const HomeActionIds = {
  StartPrep: 'home_start_prep',
  RemindLater: 'home_remind_later',
  CancelReminder: 'home_cancel_reminder',
  OpenPreferences: 'open_preferences',
  PreferenceSwitches: 'preference_switches',
} as const;

/** The values of the switch checkboxes (action `preference_switches`). */
export const SwitchValues = { PrepReminders: 'prep_reminders', Digest: 'digest' } as const;

/** A reminder schedule that has not fired yet. */
export interface PendingReminder {
  readonly meeting_id: string;
  /** When it fires (ISO 8601), if known. */
  readonly at?: string;
}

/** What the Home tab shows. */
export interface HomeViewInput {
  readonly userId: string;
  /** The user's IANA zone (already validated/defaulted). */
  readonly timeZone: string;
  readonly now: Date;
  /** The user's meetings; those outside the next 7 days and cancelled ones are left out here. */
  readonly meetings: readonly Meeting[];
  readonly pendingReminders: readonly PendingReminder[];
  readonly preferences: Preferences;
  /** Problems `readPreferences` found in the stored preferences: the tab says defaults are shown. */
  readonly preferenceProblems?: readonly PreferenceProblem[];
}

/** The `views.publish` arguments (without the token). */
export interface HomePublish {
  readonly user_id: string;
  readonly view: HomeView;
}

const WEEK_MS = 7 * 86_400_000;
/** Long enough to recognise a meeting; escaping can make it up to 5x longer, still far below 3000. */
const TITLE_MAX = 300;

const STATUS_WORDS: Readonly<Record<string, string>> = {
  [MeetingStatus.Discovered]: 'not started',
  [MeetingStatus.Classified]: 'not started',
  [MeetingStatus.PrepScheduled]: 'not started (reminder sent)',
  [MeetingStatus.PrepInProgress]: 'in progress',
  [MeetingStatus.PrepCompleted]: 'done',
  [MeetingStatus.Completed]: 'meeting over',
};

const plain = (text: string) => ({
  type: 'plain_text' as const,
  text: truncate(text, BlockKitLimits.buttonText),
  emoji: true,
});

function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', action_id: actionId, text: plain(text), value, ...(style ? { style } : {}) };
}

function meetingBlocks(
  m: Meeting,
  index: number,
  input: HomeViewInput,
  pending: PendingReminder | undefined,
): KnownBlock[] {
  // The item comes from DynamoDB as written upstream: a non-string title is shown as untitled, not a crash.
  const title = escapeMrkdwn(
    truncate((typeof m.title === 'string' && m.title.trim()) || 'Untitled meeting', TITLE_MAX),
  );
  const lines = [
    `*${title}*`,
    `${meetingTypeInWords(toMeetingType(m.meeting_type))} · ${formatLocalDateTime(m.start_time, input.timeZone)}`,
    `Prep: ${STATUS_WORDS[m.status ?? ''] ?? 'status unknown'}`,
  ];
  if (pending) {
    const at = pending.at && Number.isFinite(Date.parse(pending.at)) ? pending.at : undefined;
    lines.push(at ? `:alarm_clock: Reminder at ${formatLocalTime(at, input.timeZone)}` : ':alarm_clock: Reminder set');
  }
  const blockId = (kind: string): string => `${kind}_${index}_${m.meeting_id}`.slice(0, BlockKitLimits.blockId);
  const blocks: KnownBlock[] = [{ type: 'section', block_id: blockId('meeting'), text: mrkdwnText(lines.join('\n')) }];

  const value = JSON.stringify({ meeting_id: m.meeting_id, user_id: m.user_id } satisfies PrepButtonValue);
  // An id too long for a button value cannot be acted on from here; the meeting is still listed.
  if (value.length > BlockKitLimits.buttonValue) return blocks;
  const startable = canStartPrep(m);
  const buttons: Button[] = [];
  if (startable) buttons.push(button(HomeActionIds.StartPrep, 'Start Prep', value, 'primary'));
  if (startable && !pending && reminderTime(input.now, m.start_time))
    buttons.push(button(HomeActionIds.RemindLater, ReminderLabels.button, value));
  if (pending) buttons.push(button(HomeActionIds.CancelReminder, 'Cancel reminder', value, 'danger'));
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: blockId('meeting_actions'), elements: buttons });
  return blocks;
}

const option = (text: string, value: string): Option => ({ text: { type: 'plain_text', text, emoji: true }, value });

function preferenceBlocks(input: HomeViewInput): KnownBlock[] {
  const p = input.preferences;
  const quiet = p.quiet_hours
    ? `${quietHoursInWords(p.quiet_hours)}, holding back ${channelListInWords(p.quiet_channels)}`
    : 'none';
  const text = [
    '*Preferences*',
    `Prep reminders: ${p.prep_reminders ? 'on' : 'off'}`,
    `Channels: ${channelOrderInWords(p.channels)}`,
    `Quiet hours: ${quiet}`,
    `Morning digest: ${p.digest.enabled ? `on, at ${clockTimeInWords(p.digest.time)}` : 'off'}`,
    `Times are in ${escapeMrkdwn(input.timeZone)}.`,
  ].join('\n');
  const options = [option('Prep reminders', SwitchValues.PrepReminders), option('Morning digest', SwitchValues.Digest)];
  const selected = options.filter((o) =>
    o.value === SwitchValues.PrepReminders ? p.prep_reminders : p.digest.enabled,
  );
  const switches: Checkboxes = {
    type: 'checkboxes',
    action_id: HomeActionIds.PreferenceSwitches,
    options,
    ...(selected.length > 0 ? { initial_options: selected } : {}),
  };
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    {
      type: 'section',
      block_id: 'preferences',
      text: mrkdwnText(text),
      accessory: button(HomeActionIds.OpenPreferences, 'Edit preferences', input.userId),
    },
    { type: 'actions', block_id: 'preference_switches', elements: [switches] } satisfies ActionsBlock,
  ];
  if (input.preferenceProblems && input.preferenceProblems.length > 0) {
    const fields = [...new Set(input.preferenceProblems.map((pr) => pr.path.split(/[.[]/)[0]))].join(', ');
    blocks.push({
      type: 'context',
      elements: [
        mrkdwnText(
          `:warning: Some saved settings could not be read (${escapeMrkdwn(fields)}); defaults are shown. Edit preferences to fix them.`,
        ),
      ],
    });
  }
  return blocks;
}

/** The Home tab for one user. */
export function buildHomeView(input: HomeViewInput): HomePublish {
  const upcoming = selectUpcoming(
    input.meetings,
    input.now,
    new Date(input.now.getTime() + WEEK_MS),
    Number.POSITIVE_INFINITY,
  );
  const pendingById = new Map(input.pendingReminders.map((r) => [r.meeting_id, r]));
  const tail = preferenceBlocks(input);
  const head: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Your meeting prep', emoji: true } },
    { type: 'context', elements: [mrkdwnText(`Next 7 days · times in ${escapeMrkdwn(input.timeZone)}`)] },
  ];
  const body: KnownBlock[] = [];
  // One block is kept for the "more meetings" line.
  const budget = BlockKitLimits.homeBlocks - head.length - tail.length - 1;
  let shown = 0;
  for (const m of upcoming) {
    const blocks = meetingBlocks(m, shown, input, pendingById.get(m.meeting_id));
    if (body.length + blocks.length > budget) break;
    body.push(...blocks);
    shown += 1;
  }
  if (upcoming.length === 0) {
    body.push({
      type: 'section',
      block_id: 'no_meetings',
      text: mrkdwnText('You have no meetings in the next 7 days. :palm_tree:'),
    });
  } else if (shown < upcoming.length) {
    const more = upcoming.length - shown;
    body.push({
      type: 'context',
      elements: [mrkdwnText(`…and ${more} more meeting${more === 1 ? '' : 's'} this week, not shown here.`)],
    });
  }
  return { user_id: input.userId, view: { type: 'home', callback_id: 'home', blocks: [...head, ...body, ...tail] } };
}

/** The preferences after the user ticked or unticked the Home tab's switches (`selected_options` values). */
export function applyPreferenceSwitches(current: Preferences, selectedValues: readonly string[]): Preferences {
  return {
    ...current,
    prep_reminders: selectedValues.includes(SwitchValues.PrepReminders),
    digest: { ...current.digest, enabled: selectedValues.includes(SwitchValues.Digest) },
  };
}
