/**
 * Answer first, work after: the webhook answers with the decision made and the work queued on the (fake) SQS FIFO
 * queue; the real worker, delivered to as the event source mapping would, makes the Slack calls, retries with
 * backoff, undoes a Start Prep whose DM cannot be sent, and advances a DM session once per Slack message.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DM_FAILED_TEXT } from '../../lambda/slack-bot/click-work';
import { aMeeting, readMeeting, seed } from './helpers';
import { STALLED_PREP_WORDS } from '../../lambda/slack-bot/views';
import {
  FORM,
  JSON_TYPE,
  WebhookHandler,
  clickBody,
  dmBody,
  httpEvent,
  readSessions,
  restEvent,
  slashCommandBody,
  useBotEnvironment,
} from './bot-helpers';

// Several deliveries per test against loopback services: generous under a loaded machine (no timing is asserted).
jest.setTimeout(30_000);

const bot = useBotEnvironment();

const answer = (event: Parameters<WebhookHandler>[0]) => bot.handler(event, {});
const click = (options: Parameters<typeof clickBody>[1] = {}) =>
  answer(restEvent(clickBody('start_prep', options), FORM));
const dm = (text: string, eventId?: string, ts?: string) =>
  answer(httpEvent(dmBody(text, eventId, ts), JSON_TYPE, { base64: false }));
const drain = () => bot.env.worker().drain();
const sent = (method: string) => bot.env.slack.messages.filter((m) => m.method === method);
const dmPosts = () =>
  bot.env.slack.requests.filter((r) => r.method === 'chat.postMessage' && r.args['channel'] === 'U024BE7LH');
const replies = () => sent('chat.postMessage').filter((m) => m.args['channel'] === 'D07H3LQ8V2N');
const queued = () => bot.env.sqs.queue(bot.env.workQueue.name).messages;
const visibilityChanges = () =>
  bot.env.sqs.requests
    .filter((r) => r.operation === 'ChangeMessageVisibility')
    .map((r) => r.input['VisibilityTimeout']);

async function startedSession() {
  await seed(bot.env, aMeeting());
  await click();
  await drain();
  bot.env.slack.reset();
}

describe('answer first', () => {
  it('answers a Start Prep click with the meeting claimed and the work queued, before any Slack call', async () => {
    await seed(bot.env, aMeeting());

    const response = await click();

    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(bot.env.slack.requests).toHaveLength(0);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
    expect(queued()).toHaveLength(1);
    expect(queued()[0]).toMatchObject({
      groupId: 'U024BE7LH',
      dedupId: expect.stringMatching(/^start_prep:\d{13}\.\d{13}\.[0-9a-f]{32}$/),
    });

    const report = await drain();

    expect(report.invocations).toHaveLength(1);
    expect(dmPosts()).toHaveLength(1);
    expect(sent('chat.update')).toHaveLength(1);
    expect(queued()).toHaveLength(0);
  });

  it('answers a DM at once and replies from the worker', async () => {
    await startedSession();

    const response = await dm('Add budget variance');

    expect(response.statusCode).toBe(200);
    expect(bot.env.slack.requests).toHaveLength(0);
    await drain();
    expect(replies().map((m) => m.text)).toEqual([expect.stringContaining('Question bank')]);
  });
});

describe('Start Prep when the DM cannot be sent', () => {
  it('retries with backoff, then undoes the start and tells the user where they clicked; a new click then works', async () => {
    await seed(bot.env, aMeeting({ status: 'PREP_SCHEDULED' }));
    bot.env.slack.fail('chat.postMessage', { kind: 'status', status: 503, times: bot.env.workQueue.maxReceiveCount });

    await click();
    const report = await drain();

    expect(report.invocations).toHaveLength(bot.env.workQueue.maxReceiveCount);
    expect(report.deadLettered).toBe(0);
    expect(visibilityChanges()).toEqual([2, 4, 8, 16]);
    const meeting = await readMeeting(bot.env, 'm-7f3a');
    expect(meeting?.status).toBe('PREP_SCHEDULED');
    expect(meeting?.chat_session_id).toBeUndefined();
    expect((await readSessions(bot.env)).map((s) => s.state)).toEqual(['CANCELLED']);
    expect(sent('chat.postEphemeral')).toMatchObject([
      { channel: 'D07H3LQ8V2N', user: 'U024BE7LH', text: DM_FAILED_TEXT },
    ]);
    expect(sent('chat.update')).toHaveLength(0);

    bot.env.slack.reset();
    await click();
    await drain();

    expect(dmPosts()).toHaveLength(1);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
  });

  it("waits Slack's Retry-After when rate limited, then sends the DM once", async () => {
    await seed(bot.env, aMeeting());
    bot.env.slack.fail('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 30 });

    await click();
    const report = await drain();

    expect(report.invocations).toHaveLength(2);
    expect(visibilityChanges()).toEqual([30]);
    expect(sent('chat.postMessage').filter((m) => m.args['channel'] === 'U024BE7LH')).toHaveLength(1);
  });

  it('undoes at once when Slack refuses the DM for good (no retries)', async () => {
    await seed(bot.env, aMeeting());
    bot.env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });

    await click();
    const report = await drain();

    expect(report.invocations).toHaveLength(1);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).toBe('PREP_SCHEDULED');
    expect(sent('chat.postEphemeral').map((m) => m.text)).toEqual([DM_FAILED_TEXT]);
  });

  it('a DM that fails twice then goes through is sent once, and the message replaced once', async () => {
    await seed(bot.env, aMeeting());
    bot.env.slack.fail('chat.postMessage', { kind: 'status', status: 500, times: 2 });

    await click();
    const report = await drain();

    expect(report.invocations.map((i) => i.failed.length)).toEqual([1, 1, 0]);
    expect(sent('chat.postMessage').filter((m) => m.args['channel'] === 'U024BE7LH')).toHaveLength(1);
    expect(sent('chat.update')).toHaveLength(1);
    expect((await readSessions(bot.env))[0]?.opening_ts).toEqual(expect.any(String));
  });

  it('replacing the clicked message is best effort: when it fails, the DM still stands and nothing is retried', async () => {
    await seed(bot.env, aMeeting());
    bot.env.slack.fail('chat.update', { kind: 'slack_error', error: 'message_not_found' });

    await click();
    const report = await drain();

    expect(report.invocations).toHaveLength(1);
    expect(dmPosts()).toHaveLength(1);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
  });
});

describe('a session that ended or expired', () => {
  const linked = { status: 'PREP_IN_PROGRESS', chat_session_id: 's-old' } as const;
  const oldSession = (overrides: Record<string, unknown>) =>
    bot.env.db.send(
      new PutCommand({
        TableName: bot.env.tables.chatSessions,
        Item: {
          session_id: 's-old',
          user_id: 'U024BE7LH',
          meeting_id: 'm-7f3a',
          state: 'ACTIVE',
          messages: [],
          context: { step: 'agenda', meeting_type: 'leadership_team' },
          created_at: '2026-01-01T00:00:00Z',
          expires_at: Math.floor(Date.now() / 1000) + 3600,
          ...overrides,
        },
      }),
    );

  it.each([
    [
      'expired but not yet removed by the TTL',
      async () => oldSession({ expires_at: Math.floor(Date.now() / 1000) - 60 }),
    ],
    ['removed by the TTL', async () => undefined],
    ['cancelled', async () => oldSession({ state: 'CANCELLED' })],
  ])('never blocks a new Start Prep (%s)', async (_name, arrange) => {
    await seed(bot.env, aMeeting(linked));
    await arrange();

    await click();
    await drain();

    const meeting = await readMeeting(bot.env, 'm-7f3a');
    expect(meeting?.status).toBe('PREP_IN_PROGRESS');
    expect(meeting?.chat_session_id).not.toBe('s-old');
    expect(dmPosts()).toHaveLength(1);
  });

  it('/meetings offers Start Prep again for it (the reminder it was clicked on was replaced)', async () => {
    await seed(bot.env, aMeeting(linked));
    await oldSession({ state: 'TIMED_OUT' });

    const response = await answer(httpEvent(slashCommandBody(), FORM));

    const section = (
      JSON.parse(response.body) as { blocks: { text?: { text: string }; accessory?: { action_id: string } }[] }
    ).blocks[1];
    expect(section?.text?.text).toContain(STALLED_PREP_WORDS);
    expect(section?.accessory?.action_id).toBe('start_prep');
  });

  it('an ACTIVE one still does: the click is told prep is in progress', async () => {
    await seed(bot.env, aMeeting(linked));
    await oldSession({});

    await click();
    await drain();

    expect((await readMeeting(bot.env, 'm-7f3a'))?.chat_session_id).toBe('s-old');
    expect(sent('chat.postEphemeral').map((m) => m.text)).toEqual([expect.stringContaining('already in progress')]);
  });
});

describe('direct messages advance once per Slack message', () => {
  it('a reply that fails after the step was saved is re-sent for the same step; the session advances once', async () => {
    await startedSession();
    bot.env.slack.fail('chat.postMessage', { kind: 'status', status: 500 });

    await dm('Add budget variance');
    const report = await drain();

    expect(report.invocations.map((i) => i.failed.length)).toEqual([1, 0]);
    const session = (await readSessions(bot.env))[0];
    expect(session?.messages).toHaveLength(1);
    expect(session?.context.step).toBe('questions');
    expect(replies().map((m) => m.text)).toEqual([expect.stringContaining('Question bank')]);

    await dm('Why is hiring late?');
    await drain();

    expect(replies().map((m) => m.text)).toEqual([
      expect.stringContaining('Question bank'),
      expect.stringContaining('Note-taking template'),
    ]);
  });

  it("Slack's retry of a DM after the queue's five-minute dedup window re-sends the reply and does not advance", async () => {
    await startedSession();
    const ts = `${Math.floor(Date.now() / 1000)}.000100`;

    await dm('Add budget variance', 'EvRETRY00001', ts);
    await drain();
    bot.env.sqs.advance(6 * 60_000);
    await dm('Add budget variance', 'EvRETRY00001', ts);
    await drain();

    expect((await readSessions(bot.env))[0]?.messages).toHaveLength(1);
    expect(replies().map((m) => m.text)).toEqual([
      expect.stringContaining('Question bank'),
      expect.stringContaining('Question bank'),
    ]);
  });

  it("one user's DMs are answered in order, even when the first one's reply needs a retry", async () => {
    await startedSession();
    bot.env.slack.fail('chat.postMessage', { kind: 'status', status: 500 });

    await dm('agenda item');
    await dm('a question');
    await drain();

    expect(replies().map((m) => m.text)).toEqual([
      expect.stringContaining('Question bank'),
      expect.stringContaining('Note-taking template'),
    ]);
    expect((await readSessions(bot.env))[0]?.messages.map((m) => m.text)).toEqual(['agenda item', 'a question']);
  });
});

describe('ephemeral clicks', () => {
  it('a refusal on the ephemeral /meetings list is answered through its response_url, not chat.postEphemeral', async () => {
    await seed(bot.env, aMeeting());
    const responseUrl = bot.env.slack.responseUrl();

    await click({ userId: 'U0OTHER01', ephemeral: true, responseUrl });
    await drain();

    expect(bot.env.slack.responseUrlPosts.map((p) => p.body)).toEqual([
      expect.objectContaining({
        response_type: 'ephemeral',
        replace_original: false,
        text: expect.stringContaining("only the meeting's owner"),
      }),
    ]);
    expect(bot.env.slack.requests).toHaveLength(0);
  });
});

describe('unreadable work', () => {
  it('goes to the dead-letter queue after its deliveries, without blocking other users', async () => {
    await seed(bot.env, aMeeting());
    const { SQSClient, SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const sqs = new SQSClient({});
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: bot.env.workQueue.url,
        MessageBody: '{"kind":"mystery"}',
        MessageGroupId: 'U0SOMEONE1',
        MessageDeduplicationId: 'poison-1',
      }),
    );
    await click();

    const report = await drain();

    expect(report.deadLettered).toBe(1);
    expect(dmPosts()).toHaveLength(1);
    sqs.destroy();
  });
});
