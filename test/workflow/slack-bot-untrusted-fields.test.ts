/**
 * Fields of a signed Slack payload the bot does not take as given: the `response_url` it posts to is pinned to
 * Slack's host (locally, to the Slack stand-in, `SLACK_API_URL`), and every Slack id is bounded before it reaches
 * DynamoDB: a payload with an oversized or malformed id is answered 200 with nothing done (or 400 for a body that
 * does not parse), never 5xx, and writes nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HomeActionIds } from '../../lambda/slack-bot/app-home/home-view';
import { startHttpServer, type FakeHttpServer } from '../../local/fake-http';
import appHomeOpened from '../fixtures/slack/event-app-home-opened.json';
import viewSubmission from '../fixtures/slack/view-submission-preferences.json';
import {
  FORM,
  JSON_TYPE,
  WebhookHandler,
  clickBody,
  messageIm,
  readSessions,
  restEvent,
  slashCommand,
  startPrepPayload,
  useBotEnvironment,
} from './bot-helpers';
import { USER_ID, aMeeting, readMeeting, seed } from './helpers';

jest.setTimeout(30_000);

const bot = useBotEnvironment();

type Event = Parameters<WebhookHandler>[0];
const send = (event: Event) => bot.handler(event, {});
const drain = () => bot.env.worker().drain();
const dmsTo = (userId: string) =>
  bot.env.slack.messages.filter((m) => m.method === 'chat.postMessage' && m.args['channel'] === userId);
const payloadBody = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

describe('response_url is pinned to Slack', () => {
  let evil: FakeHttpServer;
  const hits: string[] = [];
  const fetched: string[] = [];
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    evil = await startHttpServer(async (req: IncomingMessage, res: ServerResponse) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  afterAll(async () => {
    await evil.close();
  });
  beforeEach(() => {
    hits.length = 0;
    fetched.length = 0;
    // Every URL the worker fetches (Slack's Web API goes through the SDK's own client, response URLs through fetch).
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      fetched.push(input instanceof Request ? input.url : String(input));
      return realFetch(input, init);
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  const evilUrls = () => [`${evil.url}/x`, 'https://evil.example/x', `https://hooks.slack.com.evil.example/actions/x`];

  it.each([0, 1, 2])(
    'a refusal on an ephemeral message whose response_url is not Slack’s (#%i): not posted there, told by DM instead',
    async (which) => {
      await seed(bot.env, aMeeting());
      const responseUrl = evilUrls()[which] as string;

      const response = await send(
        restEvent(clickBody('start_prep', { userId: 'U0OTHER01', ephemeral: true, responseUrl }), FORM),
      );
      await drain();

      expect(response.statusCode).toBe(200);
      expect(hits).toEqual([]);
      expect(fetched.filter((url) => !url.startsWith(bot.env.slack.url))).toEqual([]);
      expect(bot.env.slack.responseUrlPosts).toEqual([]);
      expect(dmsTo('U0OTHER01').map((m) => m.text)).toEqual([expect.stringContaining("only the meeting's owner")]);
    },
  );

  it('Start Prep on an ephemeral message with a foreign response_url still starts prep and sends the kit', async () => {
    await seed(bot.env, aMeeting());

    const response = await send(
      restEvent(clickBody('start_prep', { ephemeral: true, responseUrl: `${evil.url}/x` }), FORM),
    );
    await drain();

    expect(response.statusCode).toBe(200);
    expect(hits).toEqual([]);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
    expect(await readSessions(bot.env)).toEqual([
      expect.objectContaining({ state: 'ACTIVE', opening_ts: expect.any(String) }),
    ]);
    expect(dmsTo(USER_ID)).toHaveLength(1);
  });

  it('the worker does not post to a foreign response_url either (a job queued with one): the clicker is told by DM', async () => {
    const { SQSClient, SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const sqs = new SQSClient({});
    const job = {
      kind: 'click_reply',
      user_id: USER_ID,
      target: { user_id: USER_ID, ephemeral: true, response_url: `${evil.url}/x` },
      replace: { text: 'Replaced' },
      tell: { text: 'Told' },
      clicked_at: new Date().toISOString(),
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: bot.env.workQueue.url,
        MessageBody: JSON.stringify(job),
        MessageGroupId: USER_ID,
        MessageDeduplicationId: 'foreign-response-url-1',
      }),
    );
    sqs.destroy();

    const report = await drain();

    expect(report.deadLettered).toBe(0);
    expect(hits).toEqual([]);
    expect(dmsTo(USER_ID).map((m) => m.text)).toEqual(['Told']);
  });

  it('Slack’s own response_url (the stand-in, locally) is still answered through', async () => {
    await seed(bot.env, aMeeting());
    const responseUrl = bot.env.slack.responseUrl();

    await send(restEvent(clickBody('start_prep', { userId: 'U0OTHER01', ephemeral: true, responseUrl }), FORM));
    await drain();

    expect(bot.env.slack.responseUrlPosts.map((p) => p.body)).toEqual([
      expect.objectContaining({ text: expect.stringContaining("only the meeting's owner") }),
    ]);
  });
});

describe('Slack ids are bounded before they reach DynamoDB', () => {
  const long = (prefix: string) => `${prefix}${'A'.repeat(3000 - prefix.length)}`;
  const homeClick = (patch: Record<string, unknown>, action: Record<string, unknown> = {}) => ({
    ...Object.fromEntries(
      Object.entries(startPrepPayload).filter(([k]) => !['channel', 'message', 'response_url'].includes(k)),
    ),
    container: { type: 'view', view_id: 'V07JB4M9Q2K' },
    view: { id: 'V07JB4M9Q2K', type: 'home' },
    actions: [
      {
        type: 'button',
        action_id: HomeActionIds.CancelReminder,
        value: JSON.stringify({ meeting_id: 'm-7f3a', user_id: USER_ID }),
        action_ts: '1795704100.000100',
        ...action,
      },
    ],
    ...patch,
  });
  const click = (patch: Record<string, unknown>, action: Record<string, unknown> = {}) => ({
    ...startPrepPayload,
    ...patch,
    actions: [{ ...startPrepPayload.actions[0], ...action }],
  });
  const submission = (patch: Record<string, unknown>, view: Record<string, unknown> = {}) => ({
    ...viewSubmission,
    ...patch,
    view: { ...viewSubmission.view, ...view },
  });

  const cases: [string, () => Event][] = [
    ['a click by a 3,000-character user id', () => restEvent(payloadBody(click({ user: { id: long('U') } })), FORM)],
    ['a click from a 3,000-character team id', () => restEvent(payloadBody(click({ team: { id: long('T') } })), FORM)],
    [
      'a click with a 3,000-character trigger_id',
      () => restEvent(payloadBody(click({ trigger_id: long('8094326180213.') })), FORM),
    ],
    [
      'a click in a 3,000-character channel id',
      () => restEvent(payloadBody(click({ channel: { id: long('D') } })), FORM),
    ],
    [
      'a click on a 3,000-character message ts',
      () => restEvent(payloadBody(click({ message: { ts: `1795701604.${'1'.repeat(2989)}` } })), FORM),
    ],
    [
      'a click with a 3,000-character action_ts',
      () => restEvent(payloadBody(click({}, { action_ts: `1795703141.${'6'.repeat(2989)}` })), FORM),
    ],
    [
      'a click whose button names a 3,000-character meeting id',
      () =>
        restEvent(
          payloadBody(click({}, { value: JSON.stringify({ meeting_id: long('m-'), user_id: USER_ID }) })),
          FORM,
        ),
    ],
    [
      'a click whose trigger_id is not one Slack makes',
      () => restEvent(payloadBody(click({ trigger_id: 'slack#action#T1#U1#start_prep#x y' })), FORM),
    ],
    [
      'a Home tab click in a 3,000-character view id',
      () => restEvent(payloadBody(homeClick({ view: { id: long('V'), type: 'home' } })), FORM),
    ],
    [
      'a Home tab click in a container with a 3,000-character view id',
      () => restEvent(payloadBody(homeClick({ container: { type: 'view', view_id: long('V') } })), FORM),
    ],
    [
      'a Home tab click whose view id is not one Slack makes',
      () => restEvent(payloadBody(homeClick({ view: { id: 'v#1 ☃', type: 'home' } })), FORM),
    ],
    [
      'a Home tab click with a 3,000-character trigger_id',
      () => restEvent(payloadBody(homeClick({ trigger_id: long('1') })), FORM),
    ],
    [
      'a preferences submission in a 3,000-character view id',
      () => restEvent(payloadBody(submission({}, { id: long('V') })), FORM),
    ],
    [
      'a preferences submission whose view id is not one Slack makes',
      () => restEvent(payloadBody(submission({}, { id: 'v#1 ☃' })), FORM),
    ],
    [
      'a preferences submission with a trigger_id that is not one Slack makes',
      () => restEvent(payloadBody(submission({ trigger_id: 'a#b c' })), FORM),
    ],
    [
      'a preferences submission with a 3,000-character view hash',
      () => restEvent(payloadBody(submission({}, { hash: long('1795703226.') })), FORM),
    ],
    [
      'a DM with a 3,000-character event id',
      () => restEvent(JSON.stringify({ ...messageIm, event_id: long('Ev') }), JSON_TYPE),
    ],
    [
      'a DM from a 3,000-character user id',
      () => restEvent(JSON.stringify({ ...messageIm, event: { ...messageIm.event, user: long('U') } }), JSON_TYPE),
    ],
    [
      'a DM in a 3,000-character channel id',
      () => restEvent(JSON.stringify({ ...messageIm, event: { ...messageIm.event, channel: long('D') } }), JSON_TYPE),
    ],
    [
      'the Home tab opened by a 3,000-character user id',
      () =>
        restEvent(JSON.stringify({ ...appHomeOpened, event: { ...appHomeOpened.event, user: long('U') } }), JSON_TYPE),
    ],
    [
      '/meetings from a 3,000-character user id',
      () => restEvent(new URLSearchParams({ ...slashCommand, user_id: long('U') }).toString(), FORM),
    ],
    [
      '/meetings with a 3,000-character trigger_id',
      () => restEvent(new URLSearchParams({ ...slashCommand, trigger_id: long('1') }).toString(), FORM),
    ],
  ];

  it.each(cases)('%s: 200 and nothing done, nothing written, no 5xx', async (_name, build) => {
    await seed(bot.env, aMeeting());
    const stop = bot.env.dynamoFaults.record();

    const response = await send(build());
    const requests = stop();

    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(requests.map((r) => r.target)).toEqual([]);
    expect(bot.env.sqs.requests.filter((r) => r.operation === 'SendMessage')).toHaveLength(0);
    expect(bot.env.scheduler.requests).toHaveLength(0);
    expect(bot.env.slack.requests).toHaveLength(0);
  });

  it('a button value naming a malformed meeting id within the value’s bound reads nothing and tells the clicker', async () => {
    await seed(bot.env, aMeeting());
    const stop = bot.env.dynamoFaults.record();

    const response = await send(
      restEvent(
        payloadBody(click({}, { value: JSON.stringify({ meeting_id: `m-${'x'.repeat(1500)}`, user_id: USER_ID }) })),
        FORM,
      ),
    );
    const requests = stop();
    await drain();

    expect(response.statusCode).toBe(200);
    // The claim of the click is all that is written; the meeting id never reaches the table.
    expect(requests.map((r) => r.target)).toEqual(['PutItem']);
    expect(bot.env.slack.messages.map((m) => m.text)).toEqual([expect.stringContaining("couldn't tell which meeting")]);
  });
});
