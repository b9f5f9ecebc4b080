import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  InternalServerException,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { ErrorCode, type KnownBlock, LogLevel, WebClient } from '@slack/web-api';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { type FakeScheduler, type StoredSchedule, startFakeScheduler } from '../../local/fake-scheduler';
import { type FakeSlack, startFakeSlack } from '../../local/fake-slack';
import { type FakeTwilio, startFakeTwilio } from '../../local/fake-twilio';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const fixture = <T>(relative: string): T => JSON.parse(readFileSync(path.join(FIXTURES, relative), 'utf8')) as T;

const slackResponse = fixture<{ message: Record<string, unknown> } & Record<string, unknown>>('slack/chat-postMessage-response.json');
const twilioCreated = fixture<Record<string, unknown>>('twilio/message-create-response.json');
const twilioInvalidTo = fixture<{ code: number; message: string; status: number }>('twilio/error-21211.json');
const scheduleRequest = fixture<CreateScheduleCommandInput>('scheduler/create-schedule-request.json');
const scheduleResponse = fixture<{ ScheduleArn: string }>('scheduler/create-schedule-response.json');

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
    client = new WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('answers chat.postMessage to a user id like Slack does: DM channel, fresh ts, echoed message', async () => {
    const result = await client.chat.postMessage({ channel: 'U024BE7LH', text: 'Meeting prep reminder', blocks });

    expect(result).toMatchObject({ ok: true, channel: expect.stringMatching(/^D[A-Z0-9]+$/), ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    expect(Object.keys(result)).toEqual(expect.arrayContaining(Object.keys(slackResponse)));
    expect(Object.keys(result.message ?? {})).toEqual(expect.arrayContaining(Object.keys(slackResponse.message)));
    expect(result.message).toMatchObject({ ts: result.ts, text: 'Meeting prep reminder', blocks });
    expect(fake.messages).toEqual([expect.objectContaining({ method: 'chat.postMessage', channel: result.channel, ts: result.ts, blocks })]);
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

    expect(error).toMatchObject({ code: ErrorCode.PlatformError, data: expect.objectContaining({ ok: false, error: 'channel_not_found' }) });
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
    await expect(client.chat.update({ channel: 'D024BE7LH', ts: '1.000001', text: 'x' })).rejects.toMatchObject({ statusCode: 503 });
    await expect(client.chat.update({ channel: 'D024BE7LH', ts: '1.000001', text: 'x' })).rejects.toMatchObject({ statusCode: 503 });
  });

  it('holds a request on a timeout failure until the client gives up', async () => {
    const impatient = new WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, timeout: 200, logLevel: LogLevel.ERROR });
    fake.fail('chat.postMessage', { kind: 'timeout' });

    const error = await rejectionOf(impatient.chat.postMessage({ channel: 'U024BE7LH', text: 'hi' }));

    expect(error).toMatchObject({ code: ErrorCode.RequestError });
  });

  it('rejects calls without a bot token, or with a token other than the configured one', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const userToken = new WebClient('xoxp-user', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });

    await expect(anonymous.auth.test()).rejects.toMatchObject({ data: expect.objectContaining({ error: 'not_authed' }) });
    await expect(userToken.auth.test()).rejects.toMatchObject({ data: expect.objectContaining({ error: 'invalid_auth' }) });
  });

  it('requires the DM id, not the user id, in chat.update', async () => {
    const posted = await client.chat.postMessage({ channel: 'U024BE7LH', text: 'hi', blocks });

    await expect(client.chat.update({ channel: 'U024BE7LH', ts: posted.ts ?? '', text: 'done' }))
      .rejects.toMatchObject({ data: expect.objectContaining({ error: 'channel_not_found' }) });
    const updated = await client.chat.update({ channel: posted.channel ?? '', ts: posted.ts ?? '', text: 'done', blocks: [] });

    expect(updated).toMatchObject({ ok: true, channel: posted.channel, ts: posted.ts });
    expect(fake.messages.map((m) => m.method)).toEqual(['chat.postMessage', 'chat.update']);
  });

  it('serves auth.test, conversations.open, users.info and chat.postEphemeral', async () => {
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true, user_id: 'U07H2M3PBQZ', team_id: 'T05QX8K2M7N' });
    await expect(client.conversations.open({ users: 'U024BE7LH' })).resolves.toMatchObject({ channel: { id: 'D024BE7LH' } });
    await expect(client.users.info({ user: 'U024BE7LH' })).resolves.toMatchObject({ user: { tz: 'America/New_York' } });
    await expect(client.users.info({ user: 'U0LOSANGEL' })).resolves.toMatchObject({
      user: { tz: 'America/Los_Angeles', tz_offset: expect.any(Number) },
    });
    await expect(client.chat.postEphemeral({ channel: 'D024BE7LH', user: 'U024BE7LH', text: 'only you' }))
      .resolves.toMatchObject({ ok: true, message_ts: expect.any(String) });
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
    expect(fake.responseUrlPosts).toEqual([expect.objectContaining({ id: url.split('/').pop(), body: { replace_original: true, text: 'ok' } })]);
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

    expect(message).toMatchObject({ to: '+12125550143', from: '+15017122661', body: 'Prep reminder', status: 'queued', accountSid: sid });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(Object.keys(fake.messages[0]).sort()).toEqual(Object.keys(twilioCreated).sort());
    expect(fake.requests[0]).toMatchObject({ path: `/2010-04-01/Accounts/${sid}/Messages.json`, form: { To: '+12125550143' } });
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
    await expect(client.messages.create({ to: '+12125550143', from: '+15017122661', body: 'x' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('rejects credentials other than the configured ones with 401 / 20003', async () => {
    const strict = await startFakeTwilio({ accountSid: sid, authToken: 'right' });
    try {
      const wrong = twilio(sid, 'wrong', { httpClient: new LoopbackRequestClient(strict.url) });
      const right = twilio(sid, 'right', { httpClient: new LoopbackRequestClient(strict.url) });

      await expect(wrong.messages.create({ to: '+12125550143', from: '+15017122661', body: 'x' }))
        .rejects.toMatchObject({ status: 401, code: 20003, message: 'Authenticate' });
      await expect(right.messages.create({ to: '+12125550143', from: '+15017122661', body: 'x' })).resolves.toMatchObject({ status: 'queued' });
    } finally {
      await strict.close();
    }
  });
});

describe('fake EventBridge Scheduler through @aws-sdk/client-scheduler', () => {
  let fake: FakeScheduler;
  let client: SchedulerClient;
  const key = `${scheduleRequest.GroupName}/${scheduleRequest.Name}`;

  beforeAll(async () => {
    fake = await startFakeScheduler({ now: () => new Date('2026-11-26T14:30:00Z') });
    client = new SchedulerClient({
      endpoint: fake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    client.destroy();
    await fake.close();
  });

  it('creates a schedule and answers with its ARN', async () => {
    const output = await client.send(new CreateScheduleCommand(scheduleRequest));

    expect(output.ScheduleArn).toBe(scheduleResponse.ScheduleArn);
    expect(fake.schedules.get(key)).toMatchObject({
      ActionAfterCompletion: 'DELETE',
      Target: { Input: scheduleRequest.Target?.Input, RetryPolicy: { MaximumRetryAttempts: 3 } },
      fireAt: new Date('2026-11-26T16:30:00Z'),
    });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: `/schedules/${scheduleRequest.Name}` });
  });

  it('answers a duplicate create with ConflictException', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));

    const error = await rejectionOf(client.send(new CreateScheduleCommand(scheduleRequest)));

    expect(error).toBeInstanceOf(ConflictException);
    expect(error.name).toBe('ConflictException');
  });

  it('gets a schedule with dates the SDK parses', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));

    const schedule = await client.send(new GetScheduleCommand({ Name: scheduleRequest.Name, GroupName: scheduleRequest.GroupName }));

    expect(schedule).toMatchObject({
      Arn: scheduleResponse.ScheduleArn,
      ScheduleExpression: 'at(2026-11-26T16:30:00)',
      State: 'ENABLED',
      CreationDate: new Date('2026-11-26T14:30:00Z'),
      Target: expect.objectContaining({ Arn: scheduleRequest.Target?.Arn }),
    });
  });

  it('deletes a schedule, after which get answers ResourceNotFoundException', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));

    await client.send(new DeleteScheduleCommand({ Name: scheduleRequest.Name, GroupName: scheduleRequest.GroupName }));

    expect(fake.schedules.size).toBe(0);
    await expect(client.send(new GetScheduleCommand({ Name: scheduleRequest.Name, GroupName: scheduleRequest.GroupName })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists schedules filtered by group and name prefix', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));
    await client.send(new CreateScheduleCommand({ ...scheduleRequest, Name: 'meeting-prep-reminder-m-9b1c' }));
    await client.send(new CreateScheduleCommand({ ...scheduleRequest, Name: 'other-m-7f3a' }));
    await client.send(new CreateScheduleCommand({ ...scheduleRequest, GroupName: 'default' }));

    const listed = await client.send(new ListSchedulesCommand({ GroupName: 'meeting-prep-reminders', NamePrefix: 'meeting-prep-reminder-' }));

    expect(listed.Schedules?.map((s) => s.Name)).toEqual(['meeting-prep-reminder-m-7f3a', 'meeting-prep-reminder-m-9b1c']);
    expect(listed.Schedules?.[0].CreationDate).toEqual(new Date('2026-11-26T14:30:00Z'));
  });

  it('rejects an invalid name with ValidationException', async () => {
    await expect(client.send(new CreateScheduleCommand({ ...scheduleRequest, Name: 'reminder:m-7f3a' })))
      .rejects.toBeInstanceOf(ValidationException);
  });

  it('answers a queued status failure as the matching AWS error', async () => {
    fake.fail({ kind: 'status', status: 500 }, 'CreateSchedule');

    await expect(client.send(new CreateScheduleCommand(scheduleRequest))).rejects.toBeInstanceOf(InternalServerException);
    await expect(client.send(new CreateScheduleCommand(scheduleRequest))).resolves.toMatchObject({ ScheduleArn: scheduleResponse.ScheduleArn });
  });

  it('fires a due at() schedule once, then deletes it when ActionAfterCompletion is DELETE', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));
    const fired: StoredSchedule[] = [];
    const onFire = async (schedule: StoredSchedule): Promise<void> => {
      fired.push(schedule);
    };

    await fake.fireDue(new Date('2026-11-26T16:29:59Z'), onFire);
    expect(fired).toHaveLength(0);
    await fake.fireDue(new Date('2026-11-26T16:30:00Z'), onFire);
    await fake.fireDue(new Date('2026-11-26T16:31:00Z'), onFire);

    expect(fired.map((s) => s.Target.Input)).toEqual([scheduleRequest.Target?.Input]);
    expect(fake.schedules.has(key)).toBe(false);
  });

  it('reads at() in the schedule time zone and keeps a NONE schedule after it fired', async () => {
    await client.send(new CreateScheduleCommand({
      ...scheduleRequest,
      ScheduleExpression: 'at(2026-11-26T11:30:00)',
      ScheduleExpressionTimezone: 'America/New_York',
      ActionAfterCompletion: 'NONE',
    }));

    const early = await fake.fireDue(new Date('2026-11-26T11:30:00Z'), async () => undefined);
    const due = await fake.fireDue(new Date('2026-11-26T16:30:00Z'), async () => undefined);

    expect(early).toHaveLength(0);
    expect(due).toHaveLength(1);
    expect(fake.schedules.has(key)).toBe(true);
  });

  it('fires in the background on a scaled clock', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));
    const realStart = Date.now();
    // One real millisecond is two virtual minutes: the 16:30 reminder is due ~60 ms after 14:30.
    const now = (): Date => new Date(Date.parse('2026-11-26T14:30:00Z') + (Date.now() - realStart));
    const fired = new Promise<StoredSchedule>((resolve) => {
      fake.startFiring({ onFire: async (schedule) => resolve(schedule), now, timeScale: 120_000, pollMs: 5 });
    });

    await expect(fired).resolves.toMatchObject({ Name: scheduleRequest.Name });
    await fake.stopFiring();
    expect(fake.firings).toHaveLength(1);
  });
});
