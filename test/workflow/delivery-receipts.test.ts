/**
 * Delivery you can trust, end to end: SMS and email wait for the provider's receipt (the callback pattern), an
 * unknown outcome is never resent, and a retried task never sends twice. The synthesized state machine runs with
 * the real handlers; the Twilio stand-in posts signed status callbacks to the local `POST /twilio/status` route and
 * the SES stand-in emits its configuration set's events, both completing the waiting task through Step Functions'
 * SendTaskSuccess / SendTaskFailure.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { LOCAL_CREDENTIALS, LocalEnvironment, startLocalEnvironment } from '../../local/local-environment';
import { HistoryEvent, LocalExecution, RunOptions, statesEntered } from '../../local/workflow-runner';
import { aMeeting, aUser, prepEventFor, readMeeting, seed } from './helpers';
import { metricsOf, named } from '../support/emf';

let env: LocalEnvironment;

beforeAll(async () => {
  // A short provider timeout, so "the provider accepted but the answer never came" takes a second, not eight.
  env = await startLocalEnvironment({ providerTimeoutMs: 1_000 });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

beforeEach(async () => {
  await env.resetFakes();
  await env.db.send(new DeleteCommand({ TableName: env.tables.meetings, Key: { meeting_id: 'm-7f3a' } }));
  await env.db.send(new DeleteCommand({ TableName: env.tables.users, Key: { user_id: 'U024BE7LH' } }));
});

const run = async (input: unknown, options: RunOptions = {}): Promise<LocalExecution> => {
  const execution = await env.workflow.run(input, { retryIntervalMs: 0, ...options });
  await env.receiptsSettled();
  return execution;
};

/** The callback-pattern events of a state: the wait and how it ended. */
const waitEvents = (execution: LocalExecution, state: string): string[] =>
  execution.history
    .filter((e) => e.state === state && e.type.startsWith('Task'))
    .map((e) => (e.error ? `${e.type}:${e.error}` : e.type));

/** Slack refuses for good, so the SMS is tried at once. */
const slackRefuses = () =>
  env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found', times: Infinity });

describe('SMS waits for Twilio’s status callback', () => {
  it('records the SMS as DELIVERED only when Twilio reports it delivered, and the history shows the wait', async () => {
    await seed(env, aMeeting());
    slackRefuses();

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaSms',
      'RecordDelivery',
    ]);
    expect(waitEvents(execution, 'NotifyViaSms')).toEqual(['TaskSubmitted', 'TaskSucceeded']);
    expect(env.twilio.messages).toHaveLength(1);
    expect(env.twilio.callbacks.map((c) => [c.params['MessageStatus'], c.status])).toEqual([
      ['sent', 200],
      ['delivered', 200],
    ]);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'sms',
      notification_id: env.twilio.messages[0]?.sid,
      notification_status: 'DELIVERED',
    });
  });

  it('falls back to email when Twilio reports the SMS undelivered (30034), recording the failure', async () => {
    await seed(env, aMeeting());
    slackRefuses();
    env.twilio.scriptStatus({ kind: 'undelivered', errorCode: 30034 });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaSms',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaEmail',
      'RecordDelivery',
    ]);
    expect(waitEvents(execution, 'NotifyViaSms')).toEqual(['TaskSubmitted', 'TaskFailed:ChannelPermanentFailure']);
    expect(waitEvents(execution, 'NotifyViaEmail')).toEqual(['TaskSubmitted', 'TaskSucceeded']);
    expect(env.twilio.messages).toHaveLength(1);
    expect(await env.ses.emails()).toHaveLength(1);
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored).toMatchObject({ notification_channel: 'email', notification_status: 'DELIVERED' });
    expect(stored?.notification_attempts?.map((a) => [a.channel, a.outcome, a.error_code])).toEqual([
      ['slack', 'failed', 'channel_not_found'],
      ['sms', 'undelivered', '30034'],
      ['email', 'delivered', undefined],
    ]);
  });

  it('answers a forged status callback 403 and keeps waiting; the genuine one then completes the task', async () => {
    await seed(env, aMeeting());
    slackRefuses();
    env.twilio.scriptStatus({ kind: 'never' });
    let forgedStatus = 0;
    let posting: Promise<void> | undefined;
    const onEvent = (event: HistoryEvent) => {
      if (event.type !== 'TaskSubmitted' || event.state !== 'NotifyViaSms') return;
      posting = (async () => {
        const message = env.twilio.messages[0];
        const callbackUrl = env.twilio.requests.find((r) => r.form['StatusCallback'])?.form['StatusCallback'];
        if (!message || !callbackUrl) throw new Error('no SMS with a status callback was sent');
        const params = {
          MessageSid: message.sid,
          SmsSid: message.sid,
          MessageStatus: 'undelivered',
          SmsStatus: 'undelivered',
          ErrorCode: '30003',
          To: message.to,
          From: message.from ?? '',
          AccountSid: message.account_sid,
          ApiVersion: '2010-04-01',
        };
        const forged = await fetch(callbackUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': getExpectedTwilioSignature('not-the-auth-token', callbackUrl, params),
          },
          body: new URLSearchParams(params).toString(),
        });
        forgedStatus = forged.status;
        const delivered = { ...params, MessageStatus: 'delivered', SmsStatus: 'delivered' } as Record<string, string>;
        delete delivered['ErrorCode'];
        await fetch(callbackUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': getExpectedTwilioSignature(LOCAL_CREDENTIALS.twilioAuthToken, callbackUrl, delivered),
          },
          body: new URLSearchParams(delivered).toString(),
        });
      })();
    };

    const execution = await run(prepEventFor(aMeeting()), { onEvent, waitTimeoutMs: 30_000 });
    await posting;

    expect(forgedStatus).toBe(403);
    expect(waitEvents(execution, 'NotifyViaSms')).toEqual(['TaskSubmitted', 'TaskSucceeded']);
    expect(env.sfn.taskResponses.map((r) => r.operation)).toEqual(['SendTaskSuccess']);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'sms',
      notification_status: 'DELIVERED',
    });
    expect(await env.ses.emails()).toHaveLength(0);
  });

  it('records the SMS UNCONFIRMED when no receipt comes in time, and neither resends it nor emails', async () => {
    await seed(env, aMeeting());
    slackRefuses();
    env.twilio.scriptStatus({ kind: 'never' });

    const execution = await run(prepEventFor(aMeeting()), { waitTimeoutMs: 300 });

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaSms',
      'RecordUnconfirmed',
    ]);
    expect(waitEvents(execution, 'NotifyViaSms')).toEqual(['TaskSubmitted', 'TaskTimedOut:States.Timeout']);
    expect(env.twilio.messages).toHaveLength(1);
    expect(await env.ses.emails()).toHaveLength(0);
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored).toMatchObject({
      notification_channel: 'sms',
      notification_id: env.twilio.messages[0]?.sid,
      notification_status: 'UNCONFIRMED',
    });
    expect(stored?.notification_attempts?.at(-1)).toMatchObject({ channel: 'sms', outcome: 'unconfirmed' });
  });

  it('sends exactly one SMS, and no email, when Twilio accepts it but its answer times out', async () => {
    await seed(env, aMeeting());
    slackRefuses();
    env.twilio.fail({ kind: 'accept_then_timeout' });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaSms',
      'RecordDelivery',
    ]);
    expect(env.twilio.messages).toHaveLength(1);
    expect(env.twilio.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    expect(await env.ses.emails()).toHaveLength(0);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'sms',
      notification_id: env.twilio.messages[0]?.sid,
      notification_status: 'DELIVERED',
    });
  });

  it('skips SMS with a reason when the stored number is not E.164, and emails instead', async () => {
    await seed(env, aMeeting(), aUser({ phone_number: '(212) 555-0143' }));
    slackRefuses();

    const execution = await run(prepEventFor(aMeeting()));

    expect(statesEntered(execution)).toContain('NotifyViaEmail');
    expect(env.twilio.requests).toHaveLength(0);
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored?.notification_attempts?.find((a) => a.channel === 'sms')).toMatchObject({
      outcome: 'skipped',
      error_code: 'invalid_phone_number',
    });
  });
});

/** Posts a status callback signed as Twilio signs it (the account's auth token, the exact URL). */
async function postSigned(url: string, params: Readonly<Record<string, string>>): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': getExpectedTwilioSignature(LOCAL_CREDENTIALS.twilioAuthToken, url, { ...params }),
    },
    body: new URLSearchParams(params).toString(),
  });
  await res.arrayBuffer();
  return res;
}

/** The callback URL and parameters of the SMS's `delivered` (or other) callback, as the Twilio stand-in posted it. */
function postedCallback(status: string): { url: string; params: Record<string, string> } {
  const posted = env.twilio.callbacks.find((c) => c.params['MessageStatus'] === status);
  if (!posted) throw new Error(`no ${status} callback was posted`);
  return { url: posted.url, params: { ...posted.params } };
}

describe('a replayed status callback (Twilio signatures carry no timestamp)', () => {
  it('changes nothing and counts nothing when an undelivered callback is replayed after the SMS was delivered', async () => {
    await seed(env, aMeeting());
    slackRefuses();
    await run(prepEventFor(aMeeting()));
    const delivered = postedCallback('delivered');
    const undelivered = {
      ...delivered.params,
      MessageStatus: 'undelivered',
      SmsStatus: 'undelivered',
      ErrorCode: '30003',
    };
    const before = await readMeeting(env, 'm-7f3a');
    const completions = env.sfn.taskResponses.length;
    const stop = env.dynamoFaults.record();

    const statuses: number[] = [];
    const lines = await metricsOf(async () => {
      for (let i = 0; i < 5; i++) statuses.push((await postSigned(delivered.url, undelivered)).status);
    });

    const writes = stop().filter((r) => r.target !== 'GetItem');
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(await readMeeting(env, 'm-7f3a')).toEqual(before);
    expect(named(lines, 'UndeliveredReceipts')).toEqual([]);
    expect(writes).toEqual([]);
    expect(env.sfn.taskResponses).toHaveLength(completions);
  });

  it('keeps the attempt history when the genuine undelivered callback is replayed 20 times after the fallback', async () => {
    await seed(env, aMeeting());
    slackRefuses();
    env.twilio.scriptStatus({ kind: 'undelivered', errorCode: 30034 });
    await run(prepEventFor(aMeeting()));
    const undelivered = postedCallback('undelivered');
    const before = await readMeeting(env, 'm-7f3a');
    expect(before?.notification_attempts).toHaveLength(3);

    const statuses = new Set<number>();
    const lines = await metricsOf(async () => {
      for (let i = 0; i < 20; i++) statuses.add((await postSigned(undelivered.url, undelivered.params)).status);
    });

    expect([...statuses]).toEqual([200]);
    expect(await readMeeting(env, 'm-7f3a')).toEqual(before);
    expect(named(lines, 'UndeliveredReceipts')).toEqual([]);
  });

  it('still counts the first undelivered receipt, by channel and by error code', async () => {
    await seed(env, aMeeting());
    slackRefuses();
    env.twilio.scriptStatus({ kind: 'undelivered', errorCode: 30034 });

    const lines = await metricsOf(() => run(prepEventFor(aMeeting())));

    expect(named(lines, 'UndeliveredReceipts').map((l) => [l['Channel'], l['ErrorCode']])).toEqual([
      ['sms', undefined],
      ['sms', '30034'],
    ]);
  });
});

describe('a signed status callback with a malformed id', () => {
  const long = 'a'.repeat(3_000);
  it.each([
    ['a 3,000-character MessageSid', { MessageSid: `SM${long}`, SmsSid: `SM${long}` }, {}],
    ['a MessageSid that is no SID', { MessageSid: 'SM-not-a-sid', SmsSid: 'SM-not-a-sid' }, {}],
    ['a 3,000-character AccountSid', { AccountSid: `AC${long}` }, {}],
    ['an unknown MessageStatus', { MessageStatus: long, SmsStatus: long }, {}],
    ['a 3,000-character ErrorCode', { MessageStatus: 'undelivered', SmsStatus: 'undelivered', ErrorCode: long }, {}],
    ['a 3,000-character To', { To: `+1${'5'.repeat(3_000)}` }, {}],
    ['a 3,000-character meeting id in the callback URL', {}, { meeting_id: long }],
    ['a 3,000-character execution in the callback URL', {}, { execution: long }],
  ])('answers %s with 400 and a short reason, touching no table', async (_what, change, query) => {
    await seed(env, aMeeting());
    slackRefuses();
    await run(prepEventFor(aMeeting()));
    const delivered = postedCallback('delivered');
    const url = new URL(delivered.url);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const before = await readMeeting(env, 'm-7f3a');
    const stop = env.dynamoFaults.record();

    const res = await fetch(url.toString(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': getExpectedTwilioSignature(LOCAL_CREDENTIALS.twilioAuthToken, url.toString(), {
          ...delivered.params,
          ...change,
        }),
      },
      body: new URLSearchParams({ ...delivered.params, ...change }).toString(),
    });
    const body = await res.text();

    expect(res.status).toBe(400);
    expect(body.length).toBeLessThan(120);
    expect(body).not.toContain(long);
    expect(stop()).toEqual([]);
    expect(await readMeeting(env, 'm-7f3a')).toEqual(before);
  });
});

describe('email waits for the SES configuration set’s event', () => {
  it('fails with AllChannelsFailed and records the bounce when the email bounces', async () => {
    await seed(env, aMeeting(), aUser({ phone_number: undefined }));
    slackRefuses();
    env.ses.scriptEvents({ kind: 'bounce' });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('AllChannelsFailed');
    expect(waitEvents(execution, 'NotifyViaEmail')).toEqual(['TaskSubmitted', 'TaskFailed:ChannelPermanentFailure']);
    expect(statesEntered(execution).slice(-5)).toEqual([
      'NotifyViaEmail',
      'RouteNextChannel',
      'PickChannel',
      'RecordAllChannelsFailed',
      'AllChannelsFailed',
    ]);
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored?.notification_status).toBe('FAILED');
    expect(stored?.notification_attempts?.at(-1)).toMatchObject({
      channel: 'email',
      outcome: 'undelivered',
      error_code: 'bounce_Permanent_General',
    });
  });

  it('records an email whose outcome is unknown (SES 500) as UNCONFIRMED, without resending it', async () => {
    await seed(env, aMeeting(), aUser({ phone_number: undefined }));
    slackRefuses();
    env.ses.fail({ kind: 'status', status: 500 });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    // The last channel: its unverifiable outcome leaves nothing to try, so the send is recorded unconfirmed.
    expect(statesEntered(execution).slice(-4)).toEqual([
      'NotifyViaEmail',
      'RecordUnverified',
      'PickChannel',
      'RecordUnconfirmed',
    ]);
    expect(execution.history.some((e) => e.type === 'StateRetried' && e.state === 'NotifyViaEmail')).toBe(false);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'email',
      notification_status: 'UNCONFIRMED',
    });
  });
});

describe('a Slack post whose outcome is unknown', () => {
  it('posts exactly one message, and sends no SMS, when Slack takes the post but its answer times out', async () => {
    await seed(env, aMeeting());
    env.slack.fail('chat.postMessage', { kind: 'accept_then_timeout' });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
    const history = env.slack.calls('conversations.history');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ channel: 'D024BE7LH', include_all_metadata: 'true' });
    expect(env.slack.calls('chat.postMessage')[0]?.['metadata']).toEqual({
      event_type: 'meeting_prep_notification',
      event_payload: { meeting_id: 'm-7f3a', execution: execution.name },
    });
    expect(env.twilio.messages).toHaveLength(0);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'slack',
      notification_id: env.slack.messages[0]?.ts,
      notification_status: 'DELIVERED',
    });
  });

  it('retries as a check: when the history cannot be read at once, the retry finds the post and sends nothing', async () => {
    await seed(env, aMeeting());
    env.slack.fail('chat.postMessage', { kind: 'accept_then_timeout' });
    env.slack.fail('conversations.history', { kind: 'status', status: 503 });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.history.filter((e) => e.type === 'StateRetried' && e.state === 'NotifyViaSlack')).toHaveLength(1);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect(env.slack.calls('conversations.history')).toHaveLength(2);
    expect(env.twilio.messages).toHaveLength(0);
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored).toMatchObject({
      notification_channel: 'slack',
      notification_id: env.slack.messages[0]?.ts,
      notification_status: 'DELIVERED',
    });
    expect(stored?.notification_attempts?.map((a) => [a.channel, a.outcome])).toEqual([
      ['slack', 'outcome_unknown'],
      ['slack', 'delivered'],
    ]);
  });
});

describe("a channel's intent whose write landed but whose answer was lost", () => {
  /** Arms DynamoDB to apply the next UpdateItem and lose its answer, just before `state`'s handler runs. */
  const loseIntentAnswer = (state: string) => async (entered: string) => {
    if (entered === state) env.dynamoFaults.fail('UpdateItem', { kind: 'accepted_then_timeout', times: 1 });
  };

  it('posts one Slack message, without a lookup: the SDK retry finds its own intent', async () => {
    await seed(env, aMeeting());

    const execution = await run(prepEventFor(aMeeting()), { beforeTask: loseIntentAnswer('NotifyViaSlack') });

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect(env.slack.calls('conversations.history')).toHaveLength(0);
    expect((await readMeeting(env, 'm-7f3a'))?.notification_status).toBe('DELIVERED');
  });

  it('sends the email once (SES has no lookup: an intent taken for an earlier run would stop it)', async () => {
    await seed(env, aMeeting(), aUser({ phone_number: undefined }));
    slackRefuses();

    const execution = await run(prepEventFor(aMeeting()), { beforeTask: loseIntentAnswer('NotifyViaEmail') });

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution).slice(-2)).toEqual(['NotifyViaEmail', 'RecordDelivery']);
    expect(await env.ses.emails()).toHaveLength(1);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'email',
      notification_status: 'DELIVERED',
    });
  });
});

describe('a retried task sends nothing twice', () => {
  it('posts one Slack message when Lambda reports a service error after NotifyViaSlack ran', async () => {
    await seed(env, aMeeting());

    const execution = await run(prepEventFor(aMeeting()), { lambdaFaultsAfterRun: { NotifyViaSlack: 1 } });

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.history.filter((e) => e.type === 'StateRetried' && e.state === 'NotifyViaSlack')).toHaveLength(1);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect(env.twilio.messages).toHaveLength(0);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'slack',
      notification_id: env.slack.messages[0]?.ts,
      notification_status: 'DELIVERED',
    });
  });

  it('sends one SMS when Lambda reports a service error after NotifyViaSms ran, and still waits for its receipt', async () => {
    await seed(env, aMeeting());
    slackRefuses();

    const execution = await run(prepEventFor(aMeeting()), { lambdaFaultsAfterRun: { NotifyViaSms: 1 } });

    expect(execution.status).toBe('SUCCEEDED');
    expect(env.twilio.messages).toHaveLength(1);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'sms',
      notification_status: 'DELIVERED',
    });
  });
});
