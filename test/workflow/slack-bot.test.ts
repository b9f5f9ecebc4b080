/**
 * The Slack bot end to end: the real webhook handler driven with API Gateway events (REST v1 and HTTP API v2)
 * built from the fixtures and signed with the local signing secret, against dynalite, the Slack fake and the
 * Scheduler fake; a reminder schedule is then fired into the locally run prep workflow.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_REMINDERS } from '../../local/local-environment';
import { statesEntered, type LocalExecution } from '../../local/workflow-runner';
import { parseStartExecutionInput } from '../../lambda/actions/reminders';
import { aMeeting, aUser, readMeeting, seed, snapshotTables } from './helpers';
import {
  FORM,
  JSON_TYPE,
  WebhookHandler,
  botEcho,
  clickBody,
  dmBody,
  httpEvent,
  messageChanged,
  putMeetings,
  readSessions,
  restEvent,
  slashCommandBody,
  startingIn,
  urlVerification,
  useBotEnvironment,
} from './bot-helpers';

const bot = useBotEnvironment();

/** The webhook's answer alone: the worker has not run yet. */
const answer = (event: Parameters<WebhookHandler>[0]) => bot.handler(event, {});
/** The answer, then the worker drains the queue (as the event source mapping would, right after). */
const call = async (event: Parameters<WebhookHandler>[0]) => {
  const response = await answer(event);
  await bot.env.worker().drain();
  return response;
};
const startPrepClick = (options: Parameters<typeof clickBody>[1] = {}) =>
  call(restEvent(clickBody('start_prep', options), FORM));
const remindClick = (options: Parameters<typeof clickBody>[1] = {}) =>
  call(restEvent(clickBody('remind_later', options), FORM));
const sent = (method: string) => bot.env.slack.messages.filter((m) => m.method === method);

describe('the signature', () => {
  const cases: [string, () => Parameters<WebhookHandler>[0], string][] = [
    [
      'a bad signature',
      () => restEvent(clickBody('start_prep'), FORM, { secret: 'not-the-signing-secret' }),
      'invalid_signature',
    ],
    [
      'a stale timestamp',
      () => restEvent(clickBody('start_prep'), FORM, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
      'stale_timestamp',
    ],
    [
      'a timestamp in the future',
      () => httpEvent(slashCommandBody(), FORM, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }),
      'stale_timestamp',
    ],
    [
      'missing signature headers',
      () => restEvent(clickBody('start_prep'), FORM, { unsigned: true }),
      'missing_signature',
    ],
    [
      'an unsigned body that does not parse',
      () => restEvent('payload=%7Bbroken', FORM, { unsigned: true }),
      'missing_signature',
    ],
    [
      'a signature over another body',
      () => ({ ...restEvent(clickBody('start_prep'), FORM), body: clickBody('remind_later') }),
      'invalid_signature',
    ],
    ['a malformed signature', () => restEvent('payload=%7Bbroken', FORM, { signature: 'v0=zz' }), 'invalid_signature'],
  ];

  it.each(cases)('refuses %s with 401, writes nothing and calls nobody', async (_name, build, reason) => {
    await seed(bot.env, aMeeting());
    const before = await snapshotTables(bot.env);

    const response = await call(build());

    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toEqual({ error: reason });
    expect(await snapshotTables(bot.env)).toEqual(before);
    expect(bot.env.slack.requests).toHaveLength(0);
    expect(bot.env.scheduler.requests).toHaveLength(0);
  });

  it('answers a signed body that does not parse with 400', async () => {
    const response = await call(restEvent('payload=%7Bbroken', FORM));

    expect(response.statusCode).toBe(400);
    expect(bot.env.slack.requests).toHaveLength(0);
  });

  it('answers url_verification with the challenge', async () => {
    const response = await call(restEvent(JSON.stringify(urlVerification), JSON_TYPE));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ challenge: urlVerification.challenge });
  });

  it('answers ssl_check', async () => {
    const response = await call(httpEvent('ssl_check=1&token=Xq7vN2pL9sR4tW8yZ1cB5dF3', FORM));

    expect(response).toMatchObject({ statusCode: 200, body: '' });
  });
});

describe('/meetings', () => {
  interface SectionBlock {
    type: string;
    text?: { text: string };
    accessory?: { action_id: string; value: string };
  }
  const listed = (body: string): SectionBlock[] => (JSON.parse(body) as { blocks: SectionBlock[] }).blocks.slice(1);

  it('lists the next 7 days soonest first, with Start Prep only where prep has not started (HTTP API, base64 body)', async () => {
    await seed(
      bot.env,
      aMeeting({
        meeting_id: 'm-later',
        title: 'Vendor review',
        meeting_type: 'vendor_meeting',
        start_time: startingIn(3 * 24 * 60),
        status: 'PREP_SCHEDULED',
      }),
    );
    await putMeetings(bot.env, [
      aMeeting({
        meeting_id: 'm-soon',
        title: 'Weekly 1:1',
        meeting_type: 'one_on_one',
        start_time: startingIn(5 * 60),
        status: 'PREP_IN_PROGRESS',
        chat_session_id: 's-1',
      }),
      aMeeting({
        meeting_id: 'm-mid',
        title: 'Q4 Leadership Sync',
        start_time: startingIn(30 * 60),
        status: 'CLASSIFIED',
      }),
      aMeeting({
        meeting_id: 'm-cancelled',
        title: 'Cancelled sync',
        start_time: startingIn(10 * 60),
        status: 'CANCELLED',
      }),
      aMeeting({ meeting_id: 'm-far', title: 'Too far', start_time: startingIn(9 * 24 * 60) }),
      aMeeting({ meeting_id: 'm-past', title: 'Already over', start_time: startingIn(-120) }),
      aMeeting({ meeting_id: 'm-other', user_id: 'U0OTHER01', title: 'Not yours', start_time: startingIn(60) }),
    ]);
    // The 1:1's prep session is live (one that ended would be offered again).
    await bot.env.db.send(
      new PutCommand({
        TableName: bot.env.tables.chatSessions,
        Item: {
          session_id: 's-1',
          user_id: 'U024BE7LH',
          meeting_id: 'm-soon',
          state: 'ACTIVE',
          messages: [],
          context: { step: 'agenda', meeting_type: 'one_on_one' },
          created_at: new Date().toISOString(),
          expires_at: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );

    const response = await call(httpEvent(slashCommandBody(), FORM));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ response_type: 'ephemeral' });
    const sections = listed(response.body);
    expect(sections.map((s) => s.text?.text.split('\n')[0])).toEqual([
      '*Weekly 1:1*',
      '*Q4 Leadership Sync*',
      '*Vendor review*',
    ]);
    expect(sections[0]?.text?.text).toContain('One-on-one');
    expect(sections[0]?.text?.text).toContain('Prep in progress');
    expect(sections[1]?.text?.text).toMatch(/Leadership team · \w{3}, \w{3} \d+, \d+:\d{2} [AP]M E[SD]T/);
    expect(sections.map((s) => s.accessory?.action_id)).toEqual([undefined, 'start_prep', 'start_prep']);
    expect(JSON.parse(sections[1]?.accessory?.value ?? '{}')).toEqual({ meeting_id: 'm-mid', user_id: 'U024BE7LH' });
    expect(bot.env.slack.requests).toHaveLength(0);
  });

  it("shows local times in the user's time zone (REST API, form body)", async () => {
    await seed(bot.env, aMeeting({ start_time: '2099-01-01T00:00:00Z' }), aUser({ timezone: 'Asia/Tokyo' }));
    await putMeetings(bot.env, [aMeeting({ meeting_id: 'm-tokyo', start_time: startingIn(120) })]);

    const response = await call(restEvent(slashCommandBody(), FORM));

    expect(listed(response.body)[0]?.text?.text).toContain('GMT+9');
  });

  it('says so in a friendly line when nothing is coming up', async () => {
    await seed(bot.env, aMeeting({ start_time: startingIn(10 * 24 * 60) }));

    const response = await call(httpEvent(slashCommandBody(), FORM));

    expect(JSON.parse(response.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('no meetings in the next 7 days'),
    });
  });

  it('answers an unknown user with a clear line, not an error', async () => {
    const response = await call(httpEvent(slashCommandBody({ user_id: 'U0NOBODY1' }), FORM));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining("don't have you on file"),
    });
  });
});

describe('Start Prep', () => {
  it('creates one ACTIVE session, moves the meeting to PREP_IN_PROGRESS, replaces the message and DMs the prep kit', async () => {
    await seed(bot.env, aMeeting());
    const clickedAt = Date.now();

    const response = await startPrepClick();

    expect(response.statusCode).toBe(200);
    const sessions = await readSessions(bot.env);
    expect(sessions).toHaveLength(1);
    const session = sessions[0];
    expect(session).toMatchObject({
      user_id: 'U024BE7LH',
      meeting_id: 'm-7f3a',
      state: 'ACTIVE',
      messages: [],
      context: { step: 'agenda', meeting_type: 'leadership_team' },
    });
    expect(session?.expires_at).toBeGreaterThanOrEqual(Math.floor(clickedAt / 1000) + 24 * 3600 - 1);
    expect(session?.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 24 * 3600);
    expect(await readMeeting(bot.env, 'm-7f3a')).toMatchObject({
      status: 'PREP_IN_PROGRESS',
      chat_session_id: session?.session_id,
    });

    const updates = sent('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ channel: 'D07H3LQ8V2N', ts: '1795701604.218309', text: 'Prep session started' });
    expect(JSON.stringify(updates[0]?.blocks)).not.toContain('"button"');

    const dms = sent('chat.postMessage');
    expect(dms).toHaveLength(1);
    expect(dms[0]?.args['channel']).toBe('U024BE7LH');
    const dm = JSON.stringify(dms[0]?.blocks);
    expect(dm).toContain('Q4 Leadership Sync');
    expect(dm).toContain('Agenda outline');
    expect(dm).toContain('Budget variance and reallocation requests');
    expect(dm).toContain('Question bank');
    expect(dm).toContain('Note-taking template');
  });

  it("answers after two DynamoDB requests, the click's claim and the meeting's conditional claim, and the queued kit: the session is the worker's to create", async () => {
    await seed(bot.env, aMeeting());
    const queuedBefore = bot.env.sqs.requests.filter((r) => r.operation === 'SendMessage').length;
    const stop = bot.env.dynamoFaults.record();

    const response = await answer(restEvent(clickBody('start_prep'), FORM));
    const requests = stop();

    expect(response.statusCode).toBe(200);
    expect(requests.map((r) => r.target)).toEqual(['PutItem', 'UpdateItem']);
    // The click's identity, claimed before acting (a replay of this request finds it taken).
    expect(JSON.parse(requests[0]?.body ?? '{}')).toMatchObject({
      TableName: bot.env.env['INTERACTION_CLAIMS_TABLE_NAME'],
      Item: { message_sid: { S: expect.stringMatching(/^slack#action#T05QX8K2M7N#U024BE7LH#start_prep#/) } },
      ConditionExpression: expect.stringContaining('attribute_not_exists'),
    });
    expect(JSON.parse(requests[1]?.body ?? '{}')).toMatchObject({
      TableName: bot.env.tables.meetings,
      ConditionExpression: expect.stringContaining('user_id = :actor'),
      ReturnValues: 'ALL_OLD',
    });
    expect(bot.env.sqs.requests.filter((r) => r.operation === 'SendMessage')).toHaveLength(queuedBefore + 1);
    expect(await readSessions(bot.env)).toEqual([]);
    expect(bot.env.slack.requests).toHaveLength(0);
  });

  it('a double click (two concurrent requests) creates one session and sends one DM', async () => {
    await seed(bot.env, aMeeting());

    const responses = await Promise.all([startPrepClick(), startPrepClick()]);

    expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);
    const sessions = await readSessions(bot.env);
    expect(sessions).toHaveLength(1);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.chat_session_id).toBe(sessions[0]?.session_id);
    expect(sent('chat.postMessage')).toHaveLength(1);
    expect(sent('chat.postEphemeral').map((m) => m.text)).toEqual([expect.stringContaining('already in progress')]);
  });

  it('a second click later tells the user prep is already in progress and changes nothing', async () => {
    await seed(bot.env, aMeeting());
    await startPrepClick();
    const before = await snapshotTables(bot.env);

    await startPrepClick();

    expect(await snapshotTables(bot.env)).toEqual(before);
    expect(sent('chat.postMessage')).toHaveLength(1);
    expect(sent('chat.postEphemeral')).toHaveLength(1);
  });

  it("refuses another user's click with an ephemeral message and changes nothing", async () => {
    await seed(bot.env, aMeeting());
    const before = await snapshotTables(bot.env);

    const response = await startPrepClick({ userId: 'U0OTHER01' });

    expect(response.statusCode).toBe(200);
    expect(await snapshotTables(bot.env)).toEqual(before);
    const ephemeral = sent('chat.postEphemeral');
    expect(ephemeral).toHaveLength(1);
    expect(ephemeral[0]).toMatchObject({ user: 'U0OTHER01', channel: 'D07H3LQ8V2N' });
    expect(ephemeral[0]?.text).toContain("only the meeting's owner");
    expect(sent('chat.update')).toHaveLength(0);
    expect(sent('chat.postMessage')).toHaveLength(0);
  });

  it('from the ephemeral /meetings list, replaces the list through its response_url', async () => {
    await seed(bot.env, aMeeting());
    const responseUrl = bot.env.slack.responseUrl();

    await startPrepClick({ ephemeral: true, responseUrl });

    expect(bot.env.slack.responseUrlPosts).toHaveLength(1);
    expect(bot.env.slack.responseUrlPosts[0]?.body).toMatchObject({
      replace_original: true,
      text: 'Prep session started',
    });
    expect(sent('chat.update')).toHaveLength(0);
    expect(sent('chat.postMessage')).toHaveLength(1);
  });
});

describe('Remind Me in 2 Hours', () => {
  const only = () => {
    const schedules = [...bot.env.scheduler.schedules.values()];
    expect(schedules).toHaveLength(1);
    return schedules[0] as NonNullable<(typeof schedules)[number]>;
  };
  const fireAt = (expression: string): Date => new Date(`${/^at\((.+)\)$/.exec(expression)?.[1]}Z`);

  it('creates a one-shot schedule two hours out that starts the prep workflow with the reminder input', async () => {
    await seed(bot.env, aMeeting({ status: 'PREP_SCHEDULED' }));
    const before = Date.now();

    const response = await remindClick();

    expect(response.statusCode).toBe(200);
    const schedule = only();
    expect(schedule).toMatchObject({
      Name: 'prep-reminder-m-7f3a',
      GroupName: LOCAL_REMINDERS.scheduleGroupName,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        // Scheduler calls StartExecution itself, so the execution is named after the meeting.
        Arn: 'arn:aws:scheduler:::aws-sdk:sfn:startExecution',
        RoleArn: LOCAL_REMINDERS.schedulerRoleArn,
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      },
    });
    expect(schedule.ScheduleExpression).toMatch(/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/);
    const at = fireAt(schedule.ScheduleExpression).getTime();
    expect(at).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000);
    const startExecution = parseStartExecutionInput(schedule.Target.Input);
    expect(startExecution.stateMachineArn).toBe(LOCAL_REMINDERS.stateMachineArn);
    expect(startExecution.name).toBe(
      `m-7f3a-reminder-${new Date(at)
        .toISOString()
        .slice(0, 19)
        .replace(/[^0-9]/g, '')}`,
    );
    expect(startExecution.input).toEqual({
      version: '0',
      id: `prep-reminder-m-7f3a@${new Date(at).toISOString().slice(0, 19)}`,
      'detail-type': 'MeetingPrepReminder',
      source: 'exec-assistant.slack-bot',
      time: expect.any(String),
      detail: { meeting_id: 'm-7f3a', user_id: 'U024BE7LH', reminder: true },
    });
    const updates = sent('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ channel: 'D07H3LQ8V2N', ts: '1795701604.218309' });
    expect(updates[0]?.text).toMatch(/^I'll remind you at \w{3}, \w{3} \d+, \d+:\d{2} [AP]M E[SD]T$/);
    expect(JSON.stringify(updates[0]?.blocks)).not.toContain('"button"');
  });

  it('clamps the reminder to 15 minutes before a meeting one hour away', async () => {
    const start = startingIn(60);
    await seed(bot.env, aMeeting({ start_time: start }));

    await remindClick();

    const expected = new Date(Date.parse(start) - 15 * 60_000);
    expect(only().ScheduleExpression).toBe(`at(${expected.toISOString().slice(0, 19)})`);
  });

  it('schedules nothing for a meeting ten minutes away, and says so', async () => {
    await seed(bot.env, aMeeting({ start_time: startingIn(10) }));

    const response = await remindClick();

    expect(response.statusCode).toBe(200);
    expect(bot.env.scheduler.requests).toHaveLength(0);
    expect(bot.env.scheduler.schedules.size).toBe(0);
    expect(sent('chat.postEphemeral').map((m) => m.text)).toEqual([expect.stringContaining('too soon for a reminder')]);
    expect(sent('chat.update')).toHaveLength(0);
  });

  it('a second click reports the reminder already set and never creates two', async () => {
    await seed(bot.env, aMeeting());
    await remindClick();
    const first = only();

    await remindClick();

    expect(only()).toBe(first);
    // After each click the worker reads the meeting's reminder for the refreshed Home tab (GetSchedule).
    expect(bot.env.scheduler.requests.map((r) => r.operation)).toEqual([
      'CreateSchedule',
      'GetSchedule',
      'CreateSchedule',
      'GetSchedule',
      'GetSchedule',
    ]);
    expect(bot.env.scheduler.requests.filter((r) => r.operation === 'CreateSchedule')).toHaveLength(2);
    expect(sent('chat.postEphemeral').map((m) => m.text)).toEqual([expect.stringContaining('already set for')]);
  });

  it("refuses another user's click and schedules nothing", async () => {
    await seed(bot.env, aMeeting());

    await remindClick({ userId: 'U0OTHER01' });

    expect(bot.env.scheduler.requests).toHaveLength(0);
    expect(sent('chat.postEphemeral')).toMatchObject([{ user: 'U0OTHER01' }]);
  });

  it('when the schedule fires, the prep workflow sends the reminder on Slack and the schedule is deleted', async () => {
    await seed(bot.env, aMeeting({ status: 'PREP_SCHEDULED' }));
    await remindClick();
    const schedule = only();
    bot.env.slack.reset();
    const executions: LocalExecution[] = [];

    const firings = await bot.env.scheduler.fireDue(
      new Date(fireAt(schedule.ScheduleExpression).getTime() + 1000),
      async (s) => {
        const { name, input } = parseStartExecutionInput(s.Target.Input);
        executions.push(await bot.env.workflow.run(input, { executionName: name, retryIntervalMs: 0 }));
      },
    );

    expect(firings).toHaveLength(1);
    expect(firings[0]?.error).toBeUndefined();
    expect(executions[0]?.status).toBe('SUCCEEDED');
    expect(statesEntered(executions[0] as LocalExecution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RecordDelivery',
    ]);
    const posts = bot.env.slack.calls('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]?.['blocks'])).toContain('Here is the reminder you asked for.');
    expect(bot.env.scheduler.schedules.size).toBe(0);
  });
});

describe('direct messages', () => {
  const dm = (text: string, eventId?: string, headers?: Record<string, string>) =>
    call(httpEvent(dmBody(text, eventId), JSON_TYPE, { base64: false, ...(headers ? { headers } : {}) }));
  const replies = () =>
    sent('chat.postMessage').filter((m) => m.channel === 'D07H3LQ8V2N' && m.args['channel'] === 'D07H3LQ8V2N');

  it('walks the active session through agenda, questions and notes, storing each message', async () => {
    await seed(bot.env, aMeeting());
    await startPrepClick();

    await dm('Add budget variance to the agenda');
    const afterAgenda = (await readSessions(bot.env))[0];
    await dm('Why is the hiring plan late?');
    await dm('Notes: push for decision on Q1 budget');

    expect(afterAgenda?.context.step).toBe('questions');
    expect(afterAgenda?.messages).toEqual([
      { ts: expect.any(String), text: 'Add budget variance to the agenda', at: expect.any(String), step: 'agenda' },
    ]);
    const texts = replies().map((m) => m.text ?? '');
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain('Question bank');
    expect(texts[1]).toContain('Note-taking template');
    expect(texts[2]).toContain('complete');
    const session = (await readSessions(bot.env))[0];
    expect(session).toMatchObject({ state: 'COMPLETED', context: { step: 'done' } });
    expect(session?.messages.map((m) => m.step)).toEqual(['agenda', 'questions', 'notes']);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).toBe('PREP_COMPLETED');
  });

  it('processes a retried event (X-Slack-Retry-Num) once', async () => {
    await seed(bot.env, aMeeting());
    await startPrepClick();

    const first = await dm('Add budget variance', 'Ev07HJ4Q2R8T');
    const retry = await dm('Add budget variance', 'Ev07HJ4Q2R8T', {
      'X-Slack-Retry-Num': '1',
      'X-Slack-Retry-Reason': 'http_timeout',
    });

    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(replies()).toHaveLength(1);
    expect((await readSessions(bot.env))[0]?.messages).toHaveLength(1);
  });

  it('without an active session, answers with help and the next meetings', async () => {
    await seed(bot.env, aMeeting());

    await dm('hello?');

    const reply = replies();
    expect(reply).toHaveLength(1);
    expect(reply[0]?.text).toContain('no prep session open');
    expect(reply[0]?.text).toContain('Q4 Leadership Sync');
  });

  it.each([
    ["the bot's own message", botEcho],
    ['an edit (message_changed)', messageChanged],
  ])('ignores %s', async (_name, fixture) => {
    await seed(bot.env, aMeeting());
    await startPrepClick();
    bot.env.slack.reset();
    const before = await snapshotTables(bot.env);

    const response = await call(restEvent(JSON.stringify(fixture), JSON_TYPE));

    expect(response.statusCode).toBe(200);
    expect(bot.env.slack.requests).toHaveLength(0);
    expect(await snapshotTables(bot.env)).toEqual(before);
  });
});

describe('a title holding an address (phishing under the bot’s name)', () => {
  const PHISHING = 'Board sync https://evil.example/login';
  const NO_PREVIEWS = { unfurl_links: false, unfurl_media: false };
  interface Mrkdwn {
    readonly type: string;
    readonly text: string;
    readonly verbatim?: boolean;
  }
  /** Every mrkdwn text object in a message's blocks. */
  const mrkdwnIn = (node: unknown): Mrkdwn[] => {
    if (Array.isArray(node)) return node.flatMap(mrkdwnIn);
    if (typeof node !== 'object' || node === null) return [];
    const record = node as Record<string, unknown>;
    const own = record['type'] === 'mrkdwn' && typeof record['text'] === 'string' ? [record as unknown as Mrkdwn] : [];
    return [...own, ...Object.values(record).flatMap(mrkdwnIn)];
  };
  /** The blocks show the title only in verbatim text objects, and every mrkdwn object is verbatim. */
  const expectVerbatimTitle = (blocks: unknown) => {
    const objects = mrkdwnIn(blocks);
    expect(objects.filter((o) => o.text.includes(PHISHING)).length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.verbatim !== true)).toEqual([]);
  };

  beforeEach(async () => {
    await seed(bot.env, aMeeting({ title: PHISHING }));
  });

  it('/meetings answers with the title verbatim, and no previews', async () => {
    const response = await call(httpEvent(slashCommandBody(), FORM));

    const body = JSON.parse(response.body) as { blocks: unknown };
    expect(body).toMatchObject(NO_PREVIEWS);
    expectVerbatimTitle(body.blocks);
  });

  it('Start Prep replaces the clicked message and DMs the kit with the title verbatim, and no previews', async () => {
    await startPrepClick();

    const [update] = sent('chat.update');
    expect(update?.args).toMatchObject(NO_PREVIEWS);
    expectVerbatimTitle(update?.blocks);
    const [opening] = sent('chat.postMessage');
    expect(opening?.args).toMatchObject(NO_PREVIEWS);
    expectVerbatimTitle(opening?.blocks);
  });

  it('a click on the ephemeral /meetings list answers through its response_url with no previews', async () => {
    await startPrepClick({ ephemeral: true, responseUrl: bot.env.slack.responseUrl() });

    const [post] = bot.env.slack.responseUrlPosts;
    expect(post?.body).toMatchObject({ replace_original: true, ...NO_PREVIEWS });
    expectVerbatimTitle((post?.body as { blocks?: unknown }).blocks);
  });

  it('a refusal told only to the clicker carries no previews', async () => {
    await startPrepClick({ userId: 'U0OTHER01' });

    expect(sent('chat.postEphemeral')[0]?.args).toMatchObject(NO_PREVIEWS);
  });

  it('Remind Me replaces the clicked message with the title verbatim, and no previews', async () => {
    await remindClick();

    const [update] = sent('chat.update');
    expect(update?.args).toMatchObject(NO_PREVIEWS);
    expectVerbatimTitle(update?.blocks);
  });

  it('the replies of a prep session name the meeting verbatim, with no previews', async () => {
    await startPrepClick();
    const dm = (text: string) => call(httpEvent(dmBody(text), JSON_TYPE, { base64: false }));

    await dm('Add budget variance');
    await dm('Why is the hiring plan late?');
    await dm('Notes: decide on Q1 budget');

    const replies = sent('chat.postMessage').filter((m) => m.args['channel'] === 'D07H3LQ8V2N');
    expect(replies).toHaveLength(3);
    for (const reply of replies) {
      expect(reply.args).toMatchObject(NO_PREVIEWS);
      expect(mrkdwnIn(reply.blocks).filter((o) => o.verbatim !== true)).toEqual([]);
    }
    expectVerbatimTitle(replies[0]?.blocks);
    expectVerbatimTitle(replies[2]?.blocks);
  });
});
