/**
 * SMS replies, end to end: Twilio's signed incoming-message webhook (`POST /twilio/sms`, the real handler behind the
 * local API route) answered in TwiML, with the action core acting on dynalite, the Scheduler stand-in and the work
 * queue. Requests are signed with the twilio SDK's own helper, for the exact URL the function checks.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Meeting, User } from '../../lambda/shared/domain';
import { MeetingsRepository } from '../../lambda/shared/meetings-repository';
import { SmsReplyBook } from '../../lambda/shared/sms-reply-book';
import { inboundSmsParams, sendInboundSms, SmsAnswer } from '../../local/cli/sms-client';
import { SMS_REPLY_LIMIT, SMS_REPLY_WINDOW_SECONDS } from '../../lambda/actions/sms-reply-limit';
import { resetLocalClock, setLocalClock } from '../../local/clock';
import { sampleMeeting } from '../../local/demo';
import { LOCAL_CREDENTIALS, LocalEnvironment, startLocalEnvironment } from '../../local/local-environment';
import { USER_ID, aUser, readMeeting, snapshotTables } from './helpers';
import { clearTables, readSessions } from './bot-helpers';

const fixture = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'fixtures', 'twilio', 'incoming-sms-prep.json'), 'utf8'),
) as {
  params: Record<string, string>;
};
const PHONE = fixture.params['From'] as string;
let env: LocalEnvironment;
let sid = 0;

beforeAll(async () => {
  env = await startLocalEnvironment();
}, 60_000);
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  await env.resetFakes();
  await clearTables(env);
  // The answers and the reply counters: each test starts with every number's replies unused.
  const answersTable = env.env['SMS_REPLIES_TABLE_NAME'];
  const answers = await env.db.send(new ScanCommand({ TableName: answersTable, ConsistentRead: true }));
  for (const item of answers.Items ?? [])
    await env.db.send(new DeleteCommand({ TableName: answersTable, Key: { message_sid: item['message_sid'] } }));
});
afterEach(() => {
  resetLocalClock();
});

/** A meeting of the executive, PREP_SCHEDULED (notified), starting `hoursAhead` hours from now. */
const pending = (meetingId: string, hoursAhead = 26, overrides: Partial<Meeting> = {}): Meeting => {
  const start = new Date(Date.now() + hoursAhead * 3_600_000);
  start.setUTCSeconds(0, 0);
  return sampleMeeting(meetingId, start, {
    status: 'PREP_SCHEDULED',
    notification_channel: 'sms',
    title: `Meeting ${meetingId}`,
    ...overrides,
  });
};

/** Seeds the user and the meetings, and numbers the meetings as NotifyViaSms does when it texts them (in order). */
async function texted(meetings: readonly Meeting[], user: User = aUser()): Promise<void> {
  await env.db.send(new PutCommand({ TableName: env.tables.users, Item: user }));
  const book = new SmsReplyBook(env.db, env.tables.users, new MeetingsRepository(env.db, env.tables.meetings));
  for (const [i, meeting] of meetings.entries()) {
    await env.db.send(new PutCommand({ TableName: env.tables.meetings, Item: meeting }));
    await book.assign(
      meeting.user_id,
      meeting,
      `exec-${meeting.meeting_id}`,
      new Date(Date.now() - (meetings.length - i) * 60_000),
    );
  }
}

/** Texts the assistant as Twilio posts it: signed for the function's URL with the account's auth token. */
function text(
  body: string,
  options: { from?: string; messageSid?: string; authToken?: string; sign?: boolean } = {},
): Promise<SmsAnswer> {
  const params = inboundSmsParams(
    options.from ?? PHONE,
    LOCAL_CREDENTIALS.twilioFromNumber,
    body,
    LOCAL_CREDENTIALS.twilioAccountSid,
    options.messageSid ?? `SM${String(++sid).padStart(32, '0')}`,
  );
  if (options.sign === false) return postUnsigned(params);
  return sendInboundSms({
    postUrl: env.smsWebhookUrl,
    signedUrl: env.smsWebhookUrl,
    authToken: options.authToken ?? LOCAL_CREDENTIALS.twilioAuthToken,
    params,
  });
}

async function postUnsigned(params: Record<string, string>): Promise<SmsAnswer> {
  const res = await fetch(env.smsWebhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, twiml: await res.text(), messages: [] };
}

const readUser = async () =>
  (await env.db.send(new GetCommand({ TableName: env.tables.users, Key: { user_id: USER_ID }, ConsistentRead: true })))
    .Item as User;
const queued = () => env.sqs.queue(env.workQueue.name).messages;
/** The chat sessions once the worker has run the queued jobs (it creates a Start Prep's session with the kit). */
const sessionsOnceWorked = async () => {
  await env.worker().drain();
  return readSessions(env);
};
const reminders = () => [...env.scheduler.schedules.keys()];
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
/** Every item of the SMS answers table (answers, and the reply counters). */
const answerItems = async () =>
  (
    (await env.db.send(new ScanCommand({ TableName: env.env['SMS_REPLIES_TABLE_NAME'], ConsistentRead: true })))
      .Items ?? []
  ).sort((a, b) => String(a['message_sid']).localeCompare(String(b['message_sid'])));

describe('PREP and LATER by SMS', () => {
  it('PREP starts prep for the texted meeting and queues the kit for the worker, answered in TwiML', async () => {
    await texted([pending('m-7f3a')]);
    const params = {
      ...fixture.params,
      To: LOCAL_CREDENTIALS.twilioFromNumber,
      AccountSid: LOCAL_CREDENTIALS.twilioAccountSid,
    };

    const answer = await sendInboundSms({
      postUrl: env.smsWebhookUrl,
      signedUrl: env.smsWebhookUrl,
      authToken: LOCAL_CREDENTIALS.twilioAuthToken,
      params,
    });

    expect(answer.status).toBe(200);
    expect(answer.twiml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?><Response><Message>[^<]+<\/Message><\/Response>$/,
    );
    expect(answer.messages).toEqual([
      expect.stringMatching(/^Prep started for "Meeting m-7f3a" \(.+\)\. Your prep kit is on its way to your email\.$/),
    ]);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
    expect(queued()).toHaveLength(1);
    expect(queued()[0]?.dedupId).toContain(fixture.params['MessageSid']);
    expect(JSON.parse(queued()[0]?.body ?? '{}')).toMatchObject({
      kind: 'start_prep',
      meeting_id: 'm-7f3a',
      via: 'sms',
      kit_via: 'email',
    });
  });

  it('a second PREP says prep is already under way, and starts nothing more', async () => {
    await texted([pending('m-7f3a')]);
    await text('PREP');

    const answer = await text('prep.');

    expect(answer.messages).toEqual([
      expect.stringMatching(
        /^Prep is already in progress for "Meeting m-7f3a"\. Your prep kit is in your Slack direct messages with me, or in your email\.$/,
      ),
    ]);
    expect(queued()).toHaveLength(1);
    expect(await sessionsOnceWorked()).toHaveLength(1);
  });

  it('LATER sets a reminder two hours on, said in the executive’s time; a second LATER reports it', async () => {
    await texted([pending('m-7f3a')]);

    const first = await text(' Later ');
    const second = await text('LATER');

    expect(first.messages).toEqual([
      expect.stringMatching(/^I'll remind you about "Meeting m-7f3a" at .+ (EST|EDT)\.$/),
    ]);
    expect(reminders()).toHaveLength(1);
    expect(second.messages).toEqual([
      expect.stringMatching(/^A reminder for this meeting is already set for .+ (EST|EDT)\.$/),
    ]);
    expect(reminders()).toHaveLength(1);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_SCHEDULED');
  });

  it('LATER too close to the meeting says so and schedules nothing', async () => {
    await texted([pending('m-soon', 0.25)]);

    const answer = await text('LATER');

    expect(answer.messages).toEqual([
      expect.stringMatching(/too soon for a reminder, so I haven't scheduled one\. Reply PREP to prep now\.$/),
    ]);
    expect(reminders()).toHaveLength(0);
  });

  it('PREP for a meeting that has begun says so and starts nothing', async () => {
    await texted([pending('m-begun', -0.25)]);

    const answer = await text('PREP');

    expect(answer.messages).toEqual(['This meeting has already started.']);
    expect(queued()).toHaveLength(0);
    expect((await readMeeting(env, 'm-begun'))?.status).toBe('PREP_SCHEDULED');
  });

  it('answers a retried request (same MessageSid) with the same TwiML and acts once', async () => {
    await texted([pending('m-7f3a')]);

    const first = await text('PREP', { messageSid: 'SMa0000000000000000000000000000001' });
    const retry = await text('PREP', { messageSid: 'SMa0000000000000000000000000000001' });

    expect(retry.status).toBe(200);
    expect(retry.twiml).toBe(first.twiml);
    expect(first.messages[0]).toMatch(/^Prep started for/);
    expect(queued()).toHaveLength(1);
    expect(await sessionsOnceWorked()).toHaveLength(1);
  });

  it('answers two deliveries of one message arriving together with the first one’s words, acting once', async () => {
    await texted([pending('m-7f3a')]);

    const [one, two] = await Promise.all([
      text('PREP', { messageSid: 'SMb0000000000000000000000000000001' }),
      text('PREP', { messageSid: 'SMb0000000000000000000000000000001' }),
    ]);

    expect(one.messages[0]).toMatch(/^Prep started for/);
    expect(two.twiml).toBe(one.twiml);
    expect(queued()).toHaveLength(1);
    expect(await sessionsOnceWorked()).toHaveLength(1);
  });

  it('asks the sender to try again when the tables fail, and Twilio’s retry of that message then acts', async () => {
    await texted([pending('m-7f3a')]);
    env.dynamoFaults.fail('Query', { kind: 'internal_error', times: Infinity });

    const failed = await text('PREP', { messageSid: 'SMf0000000000000000000000000000001' });
    env.dynamoFaults.clearFailures();
    const retried = await text('PREP', { messageSid: 'SMf0000000000000000000000000000001' });

    expect(failed.messages).toEqual(["Sorry, I couldn't do that just now. Please try again in a minute."]);
    expect(retried.messages[0]).toMatch(/^Prep started for "Meeting m-7f3a"/);
    expect(queued()).toHaveLength(1);
  });

  it('"PREP 1" chooses the first texted meeting; a bare PREP the latest still awaiting prep', async () => {
    await texted([pending('m-a', 30), pending('m-b', 28)]);

    const named = await text('PREP 1');
    const bare = await text('prep');

    expect(named.messages[0]).toMatch(/^Prep started for "Meeting m-a"/);
    expect(bare.messages[0]).toMatch(/^Prep started for "Meeting m-b"/);
    expect(queued().map((m) => JSON.parse(m.body).meeting_id)).toEqual(['m-a', 'm-b']);
  });

  it("refuses a numbered meeting that is someone else's (reassigned since it was texted), and starts nothing", async () => {
    await texted([pending('m-7f3a')]);
    await env.db.send(
      new PutCommand({ TableName: env.tables.meetings, Item: pending('m-7f3a', 26, { user_id: 'U0SOMEONE1' }) }),
    );

    const answer = await text('PREP');

    expect(answer.messages).toEqual([
      "Sorry, only the meeting's owner can do that. This prep belongs to someone else.",
    ]);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_SCHEDULED');
    expect(queued()).toHaveLength(0);
  });

  it('"PREP 2" chooses the second texted meeting, leaving the first awaiting prep', async () => {
    await texted([pending('m-a', 30), pending('m-b', 28)]);

    const answer = await text('PREP 2');

    expect(answer.messages[0]).toMatch(/^Prep started for "Meeting m-b"/);
    expect((await readMeeting(env, 'm-a'))?.status).toBe('PREP_SCHEDULED');
    expect((await readMeeting(env, 'm-b'))?.status).toBe('PREP_IN_PROGRESS');
  });
});

describe('what is not PREP or LATER', () => {
  it.each(['PREP', 'what is this?', 'STOP', 'HELP'])(
    'answers %s from a number no user has with an empty <Response/> (no billed SMS), writing nothing',
    async (body) => {
      await texted([pending('m-7f3a')]);
      const before = await snapshotTables(env);
      const answersBefore = await answerItems();
      const stop = env.dynamoFaults.record();

      const answer = await text(body, { from: '+14155550199' });

      expect(answer).toMatchObject({ status: 200, twiml: EMPTY_TWIML, messages: [] });
      expect(stop().filter((r) => r.target !== 'Query' && r.target !== 'GetItem')).toEqual([]);
      expect(await snapshotTables(env)).toEqual(before);
      expect(await answerItems()).toEqual(answersBefore);
      expect(queued()).toHaveLength(0);
      expect(reminders()).toHaveLength(0);
    },
  );

  it('answers a number two users share with what is wrong, and acts for neither', async () => {
    await texted([pending('m-7f3a')]);
    await env.db.send(
      new PutCommand({ TableName: env.tables.users, Item: aUser({ user_id: 'U0SECOND1', name: 'Sam' }) }),
    );

    const answer = await text('PREP');

    expect(answer.messages).toEqual([expect.stringMatching(/more than one Exec Assistant account/)]);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_SCHEDULED');
    expect(queued()).toHaveLength(0);
  });

  it('answers anything else with a short help text', async () => {
    await texted([pending('m-7f3a')]);

    const answer = await text('what is this?');

    expect(answer.messages).toEqual([
      'To act on the meeting I last texted you about, reply PREP to start prep or LATER for a reminder in 2 hours. When I numbered the meeting, add its number: PREP 2.',
    ]);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_SCHEDULED');
  });

  it('says there is nothing to start when no texted meeting exists', async () => {
    await env.db.send(new PutCommand({ TableName: env.tables.users, Item: aUser() }));

    const answer = await text('prep');

    expect(answer.messages).toEqual([expect.stringMatching(/no meeting from my texts awaiting prep/)]);
    expect(queued()).toHaveLength(0);
  });

  it('says so when the number named is no meeting of the texts', async () => {
    await texted([pending('m-7f3a')]);

    const answer = await text('PREP 4');

    expect(answer.messages).toEqual([expect.stringMatching(/numbered 4/)]);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_SCHEDULED');
  });
});

describe("Twilio's keywords", () => {
  it('STOP answers nothing of ours (Twilio confirms it) and takes SMS out of the prep channels', async () => {
    await texted(
      [pending('m-7f3a')],
      aUser({ notification_preferences: { prep_reminders: true, channels: ['slack', 'sms', 'email'] } }),
    );

    const answer = await text('Stop');

    expect(answer).toMatchObject({
      status: 200,
      twiml: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
      messages: [],
    });
    expect((await readUser()).notification_preferences).toMatchObject({
      prep_reminders: true,
      channels: ['slack', 'email'],
    });
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_SCHEDULED');
  });

  it('START answers nothing of ours and puts SMS back', async () => {
    await texted([], aUser({ notification_preferences: { prep_reminders: true, channels: ['slack', 'email'] } }));

    const answer = await text('start');

    expect(answer.messages).toEqual([]);
    expect((await readUser()).notification_preferences).toMatchObject({
      prep_reminders: true,
      channels: ['slack', 'sms', 'email'],
    });
  });

  it('HELP answers nothing of ours and changes nothing', async () => {
    await texted([pending('m-7f3a')]);
    const before = await snapshotTables(env);

    const answer = await text('HELP');

    expect(answer.twiml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await snapshotTables(env)).toEqual(before);
  });
});

describe('the signature', () => {
  it.each([
    ['signed with another auth token', { authToken: 'not-the-auth-token' }],
    ['not signed at all', { sign: false }],
  ])('refuses a request %s with 403, and reads or writes nothing', async (_what, options) => {
    await texted([pending('m-7f3a')]);
    const before = await snapshotTables(env);
    const answersBefore = (await env.db.send(new ScanCommand({ TableName: env.env['SMS_REPLIES_TABLE_NAME'] }))).Items
      ?.length;

    const answer = await text('PREP', options);

    expect(answer.status).toBe(403);
    expect(answer.messages).toEqual([]);
    expect(await snapshotTables(env)).toEqual(before);
    expect((await env.db.send(new ScanCommand({ TableName: env.env['SMS_REPLIES_TABLE_NAME'] }))).Items?.length).toBe(
      answersBefore,
    );
    expect(queued()).toHaveLength(0);
  });

  it('refuses a request signed for another URL (the status route) with 403', async () => {
    await texted([pending('m-7f3a')]);
    const params = inboundSmsParams(
      PHONE,
      LOCAL_CREDENTIALS.twilioFromNumber,
      'PREP',
      LOCAL_CREDENTIALS.twilioAccountSid,
    );

    const answer = await sendInboundSms({
      postUrl: env.smsWebhookUrl,
      signedUrl: env.statusCallbackUrl,
      authToken: LOCAL_CREDENTIALS.twilioAuthToken,
      params,
    });

    expect(answer.status).toBe(403);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_SCHEDULED');
  });
});

describe('a signed incoming SMS with a malformed parameter', () => {
  const long = 'a'.repeat(3_000);
  it.each([
    ['a 3,000-character MessageSid', { MessageSid: `SM${long}`, SmsSid: `SM${long}`, SmsMessageSid: `SM${long}` }],
    ['a MessageSid that is no SID', { MessageSid: 'SM1', SmsSid: 'SM1', SmsMessageSid: 'SM1' }],
    ['an AccountSid that is no SID', { AccountSid: `AC${long}` }],
    ['a From that is not E.164', { From: `+1${'2'.repeat(3_000)}` }],
    ['a To that is not E.164', { To: 'not-a-number' }],
    ['a Body over 1,600 characters', { Body: 'P'.repeat(1_601) }],
    ['an unknown SmsStatus', { SmsStatus: long }],
  ])('answers %s with 400 and a short reason, before any table is read', async (_what, change) => {
    await texted([pending('m-7f3a')]);
    const before = await snapshotTables(env);
    const stop = env.dynamoFaults.record();

    const answer = await sendInboundSms({
      postUrl: env.smsWebhookUrl,
      signedUrl: env.smsWebhookUrl,
      authToken: LOCAL_CREDENTIALS.twilioAuthToken,
      params: {
        ...inboundSmsParams(PHONE, LOCAL_CREDENTIALS.twilioFromNumber, 'PREP', LOCAL_CREDENTIALS.twilioAccountSid),
        ...change,
      },
    });

    expect(answer.status).toBe(400);
    expect(answer.twiml.length).toBeLessThan(120);
    expect(answer.twiml).not.toContain(long);
    expect(stop()).toEqual([]);
    expect(await snapshotTables(env)).toEqual(before);
    expect(await answerItems()).toEqual([]);
  });
});

describe('replies per number', () => {
  const windowMs = SMS_REPLY_WINDOW_SECONDS * 1_000;
  /** Puts the clock one second into a reply window, so a test's texts all fall in it. */
  const startOfAWindow = () => {
    const at = Math.ceil((Date.now() + 1_000) / windowMs) * windowMs + 1_000;
    setLocalClock(new Date(at));
    return at;
  };

  it(`answers ${SMS_REPLY_LIMIT} texts of a number in a window; the next gets no reply, though its command acts`, async () => {
    await texted([pending('m-7f3a')]);
    startOfAWindow();

    const answered: number[] = [];
    for (let i = 0; i < SMS_REPLY_LIMIT; i++) answered.push((await text('what is this?')).messages.length);
    const over = await text('PREP', { messageSid: 'SMc0000000000000000000000000000001' });
    const retried = await text('PREP', { messageSid: 'SMc0000000000000000000000000000001' });

    expect(answered).toEqual(Array.from({ length: SMS_REPLY_LIMIT }, () => 1));
    expect(over).toMatchObject({ status: 200, twiml: EMPTY_TWIML, messages: [] });
    expect(retried.twiml).toBe(EMPTY_TWIML);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
    expect(queued()).toHaveLength(1);
  });

  it('answers again once the window has passed, and counts each number on its own', async () => {
    await texted([pending('m-7f3a')]);
    await env.db.send(
      new PutCommand({
        TableName: env.tables.users,
        Item: aUser({ user_id: 'U0SECOND1', name: 'Sam', phone_number: '+14155550100' }),
      }),
    );
    const at = startOfAWindow();
    for (let i = 0; i < SMS_REPLY_LIMIT; i++) await text('what is this?');
    const limited = await text('LATER');
    const otherNumber = await text('what is this?', { from: '+14155550100' });

    setLocalClock(new Date(at + windowMs));
    const next = await text('LATER');

    expect(limited.messages).toEqual([]);
    expect(reminders()).toHaveLength(1);
    expect(otherNumber.messages).toEqual([expect.stringMatching(/^To act on the meeting I last texted you about/)]);
    expect(next.messages).toEqual([expect.stringMatching(/^A reminder for this meeting is already set for /)]);
  });

  it('keeps one small counter per number and window, which expires', async () => {
    await texted([pending('m-7f3a')]);
    const at = startOfAWindow();

    await text('what is this?');
    await text('what is this?');

    const counters = (await answerItems()).filter((item) => !/^(SM|MM)/.test(String(item['message_sid'])));
    expect(counters).toEqual([
      expect.objectContaining({
        replies: 2,
        expires_at: expect.any(Number),
      }),
    ]);
    expect(Object.keys(counters[0] ?? {}).sort()).toEqual(['expires_at', 'message_sid', 'replies']);
    expect(counters[0]?.['expires_at']).toBeGreaterThan(at / 1_000);
    expect(counters[0]?.['expires_at']).toBeLessThanOrEqual((at + 2 * windowMs) / 1_000);
  });
});
