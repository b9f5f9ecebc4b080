/**
 * Signed requests the bot cannot serve, and our own failures: never a 5xx for a request we simply do not serve (200,
 * nothing written, no work queued, no Slack call, a metric by reason); 503 only for our own transient failure, where
 * Slack's retry helps; `X-Slack-No-Retry: 1` where a retry would fail the same way.
 */
import appHomeOpened from '../fixtures/slack/event-app-home-opened.json';
import appRateLimited from '../fixtures/slack/event-callback-app-rate-limited.json';
import viewSubmission from '../fixtures/slack/view-submission-preferences.json';
import { aMeeting, readMeeting, seed, snapshotTables } from './helpers';
import {
  FORM,
  JSON_TYPE,
  WebhookHandler,
  clickBody,
  httpEvent,
  messageIm,
  readSessions,
  restEvent,
  slashCommandBody,
  startPrepPayload,
  useBotEnvironment,
} from './bot-helpers';

// Several deliveries per test against loopback services: generous under a loaded machine (no timing is asserted).
jest.setTimeout(30_000);

const bot = useBotEnvironment();

const answer = (event: Parameters<WebhookHandler>[0]) => bot.handler(event, {});
const sends = () => bot.env.sqs.requests.filter((r) => r.operation === 'SendMessage');
const payloadBody = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;
const otherModal = () => ({ ...viewSubmission, view: { ...viewSubmission.view, callback_id: 'feedback' } });
const withoutKeys = (object: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));

describe('signed requests the bot does not serve get 200 and nothing done', () => {
  const cases: [string, () => Parameters<WebhookHandler>[0]][] = [
    ['/meetings with an empty user_id', () => httpEvent(slashCommandBody({ user_id: '' }), FORM)],
    [
      '/meetings with no user_id',
      () =>
        httpEvent(
          new URLSearchParams(
            withoutKeys(Object.fromEntries(new URLSearchParams(slashCommandBody())), 'user_id') as Record<
              string,
              string
            >,
          ).toString(),
          FORM,
        ),
    ],
    ['an unknown command', () => httpEvent(slashCommandBody({ command: '/agenda' }), FORM)],
    [
      'block_actions without container and channel',
      () =>
        restEvent(
          payloadBody(
            withoutKeys({ ...startPrepPayload, response_url: undefined }, 'container', 'channel', 'response_url'),
          ),
          FORM,
        ),
    ],
    ['block_actions without user', () => restEvent(payloadBody(withoutKeys(startPrepPayload, 'user')), FORM)],
    [
      'an unknown action_id',
      () =>
        restEvent(
          payloadBody({
            ...startPrepPayload,
            actions: [{ ...startPrepPayload.actions[0], action_id: 'open_settings' }],
          }),
          FORM,
        ),
    ],
    ['a view_submission of a modal that is not ours', () => restEvent(payloadBody(otherModal()), FORM)],
    [
      'an event_callback whose event has null fields',
      () =>
        restEvent(
          JSON.stringify({ ...messageIm, event: { ...messageIm.event, user: null, channel: null, ts: null } }),
          JSON_TYPE,
        ),
    ],
    ['an event_callback with a null event', () => restEvent(JSON.stringify({ ...messageIm, event: null }), JSON_TYPE)],
    [
      'message.im with user ""',
      () => restEvent(JSON.stringify({ ...messageIm, event: { ...messageIm.event, user: '' } }), JSON_TYPE),
    ],
    [
      'app_home_opened on the Messages tab',
      () =>
        restEvent(JSON.stringify({ ...appHomeOpened, event: { ...appHomeOpened.event, tab: 'messages' } }), JSON_TYPE),
    ],
    ['app_rate_limited', () => restEvent(JSON.stringify(appRateLimited), JSON_TYPE)],
    ['a JSON body of no known type', () => restEvent(JSON.stringify({ hello: 'world' }), JSON_TYPE)],
  ];

  it.each(cases)('%s', async (_name, build) => {
    await seed(bot.env, aMeeting());
    const before = await snapshotTables(bot.env);

    const response = await answer(build());

    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(await snapshotTables(bot.env)).toEqual(before);
    expect(sends()).toHaveLength(0);
    expect(bot.env.slack.requests).toHaveLength(0);
  });

  it('counts each in a metric by reason', async () => {
    const lines: string[] = [];
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await answer(restEvent(JSON.stringify(appRateLimited), JSON_TYPE));
      await answer(restEvent(payloadBody(otherModal()), FORM));
    } finally {
      write.mockRestore();
      process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    }
    const metrics = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('SlackRequestsIgnored'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(metrics.map((m) => [m['Reason'], m['SlackRequestsIgnored']])).toEqual([
      ['app_rate_limited', 1],
      ['unsupported_interaction', 1],
    ]);
  });
});

describe('failures', () => {
  it('a signed body that does not parse gets 400 with X-Slack-No-Retry', async () => {
    const response = await answer(restEvent('payload=%7Bbroken', FORM));

    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({ 'X-Slack-No-Retry': '1' });
  });

  it('a throttled table (every attempt) gets 503 without X-Slack-No-Retry, so Slack retries; nothing is queued', async () => {
    await seed(bot.env, aMeeting());
    // Every UpdateItem (Start Prep's claim), however many the SDK's retries make.
    bot.env.dynamoFaults.fail('UpdateItem', { kind: 'throttled', times: 1000 });

    const response = await answer(restEvent(clickBody('start_prep'), FORM));

    expect(response.statusCode).toBe(503);
    expect(response.headers?.['X-Slack-No-Retry']).toBeUndefined();
    expect(sends()).toHaveLength(0);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.chat_session_id).toBeUndefined();
  });

  it('a table that does not answer gets 503 once the deadline passes', async () => {
    await seed(bot.env, aMeeting());
    bot.env.dynamoFaults.fail('GetItem', { kind: 'timeout', times: 10 });

    const response = await answer(httpEvent(slashCommandBody(), FORM));

    expect(response.statusCode).toBe(503);
  });

  it('a deterministic failure (the scheduler refuses the request) gets 200 with X-Slack-No-Retry', async () => {
    await seed(bot.env, aMeeting());
    bot.env.scheduler.fail({ kind: 'status', status: 400, body: { message: 'Invalid request' } }, 'CreateSchedule');

    const response = await answer(restEvent(clickBody('remind_later'), FORM));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'X-Slack-No-Retry': '1' });
    expect(sends()).toHaveLength(0);
  });

  it('when the claim cannot be written, Start Prep answers 503 (Slack retries), the meeting is untouched, and nothing is queued', async () => {
    await seed(bot.env, aMeeting());
    // Server errors, not throttling: the SDK's throttling backoff (500 ms base, full jitter) can outlast the answer's
    // deadline, and the write would then finish after the answer (and, here, inside the next test).
    bot.env.dynamoFaults.fail('UpdateItem', { kind: 'internal_error', times: 10 });

    const response = await answer(restEvent(clickBody('start_prep'), FORM));

    expect(response.statusCode).toBe(503);
    const meeting = await readMeeting(bot.env, 'm-7f3a');
    expect(meeting?.status).not.toBe('PREP_IN_PROGRESS');
    expect(meeting?.chat_session_id).toBeUndefined();
    expect(sends()).toHaveLength(0);
  });

  it('when the worker cannot create the session, the job is retried, and the kit goes out once, with its session', async () => {
    await seed(bot.env, aMeeting());
    const response = await answer(restEvent(clickBody('start_prep'), FORM));
    expect(response.statusCode).toBe(200);
    bot.env.dynamoFaults.fail('PutItem', { kind: 'internal_error', times: 3 });

    const report = await bot.env.worker().drain();

    expect(report.invocations.length).toBeGreaterThan(1);
    expect(report.deadLettered).toBe(0);
    expect(bot.env.slack.calls('chat.postMessage')).toHaveLength(1);
    const linked = (await readMeeting(bot.env, 'm-7f3a'))?.chat_session_id;
    expect(await readSessions(bot.env)).toEqual([
      expect.objectContaining({ session_id: linked, state: 'ACTIVE', opening_ts: expect.any(String) }),
    ]);
  });

  it('when the work cannot be queued, Start Prep is undone before answering 503, and the next click works', async () => {
    await seed(bot.env, aMeeting());
    bot.env.sqs.fail('SendMessage', { kind: 'status', status: 500, times: 2 });

    const response = await answer(restEvent(clickBody('start_prep'), FORM));

    expect(response.statusCode).toBe(503);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.chat_session_id).toBeUndefined();
    // The worker creates sessions: a start that was never queued leaves none behind.
    expect(await readSessions(bot.env)).toEqual([]);

    await answer(restEvent(clickBody('start_prep'), FORM));
    await bot.env.worker().drain();

    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
    expect(bot.env.slack.calls('chat.postMessage')).toHaveLength(1);
  });
});
