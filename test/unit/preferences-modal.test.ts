import type { AnyBlock, InputBlock, PlainTextOption } from '@slack/types';
import { defaultPreferences, Preferences } from '../../lambda/shared/preferences';
import {
  buildPreferencesModal,
  channelOrders,
  parsePreferencesSubmission,
  PREFERENCES_CALLBACK_ID,
  submissionStateFor,
  SubmittedState,
} from '../../lambda/slack-bot/app-home/preferences-modal';
import { blocksAsText } from '../../lambda/slack-bot/app-home/view-text';
import { blockKitViolations } from './block-kit-limits';
import { fixture } from './fixture';

interface ViewSubmission {
  type: string;
  view: { callback_id: string; blocks: AnyBlock[]; state: { values: SubmittedState } };
}
const submission = fixture<ViewSubmission>('slack/view-submission-preferences.json');
const STACK: ['slack', 'sms', 'email'] = ['slack', 'sms', 'email'];
type Values = Record<string, Record<string, Record<string, unknown>>>;

/** The fixture's submitted state with some fields changed (`null` = the field left empty). */
function submitted(changes: Record<string, Record<string, unknown> | null>): SubmittedState {
  const values: Values = JSON.parse(JSON.stringify(submission.view.state.values));
  for (const [block, change] of Object.entries(changes)) {
    if (change === null) delete values[block];
    else values[block] = { [block]: { ...values[block]?.[block], ...change } };
  }
  return values as unknown as SubmittedState;
}

const inputs = (blocks: readonly AnyBlock[]): InputBlock[] => blocks.filter((b): b is InputBlock => b.type === 'input');

describe('preferences modal', () => {
  test('the modal has the block ids, action ids and element types of the real submission', () => {
    const modal = buildPreferencesModal(defaultPreferences(STACK), 'America/New_York');
    expect(submission.type).toBe('view_submission');
    expect(modal.callback_id).toBe(submission.view.callback_id);
    expect(modal.callback_id).toBe(PREFERENCES_CALLBACK_ID);
    const shape = (blocks: readonly AnyBlock[]) =>
      inputs(blocks).map((b) => [b.block_id, b.element.type, b.element.action_id]);
    expect(shape(modal.blocks)).toEqual(shape(submission.view.blocks));
    expect(Array.from(modal.title.text).length).toBeLessThanOrEqual(24);
    expect(blockKitViolations(modal.blocks, { maxBlocks: 100 })).toEqual([]);
  });

  test('all 15 channel orders are offered, and the current order is always one of them', () => {
    expect(channelOrders()).toHaveLength(15);
    for (const order of channelOrders()) {
      const modal = buildPreferencesModal({ ...defaultPreferences(STACK), channels: order }, 'UTC');
      const select = inputs(modal.blocks).find((b) => b.block_id === 'channel_order')?.element as {
        options: PlainTextOption[];
        initial_option: PlainTextOption;
      };
      expect(select.options).toContainEqual(select.initial_option);
      expect(select.initial_option.value).toBe(order.join(','));
      for (const o of select.options) expect(o.text.text.length).toBeLessThanOrEqual(75);
    }
  });

  test('the current preferences fill the fields; nothing selected means no initial options', () => {
    const prefs: Preferences = {
      prep_reminders: false,
      channels: ['email'],
      quiet_hours: { start: '22:00', end: '06:30' },
      quiet_channels: [],
      digest: { enabled: true, time: '06:45' },
    };
    const byId = Object.fromEntries(
      inputs(buildPreferencesModal(prefs, 'Asia/Kolkata').blocks).map((b) => [
        b.block_id,
        b.element as unknown as Record<string, unknown>,
      ]),
    );
    expect(byId.prep_reminders).not.toHaveProperty('initial_options');
    expect(byId.channel_order).toMatchObject({ initial_option: { value: 'email', text: { text: 'Email only' } } });
    expect(byId.quiet_hours_start).toMatchObject({ initial_time: '22:00' });
    expect(byId.quiet_hours_end).toMatchObject({ initial_time: '06:30' });
    expect(byId.quiet_channels).not.toHaveProperty('initial_options');
    expect(byId.digest).toMatchObject({ initial_options: [{ value: 'enabled' }] });
    expect(byId.digest_time).toMatchObject({ initial_time: '06:45' });
  });

  test('the real submission parses into the preferences to save', () => {
    expect(parsePreferencesSubmission(submission.view.state.values, STACK)).toEqual({
      ok: true,
      preferences: {
        prep_reminders: true,
        channels: ['slack', 'sms', 'email'],
        quiet_hours: { start: '21:00', end: '07:00' },
        quiet_channels: ['sms', 'email'],
        digest: { enabled: false, time: '07:30' },
      },
      stored: expect.objectContaining({ quiet_hours: { start: '21:00', end: '07:00' } }),
    });
  });

  test('a new order, a window within the day, no quiet hours at all, the digest switched on', () => {
    const ok = parsePreferencesSubmission(
      submitted({
        channel_order: { selected_option: { value: 'sms,slack' } },
        quiet_hours_start: { selected_time: '13:00' },
        quiet_hours_end: { selected_time: '15:00' },
      }),
      STACK,
    );
    expect(ok).toMatchObject({
      ok: true,
      preferences: { channels: ['sms', 'slack'], quiet_hours: { start: '13:00', end: '15:00' } },
    });
    const none = parsePreferencesSubmission(
      submitted({
        quiet_hours_start: { selected_time: null },
        quiet_hours_end: null,
        prep_reminders: { selected_options: [] },
      }),
      STACK,
    );
    expect(none.ok && none.stored).toEqual({
      prep_reminders: false,
      channels: STACK,
      quiet_channels: ['sms', 'email'],
      digest: { enabled: false, time: '07:30' },
    });
    const digest = parsePreferencesSubmission(
      submitted({ digest: { selected_options: [{ value: 'enabled' }] }, digest_time: { selected_time: '06:15' } }),
      STACK,
    );
    expect(digest).toMatchObject({ ok: true, preferences: { digest: { enabled: true, time: '06:15' } } });
  });

  const errorsOf = (changes: Record<string, Record<string, unknown> | null>) => {
    const result = parsePreferencesSubmission(submitted(changes), STACK);
    if (result.ok) throw new Error('expected errors');
    expect(result.response.response_action).toBe('errors');
    return result.response.errors;
  };

  test("errors are keyed by the field's block id, one clear message each", () => {
    expect(errorsOf({ quiet_hours_end: { selected_time: '21:00' } })).toEqual({
      quiet_hours_end: 'Must differ from the start (21:00): equal times leave no quiet hours.',
    });
    expect(
      errorsOf({ quiet_hours_start: { selected_time: '09:00' }, quiet_hours_end: { selected_time: '08:00' } }),
    ).toEqual({
      quiet_hours_end: '09:00 to 08:00 would be 23 hours of quiet (at most 18); are the times the wrong way round?',
    });
    expect(errorsOf({ quiet_hours_end: { selected_time: null } })).toEqual({
      quiet_hours_end: 'Set when quiet hours end too, or clear both times for no quiet hours.',
    });
    expect(errorsOf({ quiet_hours_start: null })).toEqual({
      quiet_hours_start: 'Set when quiet hours start too, or clear both times for no quiet hours.',
    });
    expect(errorsOf({ quiet_channels: { selected_options: [] } })).toEqual({
      quiet_channels: 'Choose at least one channel to hold back, or clear the quiet hours.',
    });
    expect(
      errorsOf({ digest: { selected_options: [{ value: 'enabled' }] }, digest_time: { selected_time: null } }),
    ).toEqual({
      digest_time: 'Pick a time for your morning digest.',
    });
    expect(errorsOf({ channel_order: { selected_option: null } })).toEqual({
      channel_order: 'Choose how to reach you.',
    });
  });

  test('a tampered value is refused, not saved', () => {
    expect(errorsOf({ channel_order: { selected_option: { value: 'slack,fax' } } })).toEqual({
      channel_order: '"fax" is not a channel (slack, sms, email).',
    });
    expect(
      errorsOf({
        quiet_hours_start: { selected_time: '25:00' },
        channel_order: { selected_option: { value: 'sms,sms' } },
      }),
    ).toEqual({
      channel_order: '"sms" is listed twice.',
      quiet_hours_start: 'Must be a 24-hour time "HH:MM" (00:00-23:59), not "25:00".',
    });
  });

  test('round trip: saving the modal unchanged gives back the same preferences, for every order and option', () => {
    const variants: Preferences[] = channelOrders().flatMap((channels) => [
      { ...defaultPreferences(STACK), channels },
      {
        prep_reminders: false,
        channels,
        quiet_hours: { start: '22:30', end: '06:00' },
        quiet_channels: ['slack', 'sms', 'email'],
        digest: { enabled: true, time: '00:00' },
      },
    ]);
    for (const prefs of variants)
      expect(parsePreferencesSubmission(submissionStateFor(prefs), STACK)).toMatchObject({
        ok: true,
        preferences: prefs,
      });
    expect(submissionStateFor(defaultPreferences(STACK))).toEqual(
      expect.objectContaining({
        quiet_hours_start: { quiet_hours_start: { type: 'timepicker', selected_time: null } },
      }),
    );
  });

  test('the modal as text, for the terminal', () => {
    const prefs: Preferences = { ...defaultPreferences(STACK), quiet_hours: { start: '21:00', end: '07:00' } };
    expect(blocksAsText(buildPreferencesModal(prefs, 'America/New_York').blocks)).toBe(
      [
        'Prep reminders: [x] Remind me to prepare for my meetings',
        'Reach me by: (select: Slack, then SMS, then email)',
        '*Quiet hours* are in your time zone (America/New_York); an end before the start runs overnight. Leave both empty for none. Slack follows your own notification schedule; a reminder you ask for always comes.',
        'Quiet from: (time: 21:00)',
        'Quiet until: (time: 07:00)',
        'Hold back during quiet hours: (select: sms, email)',
        'Morning digest: [ ] Send me a morning digest',
        'Digest time: (time: 07:30)',
      ].join('\n'),
    );
  });

  test('the limits checker itself catches violations', () => {
    const tooMany = Array.from({ length: 101 }, () => ({ type: 'divider' as const }));
    expect(blockKitViolations(tooMany, { maxBlocks: 100 })).toEqual(['101 blocks > 100']);
    const long = [
      { type: 'section' as const, block_id: 'a', text: { type: 'mrkdwn' as const, text: 'x'.repeat(3001) } },
      { type: 'divider' as const, block_id: 'a' },
    ];
    expect(blockKitViolations(long, { maxBlocks: 100 })).toEqual(['section text 3001 > 3000', 'duplicate block_id a']);
  });
});
