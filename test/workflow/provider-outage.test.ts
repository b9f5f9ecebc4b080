/**
 * A provider outage never leaves the executive with nothing: at most once per channel, at least one channel while
 * any remains. A channel whose outcome cannot be verified within its attempts (its API and its lookup both down) is
 * recorded on the meeting as unverified, counted, and the next channel is tried; the final record names the
 * channels that may have delivered. Also: the quiet-hours wait is bounded when the clocks disagree, and a meeting
 * item near DynamoDB's 400 KB still ends SUCCEEDED after its delivery.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { setLocalClock, resetLocalClock } from '../../local/clock';
import { LocalEnvironment, startLocalEnvironment } from '../../local/local-environment';
import { LocalExecution, RunOptions, statesEntered } from '../../local/workflow-runner';
import { metricsOf, named } from '../support/emf';
import { aMeeting, aUser, prepEventFor, readMeeting, seed } from './helpers';

let env: LocalEnvironment;

beforeAll(async () => {
  // A short provider timeout: a provider that never answers costs a second per call, not eight.
  env = await startLocalEnvironment({ providerTimeoutMs: 1_000 });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

beforeEach(async () => {
  resetLocalClock();
  await env.resetFakes();
  await env.db.send(new DeleteCommand({ TableName: env.tables.meetings, Key: { meeting_id: 'm-7f3a' } }));
  await env.db.send(new DeleteCommand({ TableName: env.tables.users, Key: { user_id: 'U024BE7LH' } }));
});

afterAll(() => resetLocalClock());

jest.setTimeout(60_000);

const run = async (input: unknown, options: RunOptions = {}): Promise<LocalExecution> => {
  const execution = await env.workflow.run(input, { retryIntervalMs: 0, ...options });
  await env.receiptsSettled();
  return execution;
};

/**
 * Every Slack Web API method answers 500: the post (which may or may not have been made: Slack's 503 alone says it
 * was refused) and the history that would tell whether it went out.
 */
const slackDown = () => env.slack.fail('*', { kind: 'status', status: 500, times: Infinity });
/** The path up to the channel after Slack, when Slack's outcome could not be verified. */
const SLACK_UNVERIFIED = ['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordUnverified', 'PickChannel'];
/** Twilio never answers: neither the message create nor the message list. */
const twilioDown = () => env.twilio.fail({ kind: 'timeout', times: Infinity });

describe('Slack down', () => {
  it('sends the SMS once, records Slack as unverified, and the delivery names Slack as possibly delivered', async () => {
    await seed(env, aMeeting());
    slackDown();

    let execution: LocalExecution | undefined;
    const metrics = await metricsOf(async () => {
      execution = await run(prepEventFor(aMeeting()));
    });

    expect(execution?.status).toBe('SUCCEEDED');
    expect(statesEntered(execution as LocalExecution)).toEqual([...SLACK_UNVERIFIED, 'NotifyViaSms', 'RecordDelivery']);
    // The retries asked Slack's history, which failed too; none of them posted again.
    expect(env.slack.calls('chat.postMessage').length).toBeGreaterThanOrEqual(1);
    expect(env.twilio.messages).toHaveLength(1);
    expect(await env.ses.emails()).toHaveLength(0);
    const meeting = await readMeeting(env, 'm-7f3a');
    expect(meeting).toMatchObject({
      notification_channel: 'sms',
      notification_status: 'DELIVERED',
      notification_unverified_channels: ['slack'],
      notification_intent_slack: { state: 'unverified' },
    });
    expect(meeting?.notification_attempts?.map((a) => [a.channel, a.outcome]).slice(-2)).toEqual([
      ['slack', 'unverified'],
      ['sms', 'delivered'],
    ]);
    expect(named(metrics, 'UnverifiedOutcomes').map((m) => m['Channel'])).toContain('slack');
  });

  it('records and counts Slack unverified once when RecordUnverified runs again (a Lambda retry after it ran)', async () => {
    await seed(env, aMeeting());
    slackDown();

    const metrics = await metricsOf(() =>
      run(prepEventFor(aMeeting()), { lambdaFaultsAfterRun: { RecordUnverified: 1 } }),
    );

    const attempts = (await readMeeting(env, 'm-7f3a'))?.notification_attempts ?? [];
    expect(attempts.filter((a) => a.outcome === 'unverified')).toHaveLength(1);
    expect(named(metrics, 'UnverifiedOutcomes').filter((m) => m['Channel'] === 'slack')).toHaveLength(1);
    expect(env.twilio.messages).toHaveLength(1);
  });

  it('sends one email when Slack and Twilio are both down and neither can be checked', async () => {
    await seed(env, aMeeting());
    slackDown();
    twilioDown();

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      ...SLACK_UNVERIFIED,
      'NotifyViaSms',
      'RecordUnverified',
      'PickChannel',
      'NotifyViaEmail',
      'RecordDelivery',
    ]);
    expect(await env.ses.emails()).toHaveLength(1);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'email',
      notification_status: 'DELIVERED',
      notification_unverified_channels: ['slack', 'sms'],
      notification_intent_slack: { state: 'unverified' },
      notification_intent_sms: { state: 'unverified' },
    });
  });

  it('ends UNCONFIRMED, naming Slack too, when the last channel is unverifiable as well (SES answers 500)', async () => {
    await seed(env, aMeeting(), aUser({ phone_number: undefined }));
    slackDown();
    env.ses.fail({ kind: 'status', status: 500, times: Infinity });

    const execution = await run(prepEventFor(aMeeting()));

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution).slice(-4)).toEqual([
      'NotifyViaEmail',
      'RecordUnverified',
      'PickChannel',
      'RecordUnconfirmed',
    ]);
    // SES has no lookup: an unknown outcome is never resent.
    expect(execution.history.some((e) => e.type === 'StateRetried' && e.state === 'NotifyViaEmail')).toBe(false);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'email',
      notification_status: 'UNCONFIRMED',
      notification_unverified_channels: ['slack'],
    });
  });
});

describe('a quiet-hours wait whose clock disagrees', () => {
  it('ends within the wait limit and sends, when every check after the wait still reads the night', async () => {
    const night = '2026-11-27T08:00:00Z'; // 03:00 in New York, inside 22:00–07:00
    const meeting = aMeeting({ start_time: '2026-11-28T15:00:00Z' });
    const user = aUser({
      notification_preferences: {
        prep_reminders: true,
        channels: ['sms'],
        quiet_hours: { start: '22:00', end: '07:00' },
      },
    });
    setLocalClock(new Date(night));
    await seed(env, meeting, user);

    let execution: LocalExecution | undefined;
    const metrics = await metricsOf(async () => {
      execution = await run(prepEventFor(meeting), {
        timeScale: Infinity,
        // The skew: whatever the Wait state waited, the clock the check reads is back in the night.
        beforeTask: async (state) => {
          if (state === 'CheckStillDue') setLocalClock(new Date(night));
        },
      });
    });

    expect(execution?.status).toBe('SUCCEEDED');
    const entered = statesEntered(execution as LocalExecution);
    expect(entered.filter((s) => s === 'WaitForQuietHours')).toHaveLength(3);
    expect(entered.slice(-3)).toEqual(['PickChannel', 'NotifyViaSms', 'RecordDelivery']);
    expect(env.twilio.messages).toHaveLength(1);
    expect(named(metrics, 'QuietHoursWaitLimit').length).toBeGreaterThanOrEqual(1);
  });
});

describe('a meeting item near DynamoDB’s 400 KB limit', () => {
  it('delivers, and the execution SUCCEEDS, when upstream stored a 409,000-character description', async () => {
    const meeting = aMeeting({ description: 'x'.repeat(409_000) });
    await seed(env, meeting);

    let execution: LocalExecution | undefined;
    const metrics = await metricsOf(async () => {
      execution = await run(prepEventFor(meeting));
    });

    expect(execution?.status).toBe('SUCCEEDED');
    expect(statesEntered(execution as LocalExecution).slice(-2)).toEqual(['NotifyViaSlack', 'RecordDelivery']);
    expect(env.slack.messages).toHaveLength(1);
    expect(env.twilio.messages).toHaveLength(0);
    // Recorded in the compact form that fits, or logged and counted where even that does not.
    const stored = await readMeeting(env, 'm-7f3a');
    const recorded = stored?.notification_status === 'DELIVERED';
    const counted = named(metrics, 'BookkeepingFailures').length > 0;
    expect(recorded || counted).toBe(true);
  });
});
