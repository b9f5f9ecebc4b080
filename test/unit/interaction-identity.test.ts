/** The identity a state-changing interaction is claimed on before the webhook acts, so a replay acts no second time. */
import { MAX_CLAIM_KEY_BYTES } from '../../lambda/shared/request-claims';
import { classifyPayload } from '../../lambda/slack-bot/classify-payload';
import {
  INTERACTION_CLAIM_TTL_SECONDS,
  SLACK_CLAIM_PREFIX,
  interactionIdentity,
} from '../../lambda/slack-bot/interaction-identity';
import { SIGNATURE_WINDOW_SECONDS } from '../../lambda/slack-bot/verify-signature';
import { fixture } from './fixture';

type Obj = Record<string, unknown>;
const startPrep = fixture<Obj & { actions: Obj[] }>('slack/block-actions-start-prep.json');
const remindLater = fixture<Obj>('slack/block-actions-remind-later.json');
const messageIm = fixture<Obj>('slack/event-message-im.json');
const command = fixture<Obj>('slack/slash-command-meetings.json');
const homeOpened = fixture<Obj>('slack/event-app-home-opened.json');
const submission = fixture<Obj & { view: Obj }>('slack/view-submission-preferences.json');
const without = (o: Obj, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const homeClick = (action: Obj): Obj => ({
  ...without(startPrep, 'channel', 'message', 'response_url'),
  container: { type: 'view', view_id: 'V07JB4M9Q2K' },
  view: { id: 'V07JB4M9Q2K', type: 'home' },
  actions: [action],
});
const identity = (body: Obj) => interactionIdentity(classifyPayload(body));

describe('claimed: every interaction that changes something', () => {
  it('a prep button, on its team, user, action and trigger_id', () => {
    expect(identity(startPrep)).toBe(
      'slack#action#T05QX8K2M7N#U024BE7LH#start_prep#8094326180213.5819172483012.3f6b2a9c1d7e4b08a5c2e9f1d0b7a364',
    );
  });

  it.each([
    ['Remind Me', remindLater],
    ['the digest’s Start Prep', { ...startPrep, actions: [{ type: 'button', action_id: 'digest_start_prep' }] }],
    ['Home Start Prep', homeClick({ type: 'button', action_id: 'home_start_prep', value: '{}' })],
    ['Home Remind Me', homeClick({ type: 'button', action_id: 'home_remind_later', value: '{}' })],
    ['Home Cancel reminder', homeClick({ type: 'button', action_id: 'home_cancel_reminder', value: '{}' })],
    ['the switches', homeClick({ type: 'checkboxes', action_id: 'preference_switches', selected_options: [] })],
    ['the preferences modal submitted', submission],
  ])('%s', (_name, body) => {
    expect(identity(body)).toMatch(/^slack#(action|view)#T05QX8K2M7N#U024BE7LH#/);
  });

  it('two clicks are two identities (each has its own trigger_id)', () => {
    expect(identity({ ...startPrep, trigger_id: '1.2.a' })).not.toBe(identity({ ...startPrep, trigger_id: '1.2.b' }));
  });

  it('a submission without a trigger_id, on its view, hash and content', () => {
    const bare = without(submission, 'trigger_id');
    const other = { ...bare, view: { ...submission.view, state: { values: {} } } };
    expect(identity(bare)).toMatch(/^slack#view#T05QX8K2M7N#U024BE7LH#preferences#V07JB7R2T5N\.1795704071\.Xf3kQ9mZ\./);
    expect(identity(bare)).toBe(identity({ ...bare }));
    expect(identity(other)).not.toBe(identity(bare));
  });

  it('stays within DynamoDB’s key limit with every part at its longest', () => {
    const long = identity({
      ...startPrep,
      team: { id: `T${'A'.repeat(63)}` },
      user: { id: `U${'A'.repeat(63)}` },
      trigger_id: `1${'a'.repeat(255)}`,
    });
    expect(long).toBeDefined();
    expect(Buffer.byteLength(long ?? '', 'utf8')).toBeLessThan(MAX_CLAIM_KEY_BYTES);
  });
});

describe('not claimed: nothing a replay could repeat', () => {
  it.each([
    ['/meetings', command],
    ['a DM (it advances a session once per message ts)', messageIm],
    ['the Home tab opened', homeOpened],
    ['Edit preferences', homeClick({ type: 'button', action_id: 'open_preferences', value: '{}' })],
    ['an ignored payload', { hello: 'world' }],
  ])('%s', (_name, body) => {
    expect(identity(body)).toBeUndefined();
  });
});

it('claims outlive a replay: the signature window on either side of the first arrival', () => {
  expect(INTERACTION_CLAIM_TTL_SECONDS).toBeGreaterThan(2 * SIGNATURE_WINDOW_SECONDS);
  expect(SLACK_CLAIM_PREFIX).toBe('slack#');
});
