/**
 * The preferences modal (`views.open`) and its `view_submission`: the view from the current preferences, and the
 * submitted state parsed and validated into preferences or Slack's `response_action: "errors"` keyed by block id.
 * Block and action ids are the ones of the real payload (test/fixtures/slack/view-submission-preferences.json). Pure.
 */
import type { InputBlock, InputBlockElement, ModalView, PlainTextOption, Timepicker } from '@slack/types';
import { byChannel } from '../../shared/channel-registry';
import { CHANNELS, Channel } from '../../shared/domain';
import { escapeMrkdwn, mrkdwnText } from '../../channels/slack/mrkdwn';
import {
  DEFAULT_DIGEST_TIME,
  Preferences,
  StoredPreferences,
  toStoredPreferences,
  validatePreferences,
} from '../../shared/preferences';
import { channelOrderInWords } from './block-kit';

/** The modal's `callback_id` (route `view_submission` on it). */
export const PREFERENCES_CALLBACK_ID = 'preferences';

/** Block ids; each input's action id is the same word. */
export const PreferenceBlocks = {
  PrepReminders: 'prep_reminders',
  ChannelOrder: 'channel_order',
  QuietStart: 'quiet_hours_start',
  QuietEnd: 'quiet_hours_end',
  QuietChannels: 'quiet_channels',
  Digest: 'digest',
  DigestTime: 'digest_time',
} as const;
type BlockId = (typeof PreferenceBlocks)[keyof typeof PreferenceBlocks];

const PREP_ON = 'on';
const DIGEST_ON = 'enabled';
const CHANNEL_LABEL: Readonly<Record<Channel, string>> = byChannel((spec) => spec.label);

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
const option = (text: string, value: string): PlainTextOption => ({ text: plain(text), value });

/** Every order of a non-empty subset of the channels: 3 full orders of 3, 6 of 2, 3 single channels... 15 in all. */
export function channelOrders(): Channel[][] {
  const out: Channel[][] = [];
  const grow = (prefix: Channel[]): void => {
    if (prefix.length > 0) out.push(prefix);
    for (const c of CHANNELS) if (!prefix.includes(c)) grow([...prefix, c]);
  };
  grow([]);
  return out.sort((a, b) => b.length - a.length);
}

const orderOption = (order: readonly Channel[]): PlainTextOption => option(channelOrderInWords(order), order.join(','));

function input(blockId: BlockId, label: string, element: InputBlockElement, optional: boolean): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional,
    element: { ...element, action_id: blockId },
  };
}

/** The modal showing `prefs`. `privateMetadata` comes back with the submission (e.g. the Home view id). */
export function buildPreferencesModal(prefs: Preferences, timeZone: string, privateMetadata = ''): ModalView {
  const prepOption = option('Remind me to prepare for my meetings', PREP_ON);
  const digestOption = option('Send me a morning digest', DIGEST_ON);
  const channelOptions = CHANNELS.map((c) => option(CHANNEL_LABEL[c], c));
  const quietSelected = channelOptions.filter((o) => prefs.quiet_channels.includes(o.value as Channel));
  const timepicker = (initial: string | undefined): Timepicker => ({
    type: 'timepicker',
    placeholder: plain('Select a time'),
    ...(initial ? { initial_time: initial } : {}),
  });
  return {
    type: 'modal',
    callback_id: PREFERENCES_CALLBACK_ID,
    title: plain('Prep preferences'),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: privateMetadata,
    blocks: [
      input(
        PreferenceBlocks.PrepReminders,
        'Prep reminders',
        {
          type: 'checkboxes',
          options: [prepOption],
          ...(prefs.prep_reminders ? { initial_options: [prepOption] } : {}),
        },
        true,
      ),
      input(
        PreferenceBlocks.ChannelOrder,
        'Reach me by',
        {
          type: 'static_select',
          placeholder: plain('Choose an order'),
          options: channelOrders().map(orderOption),
          initial_option: orderOption(prefs.channels),
        },
        false,
      ),
      {
        type: 'section',
        block_id: 'quiet_hours_help',
        text: mrkdwnText(
          `*Quiet hours* are in your time zone (${escapeMrkdwn(timeZone)}); an end before the start runs overnight. Leave both empty for none. Slack follows your own notification schedule; a reminder you ask for always comes.`,
        ),
      },
      input(PreferenceBlocks.QuietStart, 'Quiet from', timepicker(prefs.quiet_hours?.start), true),
      input(PreferenceBlocks.QuietEnd, 'Quiet until', timepicker(prefs.quiet_hours?.end), true),
      input(
        PreferenceBlocks.QuietChannels,
        'Hold back during quiet hours',
        {
          type: 'multi_static_select',
          placeholder: plain('Choose channels'),
          options: channelOptions,
          ...(quietSelected.length > 0 ? { initial_options: quietSelected } : {}),
        },
        true,
      ),
      input(
        PreferenceBlocks.Digest,
        'Morning digest',
        {
          type: 'checkboxes',
          options: [digestOption],
          ...(prefs.digest.enabled ? { initial_options: [digestOption] } : {}),
        },
        true,
      ),
      input(PreferenceBlocks.DigestTime, 'Digest time', timepicker(prefs.digest.time), true),
    ],
  };
}

/** One element's submitted state, as Slack sends it in `view.state.values[block_id][action_id]`. */
export interface SubmittedValue {
  readonly type: string;
  readonly selected_options?: readonly { readonly value: string }[] | null;
  readonly selected_option?: { readonly value: string } | null;
  readonly selected_time?: string | null;
}

/** `view.state.values`. */
export type SubmittedState = Readonly<Record<string, Readonly<Record<string, SubmittedValue>>>>;

/** Slack's answer that keeps the modal open with a message under each field. */
export interface SubmissionErrors {
  readonly response_action: 'errors';
  readonly errors: Record<string, string>;
}

/** Saved preferences (and the users item's new `notification_preferences`), or the errors to show. */
export type SubmissionResult =
  | { readonly ok: true; readonly preferences: Preferences; readonly stored: StoredPreferences }
  | { readonly ok: false; readonly response: SubmissionErrors };

/** Which field a preferences problem belongs to. */
function blockFor(path: string): BlockId {
  if (path.startsWith('channels')) return PreferenceBlocks.ChannelOrder;
  if (path.startsWith('quiet_hours.start')) return PreferenceBlocks.QuietStart;
  if (path.startsWith('quiet_hours')) return PreferenceBlocks.QuietEnd;
  if (path.startsWith('quiet_channels')) return PreferenceBlocks.QuietChannels;
  if (path.startsWith('digest.time')) return PreferenceBlocks.DigestTime;
  if (path.startsWith('digest')) return PreferenceBlocks.Digest;
  return PreferenceBlocks.PrepReminders;
}

/** "must differ…" → "Must differ….", keeping a final "?" or ".". */
const sentence = (text: string): string =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.?!]$/.test(text) ? '' : '.'}`;

/**
 * Reads and validates a submission. Rules beyond the stored schema: both quiet-hours times or neither; quiet hours
 * need at least one channel to hold back; a digest needs a time. One message per field, the first found.
 */
export function parsePreferencesSubmission(
  state: SubmittedState,
  defaultChannels: readonly Channel[],
): SubmissionResult {
  const value = (block: BlockId): SubmittedValue | undefined => state[block]?.[block];
  const selected = (block: BlockId): string[] => (value(block)?.selected_options ?? []).map((o) => o.value);
  const time = (block: BlockId): string | undefined => value(block)?.selected_time ?? undefined;
  const errors: Record<string, string> = {};
  const fail = (block: BlockId, message: string): void => {
    errors[block] ??= message;
  };

  const order = value(PreferenceBlocks.ChannelOrder)?.selected_option?.value;
  if (!order) fail(PreferenceBlocks.ChannelOrder, 'Choose how to reach you.');
  const start = time(PreferenceBlocks.QuietStart);
  const end = time(PreferenceBlocks.QuietEnd);
  if (start && !end)
    fail(PreferenceBlocks.QuietEnd, 'Set when quiet hours end too, or clear both times for no quiet hours.');
  if (end && !start)
    fail(PreferenceBlocks.QuietStart, 'Set when quiet hours start too, or clear both times for no quiet hours.');
  const quietChannels = selected(PreferenceBlocks.QuietChannels);
  if (start && end && quietChannels.length === 0)
    fail(PreferenceBlocks.QuietChannels, 'Choose at least one channel to hold back, or clear the quiet hours.');
  const digestOn = selected(PreferenceBlocks.Digest).includes(DIGEST_ON);
  const digestTime = time(PreferenceBlocks.DigestTime);
  if (digestOn && !digestTime) fail(PreferenceBlocks.DigestTime, 'Pick a time for your morning digest.');

  const candidate = {
    prep_reminders: selected(PreferenceBlocks.PrepReminders).includes(PREP_ON),
    ...(order ? { channels: order.split(',') } : {}),
    ...(start && end ? { quiet_hours: { start, end } } : {}),
    quiet_channels: quietChannels,
    digest: { enabled: digestOn, time: digestTime ?? DEFAULT_DIGEST_TIME },
  };
  const checked = validatePreferences(candidate, defaultChannels);
  if (!checked.ok) for (const p of checked.problems) fail(blockFor(p.path), sentence(p.message));
  if (Object.keys(errors).length > 0 || !checked.ok)
    return { ok: false, response: { response_action: 'errors', errors } };
  return { ok: true, preferences: checked.preferences, stored: toStoredPreferences(checked.preferences) };
}

/**
 * The `view.state.values` Slack would send if the user saved the modal built from `prefs` unchanged: what the local
 * runtime (`npm start -- prefs '{...}'`) submits, and the round trip tests check.
 */
export function submissionStateFor(prefs: Preferences): SubmittedState {
  const options = (values: readonly string[]) => ({ selected_options: values.map((value) => ({ value })) });
  const time = (t: string | undefined) => ({ type: 'timepicker', selected_time: t ?? null });
  return {
    [PreferenceBlocks.PrepReminders]: {
      [PreferenceBlocks.PrepReminders]: { type: 'checkboxes', ...options(prefs.prep_reminders ? [PREP_ON] : []) },
    },
    [PreferenceBlocks.ChannelOrder]: {
      [PreferenceBlocks.ChannelOrder]: { type: 'static_select', selected_option: { value: prefs.channels.join(',') } },
    },
    [PreferenceBlocks.QuietStart]: { [PreferenceBlocks.QuietStart]: time(prefs.quiet_hours?.start) },
    [PreferenceBlocks.QuietEnd]: { [PreferenceBlocks.QuietEnd]: time(prefs.quiet_hours?.end) },
    [PreferenceBlocks.QuietChannels]: {
      [PreferenceBlocks.QuietChannels]: { type: 'multi_static_select', ...options(prefs.quiet_channels) },
    },
    [PreferenceBlocks.Digest]: {
      [PreferenceBlocks.Digest]: { type: 'checkboxes', ...options(prefs.digest.enabled ? [DIGEST_ON] : []) },
    },
    [PreferenceBlocks.DigestTime]: { [PreferenceBlocks.DigestTime]: time(prefs.digest.time) },
  };
}
