/**
 * The Slack Web API and Twilio stand-ins, driven through the providers' own SDKs: answers shaped like the real
 * services', and the failures they can be scripted to give.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, type KnownBlock, LogLevel, WebClient } from '@slack/web-api';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { type FakeSlack, startFakeSlack } from '../../local/fake-slack';
import { type FakeTwilio, startFakeTwilio } from '../../local/fake-twilio';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const fixture = <T>(relative: string): T => JSON.parse(readFileSync(path.join(FIXTURES, relative), 'utf8')) as T;

const slackResponse = fixture<{ message: Record<string, unknown> } & Record<string, unknown>>(
  'slack/chat-postMessage-response.json',
);
const twilioCreated = fixture<Record<string, unknown>>('twilio/message-create-response.json');
const twilioInvalidTo = fixture<{ code: number; message: string; status: number }>('twilio/error-21211.json');

/** Rejection reason of a promise expected to fail. */
async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('fake Slack Web API through @slack/web-api', () => {
  let fake: FakeSlack;
  let client: WebClient;
  const blocks = slackResponse.message.blocks as KnownBlock[];

  beforeAll(async () => {
    fake = await startFakeSlack({ userTimezones: { U0LOSANGEL: 'America/Los_Angeles' } });
    client = new WebClient('xoxb-test', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('answers chat.postMessage to a user id like Slack does: DM channel, fresh ts, echoed message', async () => {
    const result = await client.chat.postMessage({ channel: 'U024BE7LH', text: 'Meeting prep reminder', blocks });

    expect(result).toMatchObject({
      ok: true,
      channel: expect.stringMatching(/^D[A-Z0-9]+$/),
      ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
    });
    expect(Object.keys(result)).toEqual(expect.arrayContaining(Object.keys(slackResponse)));
    expect(Object.keys(result.message ?? {})).toEqual(expect.arrayContaining(Object.keys(slackResponse.message)));
    expect(result.message).toMatchObject({ ts: result.ts, text: 'Meeting prep reminder', blocks });
    expect(fake.messages).toEqual([
      expect.objectContaining({ method: 'chat.postMessage', channel: result.channel, ts: result.ts, blocks }),
    ]);
    expect(fake.calls('chat.postMessage')[0]).toMatchObject({ channel: 'U024BE7LH', blocks });
  });

  it('generates increasing message timestamps', async () => {
    const first = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'one' });
    const second = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'two' });

    expect(first.channel).toBe('C0GENERAL');
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
  });

  it('turns a queued slack_error into a platform error, once', async () => {
    fake.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });

    const error = await rejectionOf(client.chat.postMessage({ channel: 'U024BE7LH', text: 'hi' }));

    expect(error).toMatchObject({
      code: ErrorCode.PlatformError,
      data: expect.objectContaining({ ok: false, error: 'channel_not_found' }),
    });
    await expect(client.chat.postMessage({ channel: 'U024BE7LH', text: 'hi' })).resolves.toMatchObject({ ok: true });
  });

  it('answers ratelimited with HTTP 429 and Retry-After', async () => {
    fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 30 });

    const error = await rejectionOf(client.chat.postMessage({ channel: 'U024BE7LH', text: 'hi' }));

    expect(error).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 30 });
  });

  it('answers a queued status failure with that HTTP status', async () => {
    fake.fail('chat.postMessage', { kind: 'status', status: 500 });

    const error = await rejectionOf(client.chat.postMessage({ channel: 'U024BE7LH', text: 'hi' }));

    expect(error).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    expect(fake.messages).toHaveLength(0);
  });

  it('applies failures only to their method', async () => {
    fake.fail('chat.update', { kind: 'status', status: 503, times: Infinity });

    await expect(client.chat.postMessage({ channel: 'U024BE7LH', text: 'hi' })).resolves.toMatchObject({ ok: true });
    await expect(client.chat.update({ channel: 'D024BE7LH', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      statusCode: 503,
    });
    await expect(client.chat.update({ channel: 'D024BE7LH', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      statusCode: 503,
    });
  });

  it('holds a request on a timeout failure until the client gives up', async () => {
    const impatient = new WebClient('xoxb-test', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      timeout: 200,
      logLevel: LogLevel.ERROR,
    });
    fake.fail('chat.postMessage', { kind: 'timeout' });

    const error = await rejectionOf(impatient.chat.postMessage({ channel: 'U024BE7LH', text: 'hi' }));

    expect(error).toMatchObject({ code: ErrorCode.RequestError });
  });

  it('rejects calls without a bot token, or with a token other than the configured one', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const userToken = new WebClient('xoxp-user', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });

    await expect(anonymous.auth.test()).rejects.toMatchObject({
      data: expect.objectContaining({ error: 'not_authed' }),
    });
    await expect(userToken.auth.test()).rejects.toMatchObject({
      data: expect.objectContaining({ error: 'invalid_auth' }),
    });
  });

  it('requires the DM id, not the user id, in chat.update', async () => {
    const posted = await client.chat.postMessage({ channel: 'U024BE7LH', text: 'hi', blocks });

    await expect(client.chat.update({ channel: 'U024BE7LH', ts: posted.ts ?? '', text: 'done' })).rejects.toMatchObject(
      { data: expect.objectContaining({ error: 'channel_not_found' }) },
    );
    const updated = await client.chat.update({
      channel: posted.channel ?? '',
      ts: posted.ts ?? '',
      text: 'done',
      blocks: [],
    });

    expect(updated).toMatchObject({ ok: true, channel: posted.channel, ts: posted.ts });
    expect(fake.messages.map((m) => m.method)).toEqual(['chat.postMessage', 'chat.update']);
  });

  it('serves auth.test, conversations.open, users.info and chat.postEphemeral', async () => {
    await expect(client.auth.test()).resolves.toMatchObject({
      ok: true,
      user_id: 'U07H2M3PBQZ',
      team_id: 'T05QX8K2M7N',
    });
    await expect(client.conversations.open({ users: 'U024BE7LH' })).resolves.toMatchObject({
      channel: { id: 'D024BE7LH' },
    });
    await expect(client.users.info({ user: 'U024BE7LH' })).resolves.toMatchObject({ user: { tz: 'America/New_York' } });
    await expect(client.users.info({ user: 'U0LOSANGEL' })).resolves.toMatchObject({
      user: { tz: 'America/Los_Angeles', tz_offset: expect.any(Number) },
    });
    await expect(
      client.chat.postEphemeral({ channel: 'D024BE7LH', user: 'U024BE7LH', text: 'only you' }),
    ).resolves.toMatchObject({ ok: true, message_ts: expect.any(String) });
  });

  it('accepts JSON bodies as well as form bodies', async () => {
    const response = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0GENERAL', text: 'json', unfurl_links: false }),
    });

    await expect(response.json()).resolves.toMatchObject({ ok: true, channel: 'C0GENERAL' });
    expect(fake.calls('chat.postMessage')).toEqual([{ channel: 'C0GENERAL', text: 'json', unfurl_links: false }]);
  });

  it('records what is posted to a response URL', async () => {
    const url = fake.responseUrl();

    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'ok' }),
    });

    expect(response.status).toBe(200);
    expect(fake.responseUrlPosts).toEqual([
      expect.objectContaining({ id: url.split('/').pop(), body: { replace_original: true, text: 'ok' } }),
    ]);
  });
});

/** twilio-node always calls https://api.twilio.com; this client sends its requests to the fake instead. */
class LoopbackRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ keepAlive: false });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    return super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.baseUrl) });
  }
}

describe('fake Twilio Messages API through twilio-node', () => {
  const sid = 'AC3f9e2b7c1d4a5e6f8b0c9d2e1f3a4b5c';
  let fake: FakeTwilio;
  let client: twilio.Twilio;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    client = twilio(sid, 'token', { httpClient: new LoopbackRequestClient(fake.url) });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('creates a queued message shaped like the real 201 response', async () => {
    const message = await client.messages.create({ to: '+12125550143', from: '+15017122661', body: 'Prep reminder' });

    expect(message).toMatchObject({
      to: '+12125550143',
      from: '+15017122661',
      body: 'Prep reminder',
      status: 'queued',
      accountSid: sid,
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(Object.keys(fake.messages[0]).sort()).toEqual(Object.keys(twilioCreated).sort());
    expect(fake.requests[0]).toMatchObject({
      path: `/2010-04-01/Accounts/${sid}/Messages.json`,
      form: { To: '+12125550143' },
    });
  });

  it('rejects a To number that is not E.164 with error 21211', async () => {
    const error = await rejectionOf(client.messages.create({ to: '+1212555014', from: '+15017122661', body: 'x' }));

    expect(error).toMatchObject({ status: 400, code: 21211, message: twilioInvalidTo.message });
    expect(fake.messages).toHaveLength(0);
  });

  it('answers a queued status failure with that status, in Twilio error shape', async () => {
    fake.fail({ kind: 'status', status: 503 });

    const error = await rejectionOf(client.messages.create({ to: '+12125550143', from: '+15017122661', body: 'x' }));

    expect(error).toMatchObject({ status: 503, code: 20503 });
    await expect(
      client.messages.create({ to: '+12125550143', from: '+15017122661', body: 'x' }),
    ).resolves.toMatchObject({ status: 'queued' });
  });

  it('rejects credentials other than the configured ones with 401 / 20003', async () => {
    const strict = await startFakeTwilio({ accountSid: sid, authToken: 'right' });
    try {
      const wrong = twilio(sid, 'wrong', { httpClient: new LoopbackRequestClient(strict.url) });
      const right = twilio(sid, 'right', { httpClient: new LoopbackRequestClient(strict.url) });

      await expect(
        wrong.messages.create({ to: '+12125550143', from: '+15017122661', body: 'x' }),
      ).rejects.toMatchObject({ status: 401, code: 20003, message: 'Authenticate' });
      await expect(
        right.messages.create({ to: '+12125550143', from: '+15017122661', body: 'x' }),
      ).resolves.toMatchObject({ status: 'queued' });
    } finally {
      await strict.close();
    }
  });
});
