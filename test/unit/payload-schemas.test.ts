/** Which signed payloads the bot serves, and why the others are ignored. */
import { classifyPayload } from '../../lambda/slack-bot/classify-payload';
import { fixture } from './fixture';

type Obj = Record<string, unknown>;
const startPrep = fixture<Obj>('slack/block-actions-start-prep.json');
const messageIm = fixture<Obj & { event: Obj }>('slack/event-message-im.json');
const command = fixture<Obj>('slack/slash-command-meetings.json');
const homeOpened = fixture<Obj & { event: Obj }>('slack/event-app-home-opened.json');
const submission = fixture<Obj & { view: Obj }>('slack/view-submission-preferences.json');
const homeClick = (action: Obj): Obj => ({
  ...without(startPrep, 'channel', 'message', 'response_url'),
  container: { type: 'view', view_id: 'V07JB4M9Q2K' },
  view: { id: 'V07JB4M9Q2K', type: 'home' },
  actions: [action],
});
const without = (o: Obj, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('served', () => {
  it('/meetings, keeping only the fields the bot reads', () => {
    const out = classifyPayload(command);
    expect(out).toMatchObject({ kind: 'command', payload: { command: '/meetings', user_id: 'U024BE7LH' } });
    expect(Object.keys((out as { payload: Obj }).payload)).not.toContain('token');
  });

  it('a Start Prep click', () => {
    expect(classifyPayload(startPrep)).toMatchObject({
      kind: 'action',
      payload: { user: { id: 'U024BE7LH' }, actions: [{ action_id: 'start_prep' }] },
    });
  });

  it("a person's DM, its text defaulting to empty", () => {
    expect(classifyPayload({ ...messageIm, event: without(messageIm.event, 'text') })).toMatchObject({
      kind: 'message',
      payload: { event: { text: '' } },
    });
  });

  it('a click on an ephemeral message with only a response_url to answer through', () => {
    const body = {
      ...without(startPrep, 'channel', 'message'),
      container: { type: 'message', is_ephemeral: true },
      response_url: 'https://hooks.slack.com/actions/T/1/abc',
    };
    expect(classifyPayload(body).kind).toBe('action');
  });
});

describe('served: App Home', () => {
  it('the Home tab opened', () => {
    expect(classifyPayload(homeOpened)).toMatchObject({
      kind: 'home_opened',
      payload: { event_id: 'Ev07HK8N3P5R', event: { user: 'U024BE7LH', tab: 'home' } },
    });
  });

  it.each(['home_start_prep', 'home_remind_later', 'home_cancel_reminder', 'open_preferences'])(
    'a click on %s in the Home tab (no channel, no response_url)',
    (actionId) => {
      expect(classifyPayload(homeClick({ type: 'button', action_id: actionId, value: '{}' }))).toMatchObject({
        kind: 'home_action',
        payload: { actions: [{ action_id: actionId }] },
      });
    },
  );

  it('the switches, with the ticked values', () => {
    const out = classifyPayload(
      homeClick({
        type: 'checkboxes',
        action_id: 'preference_switches',
        selected_options: [{ value: 'digest', text: { type: 'plain_text', text: 'x' } }],
      }),
    );
    expect(out).toMatchObject({
      kind: 'home_action',
      payload: { actions: [{ selected_options: [{ value: 'digest' }] }] },
    });
  });

  it('the preferences modal submitted, with its state', () => {
    expect(classifyPayload(submission)).toMatchObject({
      kind: 'view_submission',
      payload: {
        user: { id: 'U024BE7LH' },
        view: {
          callback_id: 'preferences',
          state: { values: { digest_time: { digest_time: { selected_time: '07:30' } } } },
        },
      },
    });
  });

  it("a Start Prep click in the digest DM goes the message buttons' way", () => {
    expect(
      classifyPayload({ ...startPrep, actions: [{ type: 'button', action_id: 'digest_start_prep', value: '{}' }] }),
    ).toMatchObject({ kind: 'action' });
  });
});

describe('ignored, with a reason', () => {
  it.each([
    [
      'app_rate_limited',
      { type: 'app_rate_limited', team_id: 'T05QX8K2M7N', minute_rate_limited: 1 },
      'app_rate_limited',
    ],
    ['an empty user_id', { ...command, user_id: '' }, 'invalid_command'],
    ['a missing user_id', without(command, 'user_id'), 'invalid_command'],
    ['another command', { ...command, command: '/agenda' }, 'unknown_command'],
    ['a click with no user', without(startPrep, 'user'), 'invalid_action'],
    [
      'a click with nowhere to answer',
      without(startPrep, 'container', 'channel', 'message', 'response_url'),
      'invalid_action',
    ],
    [
      'a click on another button',
      { ...startPrep, actions: [{ type: 'button', action_id: 'open_settings' }] },
      'unknown_action',
    ],
    [
      'two actions at once',
      { ...startPrep, actions: [...(startPrep['actions'] as unknown[]), ...(startPrep['actions'] as unknown[])] },
      'invalid_action',
    ],
    [
      'a view_submission of another modal',
      { type: 'view_submission', view: { callback_id: 'feedback' } },
      'unsupported_interaction',
    ],
    [
      'a preferences submission without its state',
      { ...submission, view: without(submission.view, 'state') },
      'invalid_action',
    ],
    [
      'a Home click with a message container and nowhere to answer',
      { ...homeClick({ type: 'button', action_id: 'home_start_prep' }), container: { type: 'message' } },
      'invalid_action',
    ],
    [
      'app_home_opened on the Messages tab',
      { ...homeOpened, event: { ...homeOpened.event, tab: 'messages' } },
      'unsupported_event',
    ],
    ['a DM with null fields', { ...messageIm, event: { ...messageIm.event, user: null, ts: null } }, 'invalid_event'],
    ['a DM by user ""', { ...messageIm, event: { ...messageIm.event, user: '' } }, 'invalid_event'],
    ['an edit', { ...messageIm, event: { ...messageIm.event, subtype: 'message_changed' } }, 'not_a_user_dm'],
    ["the bot's own post", { ...messageIm, event: { ...messageIm.event, bot_id: 'B07H2M3K9TX' } }, 'not_a_user_dm'],
    ['a channel message', { ...messageIm, event: { ...messageIm.event, channel_type: 'channel' } }, 'not_a_user_dm'],
    ['a null event', { ...messageIm, event: null }, 'unsupported_event'],
    [
      'app_home_opened without a user',
      { ...messageIm, event: { type: 'app_home_opened', tab: 'home' } },
      'invalid_event',
    ],
    ['an unknown body', { hello: 'world' }, 'unknown_payload'],
    ['a click with a trigger_id Slack does not make', { ...startPrep, trigger_id: 'x#y z' }, 'invalid_action'],
    ['a click with a 257-character trigger_id', { ...startPrep, trigger_id: '1'.repeat(257) }, 'invalid_action'],
    [
      'a Home click in a view id Slack does not make',
      { ...homeClick({ type: 'button', action_id: 'home_start_prep' }), view: { id: 'v 1#', type: 'home' } },
      'invalid_action',
    ],
    [
      'a Home click in a container with a view id Slack does not make',
      { ...homeClick({ type: 'button', action_id: 'home_start_prep' }), container: { type: 'view', view_id: 'v#1' } },
      'invalid_action',
    ],
    [
      'a preferences submission of a view id Slack does not make',
      { ...submission, view: { ...submission.view, id: 'V'.repeat(65) } },
      'invalid_action',
    ],
    [
      'a preferences submission with a view hash Slack does not make',
      { ...submission, view: { ...submission.view, hash: 'a b' } },
      'invalid_action',
    ],
    ['/meetings with a trigger_id Slack does not make', { ...command, trigger_id: '#'.repeat(10) }, 'invalid_command'],
  ])('%s', (_name, body, reason) => {
    expect(classifyPayload(body as Obj)).toMatchObject({ kind: 'ignore', reason });
  });
});
