/** The Slack stand-in serves views.publish and views.open through the real WebClient, refusing what Slack refuses. */
import { WebClient } from '@slack/web-api';
import { FakeSlack, startFakeSlack } from '../../local/fake-slack';

let slack: FakeSlack;
let client: WebClient;
const blocks = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `block ${i}` } }));
const modal = {
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'Prep preferences' },
  blocks: blocks(1),
};

beforeAll(async () => {
  slack = await startFakeSlack();
  client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(() => slack.reset());
afterAll(() => slack.close());

const errorOf = async (call: Promise<unknown>): Promise<string | undefined> =>
  call.then(
    () => undefined,
    (error: { data?: { error?: string } }) => error.data?.error,
  );

describe('views.publish', () => {
  it('keeps the Home tab a user was shown', async () => {
    await client.views.publish({ user_id: 'U024BE7LH', view: { type: 'home', blocks: blocks(100) } });

    expect((slack.homeTabs.get('U024BE7LH')?.['blocks'] as unknown[]).length).toBe(100);
  });

  it.each([
    ['101 blocks', { type: 'home', blocks: blocks(101) }],
    ['a modal', modal],
  ])('refuses %s as a Home tab', async (_name, view) => {
    expect(await errorOf(client.views.publish({ user_id: 'U024BE7LH', view: view as never }))).toBe(
      'invalid_arguments',
    );
    expect(slack.homeTabs.size).toBe(0);
  });
});

describe('views.open', () => {
  it('opens a modal on a trigger id', async () => {
    await client.views.open({ trigger_id: '123.456.abc', view: modal });

    expect(slack.openedViews).toEqual([{ triggerId: '123.456.abc', view: expect.objectContaining({ type: 'modal' }) }]);
  });

  it.each([
    ['no trigger id', { trigger_id: '', view: modal }],
    [
      'a title over 24 characters',
      {
        trigger_id: '123.456.abc',
        view: { ...modal, title: { type: 'plain_text', text: 'A title far too long for Slack' } },
      },
    ],
    ['a Home tab', { trigger_id: '123.456.abc', view: { type: 'home', blocks: blocks(1) } }],
  ])('refuses %s', async (_name, args) => {
    expect(await errorOf(client.views.open(args as never))).toBe('invalid_arguments');
    expect(slack.openedViews).toHaveLength(0);
  });
});
