/**
 * The prep workflow end to end: the synthesized state machine run by aws-local-stepfunctions, the real handler
 * code for each task, dynalite, loopback fakes of Slack and Twilio, and aws-ses-v2-local. Each case asserts which
 * states ran (the event history), what the providers received, and what was written on the meeting.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { MeetingsRepository } from '../../lambda/shared/meetings-repository';
import { UsersRepository } from '../../lambda/shared/users-repository';
import type { loadMeeting as LoadMeetingFn } from '../../lambda/workflow/load-meeting';
import { routingSettingsFromEnv } from '../../lambda/workflow/routing';
import { LocalEnvironment } from '../../local/local-environment';
import { type RunOptions, statesEntered } from '../../local/workflow-runner';
import {
  aMeeting,
  aUser,
  prepEventFor,
  readMeeting,
  reminderEventFor,
  seed,
  snapshotTables,
  startEnvironment,
} from './helpers';

type LoadMeeting = typeof LoadMeetingFn;

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startEnvironment();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

beforeEach(async () => {
  await env.resetFakes();
  for (const [table, key] of [
    [env.tables.meetings, 'meeting_id'],
    [env.tables.users, 'user_id'],
  ] as const) {
    for (const id of ['m-7f3a', 'U024BE7LH']) {
      await env.db.send(new DeleteCommand({ TableName: table, Key: { [key]: id } }));
    }
  }
});

const run = (input: unknown, options: RunOptions = {}) => env.workflow.run(input, { retryIntervalMs: 0, ...options });

describe('a classified meeting whose user can receive Slack', () => {
  it('posts one interactive Slack message, marks the meeting PREP_SCHEDULED and records the delivery', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);

    const execution = await run(prepEventFor(meeting));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    const posts = env.slack.calls('chat.postMessage');
    expect(posts).toHaveLength(1);
    const post = posts[0] as {
      channel: string;
      blocks: { type: string; elements?: { action_id: string; value: string }[] }[];
    };
    expect(post.channel).toBe('U024BE7LH');
    const actions = post.blocks.find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual(['start_prep', 'remind_later']);
    expect(JSON.parse(actions?.elements?.[0]?.value ?? '{}')).toEqual({ meeting_id: 'm-7f3a', user_id: 'U024BE7LH' });
    expect(env.twilio.messages).toHaveLength(0);
    expect(await env.ses.emails()).toHaveLength(0);

    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored).toMatchObject({
      status: 'PREP_SCHEDULED',
      notification_channel: 'slack',
      notification_id: env.slack.messages[0]?.ts,
      notification_status: 'DELIVERED',
      notification_attempts: [
        expect.objectContaining({ channel: 'slack', outcome: 'delivered', execution: execution.name }),
      ],
    });
    expect(stored?.notification_sent_at).toEqual(expect.any(String));
  });
});

describe("a title holding an address (phishing under the assistant's name)", () => {
  const PHISHING = 'Board sync https://evil.example/login';
  const phishing = () => aMeeting({ title: PHISHING });

  it('reaches Slack only in verbatim text objects, in a message with no link or media previews', async () => {
    await seed(env, phishing());

    const execution = await run(prepEventFor(phishing()));

    expect(execution.status).toBe('SUCCEEDED');
    const [post] = env.slack.calls('chat.postMessage') as {
      blocks: { text?: { type: string; text: string; verbatim?: boolean } }[];
      unfurl_links?: boolean;
      unfurl_media?: boolean;
    }[];
    expect(post).toMatchObject({ unfurl_links: false, unfurl_media: false });
    const carrying = (post?.blocks ?? []).map((b) => b.text).filter((t) => t?.text.includes(PHISHING));
    expect(carrying).toEqual([expect.objectContaining({ type: 'mrkdwn', verbatim: true })]);
  });

  it('reaches the SMS defused: no address a phone would make a link of', async () => {
    await seed(env, phishing());
    env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });

    const execution = await run(prepEventFor(phishing()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(env.twilio.messages).toHaveLength(1);
    expect(env.twilio.messages[0]?.body).not.toContain('https://evil.example');
    expect(env.twilio.messages[0]?.body).toContain('Board sync hxxps://evil[.]example/login');
  });

  it('reaches the email defused in its text part, escaped and outside any link in its HTML', async () => {
    await seed(env, phishing(), aUser({ notification_preferences: { channels: ['email'] } }));

    const execution = await run(prepEventFor(phishing()));

    expect(execution.status).toBe('SUCCEEDED');
    const [email] = await env.ses.emails();
    expect(email?.body.text).not.toContain('https://evil.example');
    expect(email?.body.text).toContain('Board sync hxxps://evil[.]example/login');
    expect(email?.body.html).not.toContain('https://evil.example');
    expect(email?.body.html).toContain('<strong>Board sync hxxps://evil[.]example/login</strong>');
    expect(email?.body.html).not.toMatch(/<a [^>]*evil/);
  });
});

describe('fallback', () => {
  it('falls back to SMS when Slack answers 500 on every try, after retrying Slack', async () => {
    await seed(env, aMeeting());
    env.slack.fail('chat.postMessage', { kind: 'status', status: 500, times: Infinity });

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
    expect(execution.history.filter((e) => e.type === 'StateRetried' && e.state === 'NotifyViaSlack')).toHaveLength(2);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(3);
    expect(env.twilio.messages).toHaveLength(1);
    expect(env.twilio.messages[0]).toMatchObject({ to: '+12125550143', from: '+15005550006' });
    expect(env.twilio.messages[0]?.body).toContain('Q4 Leadership Sync');
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored).toMatchObject({ notification_channel: 'sms', notification_id: env.twilio.messages[0]?.sid });
    expect(stored?.notification_attempts?.map((a) => [a.channel, a.outcome, a.error_code])).toEqual([
      ['slack', 'retrying', 'http_500'],
      ['slack', 'retrying', 'http_500'],
      ['slack', 'retrying', 'http_500'],
      ['sms', 'delivered', undefined],
    ]);
  });

  it('falls through to SMS at once on a permanent Slack error (channel_not_found)', async () => {
    await seed(env, aMeeting());
    env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });

    const execution = await run(prepEventFor(aMeeting()));

    expect(statesEntered(execution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaSms',
      'RecordDelivery',
    ]);
    expect(execution.history.some((e) => e.type === 'StateRetried')).toBe(false);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect(env.twilio.messages).toHaveLength(1);
  });

  it('sends email when Slack and Twilio are both down', async () => {
    await seed(env, aMeeting());
    env.slack.fail('chat.postMessage', { kind: 'status', status: 503, times: Infinity });
    env.twilio.fail({ kind: 'status', status: 503, times: Infinity });

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
    const emails = await env.ses.emails();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.destination.to).toEqual(['jordan.lee@acme-exec.example']);
    expect(emails[0]?.subject).toContain('Q4 Leadership Sync');
    expect(emails[0]?.body.html).toContain('<strong>Q4 Leadership Sync</strong>');
    // The Slack message never arrived: the email must not send the executive looking for it; it carries its own
    // buttons, signed links to the API, and RFC 8058's one-click unsubscribe.
    expect(emails[0]?.body.text).not.toContain('open Slack');
    expect(emails[0]?.body.text).toContain(`Start Prep Session: ${env.apiUrl}/act?t=`);
    expect(emails[0]?.body.text).toContain(`Remind Me in 2 Hours: ${env.apiUrl}/act?t=`);
    expect(emails[0]?.body.html).toContain(`href="${env.apiUrl}/act?t=`);
    expect(emails[0]?.headers).toEqual([
      {
        name: 'List-Unsubscribe',
        value: expect.stringMatching(new RegExp(`^<${env.apiUrl}/unsubscribe\\?t=[A-Za-z0-9_.%-]+>$`)),
      },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored).toMatchObject({
      notification_channel: 'email',
      notification_id: emails[0]?.messageId,
      status: 'PREP_SCHEDULED',
    });
  });

  it('fails with AllChannelsFailed when every channel is down, records every attempt, and leaves the meeting un-notified', async () => {
    await seed(env, aMeeting());
    env.slack.fail('chat.postMessage', { kind: 'status', status: 503, times: Infinity });
    env.twilio.fail({ kind: 'status', status: 503, times: Infinity });
    env.ses.fail({ kind: 'rejected', times: Infinity });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('AllChannelsFailed');
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
      'RouteNextChannel',
      'PickChannel',
      'RecordAllChannelsFailed',
      'AllChannelsFailed',
    ]);
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored?.notification_id).toBeUndefined();
    expect(stored?.notification_status).toBe('FAILED');
    expect(stored?.status).toBe('CLASSIFIED');
    expect(stored?.notification_attempts?.map((a) => [a.channel, a.outcome, a.error_code])).toEqual([
      ['slack', 'retrying', 'http_503'],
      ['slack', 'retrying', 'http_503'],
      ['slack', 'retrying', 'http_503'],
      ['sms', 'retrying', '20503'],
      ['sms', 'retrying', '20503'],
      ['sms', 'retrying', '20503'],
      ['email', 'failed', 'MessageRejected'],
    ]);
    for (const attempt of stored?.notification_attempts ?? []) expect(Date.parse(attempt.at)).not.toBeNaN();
  });

  it('skips SMS with a reason when the user has no phone number', async () => {
    await seed(env, aMeeting(), aUser({ phone_number: undefined }));
    env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'account_inactive' });

    const execution = await run(prepEventFor(aMeeting()));

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
    expect(env.twilio.requests).toHaveLength(0);
    expect(await env.ses.emails()).toHaveLength(1);
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored?.notification_attempts?.map((a) => [a.channel, a.outcome, a.error_code])).toEqual([
      ['slack', 'failed', 'account_inactive'],
      ['sms', 'skipped', 'no_phone_number'],
      ['email', 'delivered', undefined],
    ]);
  });
});

describe('rate limiting', () => {
  it('honours Slack 429 Retry-After, retries, and delivers exactly once', async () => {
    await seed(env, aMeeting());
    env.slack.fail('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(execution.history.filter((e) => e.type === 'StateRetried' && e.state === 'NotifyViaSlack')).toHaveLength(1);
    const calls = env.slack.requests.filter((r) => r.method === 'chat.postMessage');
    expect(calls).toHaveLength(2);
    // The second try came no sooner than Slack asked.
    expect(Number(calls[1]?.receivedAt) - Number(calls[0]?.receivedAt)).toBeGreaterThanOrEqual(1000);
    expect(env.slack.messages.filter((m) => m.method === 'chat.postMessage')).toHaveLength(1);
    const stored = await readMeeting(env, 'm-7f3a');
    expect(stored?.notification_attempts?.map((a) => [a.channel, a.outcome, a.error_code])).toEqual([
      ['slack', 'retrying', 'ratelimited'],
      ['slack', 'delivered', undefined],
    ]);
  });
});

describe('duplicates and stale events', () => {
  it('of 10 concurrent duplicate events, exactly one sends a Slack message', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);
    const event = prepEventFor(meeting, 'same-event-id');

    const executions = await Promise.all(Array.from({ length: 10 }, () => run(event)));

    expect(executions.every((e) => e.status === 'SUCCEEDED')).toBe(true);
    const notified = executions.filter((e) => statesEntered(e).includes('NotifyViaSlack'));
    expect(notified).toHaveLength(1);
    for (const e of executions.filter((x) => !notified.includes(x))) {
      expect(statesEntered(e)).toEqual(['LoadMeeting', 'PickChannel', 'NotificationSkipped']);
      expect(e.output).toMatchObject({
        prep: { skip_reason: expect.stringMatching(/^(claim_lost|not_awaiting_prep)$/) },
      });
    }
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect((await readMeeting(env, 'm-7f3a'))?.notification_attempts).toHaveLength(1);
  });

  it('a repeated event after delivery notifies nobody (status no longer awaiting prep)', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);
    await run(prepEventFor(meeting));
    env.slack.reset();

    const again = await run(prepEventFor(meeting));

    expect(again.status).toBe('SUCCEEDED');
    expect(statesEntered(again)).toEqual(['LoadMeeting', 'PickChannel', 'NotificationSkipped']);
    expect(again.output).toMatchObject({ prep: { skip_reason: 'not_awaiting_prep' } });
    expect(env.slack.requests).toHaveLength(0);
  });

  it('a cancelled meeting sends nothing and says why', async () => {
    await seed(env, aMeeting({ status: 'CANCELLED' }));

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotificationSkipped']);
    expect(execution.output).toMatchObject({ prep: { skip_reason: 'meeting_cancelled' } });
    expect(env.slack.requests).toHaveLength(0);
    expect(env.twilio.requests).toHaveLength(0);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('CANCELLED');
  });

  it('a user who opted out gets nothing', async () => {
    await seed(env, aMeeting(), aUser({ notification_preferences: { prep_reminders: false } }));

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.output).toMatchObject({ prep: { skip_reason: 'user_opted_out' } });
    expect(env.slack.requests).toHaveLength(0);
  });
});

describe('bad input', () => {
  it.each([
    ['no meeting_id', { ...prepEventFor(aMeeting()), detail: { user_id: 'U024BE7LH' } }],
    ['a malformed user_id', { ...prepEventFor(aMeeting()), detail: { meeting_id: 'm-7f3a', user_id: 42 } }],
    [
      'no detail',
      { version: '0', id: 'x', source: 'exec-assistant.calendar-monitor', 'detail-type': 'MeetingPrepRequired' },
    ],
    ['another source', { ...prepEventFor(aMeeting()), source: 'someone.else' }],
  ])('an event with %s fails with InvalidEvent and changes nothing', async (_case, event) => {
    await seed(env, aMeeting());
    const before = await snapshotTables(env);

    const execution = await run(event);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('InvalidEvent');
    expect(statesEntered(execution)).toEqual(['LoadMeeting']);
    expect(await snapshotTables(env)).toEqual(before);
    expect(env.slack.requests).toHaveLength(0);
  });

  it('an unknown meeting fails with MeetingNotFound, without retrying', async () => {
    const execution = await run(prepEventFor(aMeeting({ meeting_id: 'm-missing' })));

    expect(execution.error).toBe('MeetingNotFound');
    expect(execution.history.some((e) => e.type === 'StateRetried')).toBe(false);
  });

  it('a meeting whose owner is unknown fails with UserNotFound', async () => {
    await seed(env, aMeeting({ user_id: 'UNOBODY' }));

    const execution = await run(prepEventFor(aMeeting({ user_id: 'UNOBODY' })));

    expect(execution.error).toBe('UserNotFound');
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('CLASSIFIED');
  });
});

describe('reminders (Remind Me in 2 Hours)', () => {
  it('sends the prep message again although the meeting is PREP_SCHEDULED, once per schedule', async () => {
    const meeting = aMeeting({ status: 'PREP_SCHEDULED' });
    await seed(env, meeting);
    const reminder = reminderEventFor(meeting, 'prep-reminder-m-7f3a-1');

    const first = await run(reminder);
    const repeat = await run(reminder);

    expect(statesEntered(first)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(statesEntered(repeat)).toEqual(['LoadMeeting', 'PickChannel', 'NotificationSkipped']);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
  });

  it('stops quietly when prep has already started', async () => {
    const meeting = aMeeting({ status: 'PREP_IN_PROGRESS' });
    await seed(env, meeting);

    const execution = await run(reminderEventFor(meeting, 'prep-reminder-m-7f3a-2'));

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toMatchObject({ prep: { skip_reason: 'prep_already_started' } });
    expect(env.slack.requests).toHaveLength(0);
  });
});

describe('DynamoDB failures', () => {
  it('retries LoadMeeting when DynamoDB throttles, then notifies once', async () => {
    await seed(env, aMeeting());
    // The SDK's own 3 attempts all throttled: the task fails with TransientDataError and the state machine retries.
    env.dynamoFaults.fail('GetItem', { kind: 'throttled', times: 3 });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(
      execution.history.filter((e) => e.type === 'StateFailed' && e.state === 'LoadMeeting').map((e) => e.error),
    ).toEqual(['TransientDataError']);
    expect(execution.history.filter((e) => e.type === 'StateRetried' && e.state === 'LoadMeeting')).toHaveLength(1);
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
  });

  it("retries LoadMeeting's claim on a DynamoDB 500 without notifying twice", async () => {
    await seed(env, aMeeting());
    env.dynamoFaults.fail('UpdateItem', { kind: 'internal_error', times: 3 });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.history.filter((e) => e.type === 'StateRetried').map((e) => e.state)).toEqual(['LoadMeeting']);
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('PREP_SCHEDULED');
  });

  it("notifies once when the claim landed but DynamoDB's answer was lost (the SDK's retry finds its own claim)", async () => {
    await seed(env, aMeeting());
    env.dynamoFaults.fail('UpdateItem', { kind: 'accepted_then_timeout', times: 1 });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(execution.output).toMatchObject({ prep: { claim: { previous_status: 'CLASSIFIED' } } });
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      status: 'PREP_SCHEDULED',
      prep_execution: execution.name,
      prep_previous_status: 'CLASSIFIED',
      notification_status: 'DELIVERED',
    });
  });

  it('notifies once when LoadMeeting runs again after its claim (a Lambda failure after the handler ran)', async () => {
    await seed(env, aMeeting());

    const execution = await run(prepEventFor(aMeeting()), { lambdaFaultsAfterRun: { LoadMeeting: 1 } });

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.history.filter((e) => e.type === 'StateRetried').map((e) => e.state)).toEqual(['LoadMeeting']);
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(execution.output).toMatchObject({ prep: { claim: { previous_status: 'CLASSIFIED' } } });
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
  });

  it('a reminder whose LoadMeeting runs again after its claim still notifies once', async () => {
    const meeting = aMeeting({ status: 'PREP_SCHEDULED' });
    await seed(env, meeting);
    const reminder = reminderEventFor(meeting, 'prep-reminder-m-7f3a-9');

    const execution = await run(reminder, { lambdaFaultsAfterRun: { LoadMeeting: 1 } });
    const repeat = await run(reminder);

    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(statesEntered(repeat)).toEqual(['LoadMeeting', 'PickChannel', 'NotificationSkipped']);
    expect(repeat.output).toMatchObject({ prep: { skip_reason: 'claim_lost' } });
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
  });
});

describe('an execution of the previous definition, running across a deploy', () => {
  it('is loaded and routed as before, without a claim: its own MarkPrepScheduled state claims', async () => {
    await seed(env, aMeeting());
    // Imported once the environment is up: the module reads its table names at load, as on Lambda.
    const { loadMeeting } = require('../../lambda/workflow/load-meeting') as { loadMeeting: LoadMeeting };
    const deps = {
      meetings: new MeetingsRepository(env.db, env.tables.meetings),
      users: new UsersRepository(env.db, env.tables.users),
      now: () => new Date(),
      routing: routingSettingsFromEnv(),
    };

    const loaded = await loadMeeting(prepEventFor(aMeeting()), deps);

    expect(loaded.route?.next).toBe('slack');
    expect(loaded.claim).toBeUndefined();
    expect(loaded.skip_reason).toBeUndefined();
    expect((await readMeeting(env, 'm-7f3a'))?.status).toBe('CLASSIFIED');
  });
});
