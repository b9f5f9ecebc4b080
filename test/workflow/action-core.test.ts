/**
 * One action core for every entry point: Start Prep and Remind Me in 2 Hours from SMS and email give
 * the same guards and outcomes as the Slack buttons, and the prep kit goes where the executive can use it — the
 * Slack DM when Slack reached them, otherwise their email (sent by the real worker through the SES stand-in).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LocalEnvironment } from '../../local/local-environment';
import { kitChannelFor, runPrepAction } from '../../lambda/actions/core';
import type { PrepActionDeps, PrepActionRequest } from '../../lambda/actions/action';
import { prepActionDepsFromEnv } from '../../lambda/actions/deps';
import { ChatSessionsRepository, SESSION_PENDING_SECONDS } from '../../lambda/shared/chat-sessions';
import type { Meeting, NotificationAttempt } from '../../lambda/shared/domain';
import { aMeeting, aUser, readMeeting, seed, startEnvironment } from './helpers';
import { clearTables, readSessions } from './bot-helpers';

jest.setTimeout(30_000);

let env: LocalEnvironment;
let deps: PrepActionDeps;

beforeAll(async () => {
  env = await startEnvironment();
  deps = prepActionDepsFromEnv(new Logger({ serviceName: 'action-core-test', logLevel: 'SILENT' }));
}, 60_000);

afterAll(async () => {
  await env?.close();
});

beforeEach(async () => {
  await env.resetFakes();
  await clearTables(env);
});

const request = (overrides: Partial<PrepActionRequest> = {}): PrepActionRequest => ({
  action: 'start_prep',
  meetingId: 'm-7f3a',
  userId: 'U024BE7LH',
  via: 'sms',
  requestId: `SM${Math.random().toString(16).slice(2).padEnd(32, '0')}`,
  ...overrides,
});
const attempt = (
  channel: NotificationAttempt['channel'],
  outcome: NotificationAttempt['outcome'],
): NotificationAttempt => ({ channel, outcome, at: new Date().toISOString() });
const slackFailedThenSms: readonly NotificationAttempt[] = [attempt('slack', 'failed'), attempt('sms', 'delivered')];
const drain = () => env.worker().drain();
const dmPosts = () =>
  env.slack.requests.filter((r) => r.method === 'chat.postMessage' && r.args['channel'] === 'U024BE7LH');
const queued = () => env.sqs.queue(env.workQueue.name).messages;

describe('where the prep kit goes', () => {
  const meeting = (attempts?: readonly NotificationAttempt[]): Meeting => ({
    ...aMeeting(),
    ...(attempts ? { notification_attempts: attempts } : {}),
  });

  it.each([
    ['a Slack click', 'slack', 'slack', meeting(slackFailedThenSms), aUser()],
    ['an SMS after Slack failed', 'email', 'sms', meeting(slackFailedThenSms), aUser()],
    ['an email link after Slack delivered', 'slack', 'email', meeting([attempt('slack', 'delivered')]), aUser()],
    [
      'an SMS after Slack delivered, then a later Slack failure',
      'email',
      'sms',
      meeting([attempt('slack', 'delivered'), attempt('slack', 'failed')]),
      aUser(),
    ],
    ['an SMS with no Slack attempt on record', 'email', 'sms', meeting(), aUser()],
    [
      'an SMS from a user with no email address',
      'slack',
      'sms',
      meeting(slackFailedThenSms),
      aUser({ email: undefined }),
    ],
  ] as const)('%s: the kit goes by %s', (_name, expected, via, m, user) => {
    expect(kitChannelFor(via, m, user)).toBe(expected);
  });
});

describe('Start Prep from SMS or email', () => {
  it('starts the session and, Slack having failed, the worker emails the kit (and sends no DM)', async () => {
    await seed(env, aMeeting({ title: 'Q4 <Board> & Budget', notification_attempts: slackFailedThenSms }));

    const result = await runPrepAction(deps, request());

    expect(result).toMatchObject({ outcome: 'session_started', kitVia: 'email' });
    expect(result.text).toMatch(
      /^Prep started for "Q4 <Board> & Budget" \(.+\)\. Your prep kit is on its way to your email\.$/,
    );
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
    await drain();
    const emails = await env.ses.emails();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      destination: { to: ['jordan.lee@acme-exec.example'] },
      subject: expect.stringContaining('Prep kit: Q4 <Board> & Budget'),
    });
    expect(emails[0]?.body.html).toContain('Q4 &lt;Board&gt; &amp; Budget');
    expect(emails[0]?.body.text).toContain('Agenda outline');
    expect(dmPosts()).toHaveLength(0);
    const [session] = await readSessions(env);
    expect(session).toMatchObject({ state: 'ACTIVE', opening_ts: expect.stringMatching(/^email:/) });
  });

  it('sends the kit to the Slack DM when the meeting reached the user on Slack', async () => {
    await seed(env, aMeeting({ notification_attempts: [attempt('slack', 'delivered')] }));

    const result = await runPrepAction(deps, request({ via: 'email' }));

    expect(result).toMatchObject({
      outcome: 'session_started',
      kitVia: 'slack',
      text: expect.stringContaining('in your Slack direct messages'),
    });
    await drain();
    expect(dmPosts()).toHaveLength(1);
    expect(await env.ses.emails()).toHaveLength(0);
  });

  it('a second Start Prep says it is in progress, and the kit is sent once', async () => {
    await seed(env, aMeeting({ notification_attempts: slackFailedThenSms }));
    const first = request();

    await runPrepAction(deps, first);
    const again = await runPrepAction(deps, request());

    expect(again).toMatchObject({ outcome: 'already_in_progress', text: expect.stringContaining('or in your email') });
    expect(queued()).toHaveLength(1);
    await drain();
    expect(await env.ses.emails()).toHaveLength(1);
  });

  it("refuses someone else's meeting and changes nothing", async () => {
    await seed(env, aMeeting());

    const result = await runPrepAction(deps, request({ userId: 'U0OTHER' }));

    expect(result).toMatchObject({ outcome: 'not_owner', text: expect.stringContaining("only the meeting's owner") });
    expect(result.meeting).toBeUndefined();
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('CLASSIFIED');
    expect(queued()).toHaveLength(0);
  });

  it('says so for a meeting that is gone or has started', async () => {
    await seed(env, aMeeting({}, -1));

    expect((await runPrepAction(deps, request())).outcome).toBe('meeting_started');
    expect((await runPrepAction(deps, request({ meetingId: 'm-gone' }))).outcome).toBe('meeting_not_found');
    expect(queued()).toHaveLength(0);
  });

  it('undoes the start when SES refuses the kit for good (the meeting can be started again)', async () => {
    await seed(env, aMeeting({ notification_attempts: slackFailedThenSms }));
    env.ses.fail({ kind: 'rejected', times: 5 });

    await runPrepAction(deps, request());
    await drain();

    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({ status: 'PREP_SCHEDULED' });
    expect((await readSessions(env))[0]?.state).toBe('CANCELLED');
    env.ses.clearFailures();
    expect((await runPrepAction(deps, request())).outcome).toBe('session_started');
  });
});

describe('Start Prep decided by the claim alone (one conditional write)', () => {
  const asSeeded = { status: 'CLASSIFIED', updated_at: '2026-11-20T08:00:00.000Z' } as const;

  it('gives the claim back exactly as it was when the meeting has started (a start time with a UTC offset)', async () => {
    const started = new Date(Date.now() - 3_600_000);
    // The same instant written with a +05:00 offset: compared as a string with now's UTC time, it looks 4 hours ahead.
    const local = new Date(started.getTime() + 5 * 3_600_000)
      .toISOString()
      .replace('Z', '+05:00')
      .replace(/\.\d{3}/, '');
    await seed(env, aMeeting({ ...asSeeded, start_time: local }));

    const result = await runPrepAction(deps, request({ via: 'slack' }));

    expect(result.outcome).toBe('meeting_started');
    const after = await readMeeting(env, 'm-7f3a');
    expect(after).toMatchObject(asSeeded);
    expect(after).not.toHaveProperty('chat_session_id');
    expect(after).not.toHaveProperty('prep_started_at');
    expect(queued()).toHaveLength(0);
  });

  it('gives the claim back exactly as it was when the kit cannot be queued, and the next try starts', async () => {
    await seed(env, aMeeting(asSeeded));
    env.sqs.fail('SendMessage', { kind: 'status', status: 500, times: 2 });

    await expect(runPrepAction(deps, request({ via: 'slack' }))).rejects.toThrow();

    const after = await readMeeting(env, 'm-7f3a');
    expect(after).toMatchObject(asSeeded);
    expect(after).not.toHaveProperty('chat_session_id');
    expect((await runPrepAction(deps, request({ via: 'slack' }))).outcome).toBe('session_started');
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      status: 'PREP_IN_PROGRESS',
      prep_started_at: expect.any(String),
    });
  });
});

describe('a claim carried out whose answer was lost (the SDK times out and sends it again)', () => {
  it('starts prep once: the repeated claim finds its own session linked, and the kit is queued for it', async () => {
    await seed(env, aMeeting());
    env.dynamoFaults.fail('UpdateItem', { kind: 'accepted_then_timeout', times: 1 });

    const result = await runPrepAction(deps, request({ via: 'slack' }));

    expect(result.outcome).toBe('session_started');
    const linked = (await readMeeting(env, 'm-7f3a'))?.chat_session_id;
    expect(queued().map((m) => (JSON.parse(m.body) as { session_id?: string }).session_id)).toEqual([linked]);
  });

  it('takes over an ended session once: the repeated claim holds for its own session', async () => {
    await seed(env, aMeeting({ status: 'PREP_IN_PROGRESS', chat_session_id: 'sess-ended' }));
    env.dynamoFaults.fail('UpdateItem', { kind: 'accepted_then_timeout', times: 1 });

    const won = await deps.meetings.markPrepInProgress('m-7f3a', 'sess-new', new Date(), 'sess-ended');

    expect(won).toBe(true);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({ status: 'PREP_IN_PROGRESS', chat_session_id: 'sess-new' });
  });
});

describe('the session a claim waits for (the worker creates it with the kit)', () => {
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const claimed = (prepStartedAt: string) =>
    aMeeting({ status: 'PREP_IN_PROGRESS', chat_session_id: 'sess-pending', prep_started_at: prepStartedAt });

  it('is only claimed by the answer: the session appears when the worker sends the kit', async () => {
    await seed(env, aMeeting({ notification_attempts: [attempt('slack', 'delivered')] }));

    const result = await runPrepAction(deps, request({ via: 'email' }));
    const linked = (await readMeeting(env, 'm-7f3a'))?.chat_session_id;

    expect(result.outcome).toBe('session_started');
    expect(linked).toEqual(expect.any(String));
    expect(await readSessions(env)).toEqual([]);
    await drain();
    expect(await readSessions(env)).toEqual([
      expect.objectContaining({
        session_id: linked,
        meeting_id: 'm-7f3a',
        state: 'ACTIVE',
        context: { step: 'agenda', meeting_type: 'leadership_team' },
      }),
    ]);
    expect(dmPosts()).toHaveLength(1);
  });

  it('holds the meeting while it is pending: a second Start Prep is told prep is in progress', async () => {
    await seed(env, claimed(minutesAgo(1)));

    const result = await runPrepAction(deps, request());

    expect(result.outcome).toBe('already_in_progress');
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({ chat_session_id: 'sess-pending' });
    expect(queued()).toHaveLength(0);
  });

  it(`no longer holds it after ${SESSION_PENDING_SECONDS / 60} minutes without the worker creating it: Start Prep takes the meeting over`, async () => {
    await seed(env, claimed(minutesAgo(SESSION_PENDING_SECONDS / 60 + 1)));

    const result = await runPrepAction(deps, request());

    expect(result.outcome).toBe('session_started');
    expect((await readMeeting(env, 'm-7f3a'))?.chat_session_id).not.toBe('sess-pending');
    expect(queued()).toHaveLength(1);
  });
});

describe('a kit job whose start no longer holds (another session linked, or the start undone)', () => {
  const sessions = () => new ChatSessionsRepository(env.db, env.tables.chatSessions);
  const job = (sessionId: string) =>
    deps.queue.enqueue(
      {
        kind: 'start_prep',
        user_id: 'U024BE7LH',
        meeting_id: 'm-7f3a',
        session_id: sessionId,
        via: 'sms',
        kit_via: 'slack',
        clicked_at: new Date().toISOString(),
      },
      `SM${sessionId}`,
    );

  it('is retried while the meeting is linked to another session, then its session is ended and no kit is sent', async () => {
    await seed(env, aMeeting({ status: 'PREP_IN_PROGRESS', chat_session_id: 'sess-winner' }));
    await sessions().create(
      ChatSessionsRepository.newSession({
        sessionId: 'sess-orphan',
        userId: 'U024BE7LH',
        meetingId: 'm-7f3a',
        meetingType: 'leadership_team',
        now: new Date(),
      }),
    );
    await job('sess-orphan');

    const report = await drain();

    expect(report.invocations.length).toBe(5);
    expect(report.deadLettered).toBe(0);
    expect(dmPosts()).toHaveLength(0);
    expect((await readSessions(env)).find((s) => s.session_id === 'sess-orphan')?.state).toBe('CANCELLED');
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      status: 'PREP_IN_PROGRESS',
      chat_session_id: 'sess-winner',
    });
  });

  it.each([
    ['the start was undone (the meeting is back to PREP_SCHEDULED)', aMeeting({ status: 'PREP_SCHEDULED' })],
    ['another start claimed the meeting', aMeeting({ status: 'PREP_IN_PROGRESS', chat_session_id: 'sess-winner' })],
  ])('is dropped at once, creating no session, when %s', async (_case, meeting) => {
    await seed(env, meeting);
    await job('sess-never');

    const report = await drain();

    expect(report.invocations.length).toBe(1);
    expect(dmPosts()).toHaveLength(0);
    expect(await readSessions(env)).toEqual([]);
  });
});

describe('Remind Me in 2 Hours from SMS or email', () => {
  it('schedules one reminder and words the answer for the channel', async () => {
    await seed(env, aMeeting({ title: 'Board sync' }));

    const first = await runPrepAction(deps, request({ action: 'remind_later' }));
    const second = await runPrepAction(deps, request({ action: 'remind_later', via: 'email' }));

    expect(first).toMatchObject({
      outcome: 'reminder_scheduled',
      reminderAt: expect.any(Date),
      text: expect.stringMatching(/^I'll remind you about "Board sync" at .+\.$/),
    });
    expect(second).toMatchObject({ outcome: 'reminder_exists', text: expect.stringContaining('already set for') });
    expect(env.scheduler.schedules.size).toBe(1);
  });

  it('too late for a reminder: tells an SMS user to reply PREP, an email user to use Start Prep', async () => {
    await seed(env, aMeeting({ start_time: new Date(Date.now() + 10 * 60_000).toISOString() }));

    expect((await runPrepAction(deps, request({ action: 'remind_later' }))).text).toMatch(
      /too soon for a reminder.*Reply PREP to prep now\.$/,
    );
    expect((await runPrepAction(deps, request({ action: 'remind_later', via: 'email' }))).text).toMatch(
      /Use Start Prep in the email to prep now\.$/,
    );
    expect(env.scheduler.schedules.size).toBe(0);
  });
});
