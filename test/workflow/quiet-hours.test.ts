/**
 * The executive's own channel order and quiet hours, end to end: the synthesized state machine, the real handlers,
 * dynalite and the provider fakes. The local clock (local/clock.ts) starts each case at a chosen instant; a Wait
 * state's time passes at once (time scale Infinity) and the clock jumps to its end, so the handlers after the wait
 * see the time the state machine waited for. The demo executive lives in America/New_York.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sampleMeeting } from '../../local/demo';
import { resetLocalClock, setLocalClock } from '../../local/clock';
import { LocalEnvironment } from '../../local/local-environment';
import { LocalExecution, RunOptions, statesEntered } from '../../local/workflow-runner';
import type { Meeting, User } from '../../lambda/shared/domain';
import type { StoredPreferences } from '../../lambda/shared/preferences';
import { aUser, prepEventFor, readMeeting, reminderEventFor, seed, startEnvironment } from './helpers';

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startEnvironment();
}, 60_000);

afterAll(async () => {
  resetLocalClock();
  await env?.close();
});

beforeEach(async () => {
  await env.resetFakes();
  await env.db.send(new DeleteCommand({ TableName: env.tables.meetings, Key: { meeting_id: 'm-7f3a' } }));
  await env.db.send(new DeleteCommand({ TableName: env.tables.users, Key: { user_id: 'U024BE7LH' } }));
});

afterEach(() => resetLocalClock());

const NIGHT_QUIET: StoredPreferences = { quiet_hours: { start: '21:00', end: '07:00' } };

/** The demo executive with these preferences. */
const userWith = (preferences: StoredPreferences, overrides: Partial<User> = {}): User =>
  aUser({ notification_preferences: { prep_reminders: true, ...preferences }, ...overrides });

/** The classified meeting m-7f3a starting at `startIso`. */
const meetingAt = (startIso: string, overrides: Partial<Meeting> = {}): Meeting =>
  sampleMeeting('m-7f3a', new Date(startIso), overrides);

/** Starts the local clock at `nowIso`, seeds, and runs one execution of the event. */
async function runAt(
  nowIso: string,
  meeting: Meeting,
  user: User,
  event: unknown = prepEventFor(meeting),
  options: RunOptions = {},
): Promise<LocalExecution> {
  setLocalClock(new Date(nowIso));
  await seed(env, meeting, user);
  return env.workflow.run(event, { retryIntervalMs: 0, timeScale: Infinity, ...options });
}

/** The Wait state's scheduled end and reason, as the history records them. */
const waits = (execution: LocalExecution) =>
  execution.history
    .filter((e) => e.type === 'WaitScheduled')
    .map((e) => ({ state: e.state, until: e.until, reason: e.reason }));

const HELD_PATH = ['LoadMeeting', 'PickChannel', 'WaitForQuietHours', 'CheckStillDue', 'PickChannel'];

describe("the executive's channel order", () => {
  it('email only: sends one email and never touches Slack or Twilio', async () => {
    const execution = await runAt(
      '2026-11-27T15:00:00Z',
      meetingAt('2026-11-28T15:00:00Z'),
      userWith({ channels: ['email'] }),
    );

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaEmail', 'RecordDelivery']);
    expect(await env.ses.emails()).toHaveLength(1);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(0);
    expect(env.twilio.messages).toHaveLength(0);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'email',
      notification_status: 'DELIVERED',
    });
  });

  it('SMS then Slack: a user with no phone number is skipped to Slack, the next in their order', async () => {
    const user = userWith({ channels: ['sms', 'slack'] });
    const { phone_number: _none, ...noPhone } = user;

    const execution = await runAt('2026-11-27T15:00:00Z', meetingAt('2026-11-28T15:00:00Z'), noPhone);

    expect(statesEntered(execution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSms',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaSlack',
      'RecordDelivery',
    ]);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect(env.twilio.messages).toHaveLength(0);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({
      notification_channel: 'slack',
      notification_attempts: [
        expect.objectContaining({ channel: 'sms', outcome: 'skipped' }),
        expect.objectContaining({ channel: 'slack', outcome: 'delivered' }),
      ],
    });
  });

  it('SMS then Slack: Twilio delivers, so Slack is never tried', async () => {
    const execution = await runAt(
      '2026-11-27T15:00:00Z',
      meetingAt('2026-11-28T15:00:00Z'),
      userWith({ channels: ['sms', 'slack'] }),
    );

    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSms', 'RecordDelivery']);
    expect(env.twilio.messages).toHaveLength(1);
    expect(env.slack.calls('chat.postMessage')).toHaveLength(0);
  });

  it('Slack then email: a permanent Slack error goes straight to email, SMS is not in the order', async () => {
    env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });

    const execution = await runAt(
      '2026-11-27T15:00:00Z',
      meetingAt('2026-11-28T15:00:00Z'),
      userWith({ channels: ['slack', 'email'] }),
    );

    expect(statesEntered(execution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaEmail',
      'RecordDelivery',
    ]);
    expect(env.twilio.messages).toHaveLength(0);
    expect(await env.ses.emails()).toHaveLength(1);
  });

  it('Slack then email, both failing: RecordAllChannelsFailed once nothing is left', async () => {
    env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });
    const { email: _none, ...noEmail } = userWith({ channels: ['slack', 'email'] });

    const execution = await runAt('2026-11-27T15:00:00Z', meetingAt('2026-11-28T15:00:00Z'), noEmail);

    expect(execution.error).toBe('AllChannelsFailed');
    expect(statesEntered(execution).slice(1)).toEqual([
      'PickChannel',
      'NotifyViaSlack',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaEmail',
      'RouteNextChannel',
      'PickChannel',
      'RecordAllChannelsFailed',
      'AllChannelsFailed',
    ]);
    expect(env.twilio.messages).toHaveLength(0);
  });
});

describe('quiet hours', () => {
  it('holds an SMS at 03:00 until quiet hours end at 07:00, then sends it', async () => {
    // 03:00 in New York; the meeting at 14:00: 07:00 leaves more than the two-hour lead.
    const execution = await runAt(
      '2026-11-27T08:00:00Z',
      meetingAt('2026-11-27T19:00:00Z'),
      userWith({ ...NIGHT_QUIET, channels: ['sms', 'email'] }),
    );

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([...HELD_PATH, 'NotifyViaSms', 'RecordDelivery']);
    expect(waits(execution)).toEqual([
      { state: 'WaitForQuietHours', until: '2026-11-27T12:00:00Z', reason: 'quiet_hours' },
    ]);
    expect(env.twilio.messages).toHaveLength(1);
    const stored = await readMeeting(env, 'm-7f3a');
    // Sent by the clock the wait moved on: after 07:00 in New York, not at 03:00.
    expect(Date.parse(stored?.notification_sent_at ?? '')).toBeGreaterThanOrEqual(Date.parse('2026-11-27T12:00:00Z'));
  });

  it('sends at the latest useful moment when quiet hours end after meeting start minus the lead', async () => {
    // 03:00 in New York; the meeting at 08:00: 07:00 would leave one hour, so it goes at 06:00.
    const execution = await runAt(
      '2026-11-27T08:00:00Z',
      meetingAt('2026-11-27T13:00:00Z'),
      userWith({ ...NIGHT_QUIET, channels: ['sms'] }),
    );

    expect(statesEntered(execution)).toEqual([...HELD_PATH, 'NotifyViaSms', 'RecordDelivery']);
    expect(waits(execution)).toEqual([
      { state: 'WaitForQuietHours', until: '2026-11-27T11:00:00Z', reason: 'lead_limit' },
    ]);
    expect(env.twilio.messages).toHaveLength(1);
  });

  it('does not hold Slack by default (Slack follows the user’s own Slack schedule)', async () => {
    const execution = await runAt('2026-11-27T08:00:00Z', meetingAt('2026-11-27T19:00:00Z'), userWith(NIGHT_QUIET));

    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(waits(execution)).toEqual([]);
  });

  it('holds the next channel after a failure: Slack fails at 03:00, the SMS waits for 07:00', async () => {
    env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });

    const execution = await runAt('2026-11-27T08:00:00Z', meetingAt('2026-11-27T19:00:00Z'), userWith(NIGHT_QUIET));

    expect(statesEntered(execution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RouteNextChannel',
      'PickChannel',
      'WaitForQuietHours',
      'CheckStillDue',
      'PickChannel',
      'NotifyViaSms',
      'RecordDelivery',
    ]);
    expect(waits(execution)).toEqual([
      { state: 'WaitForQuietHours', until: '2026-11-27T12:00:00Z', reason: 'quiet_hours' },
    ]);
  });

  it('a window crossing midnight: at 23:30 the SMS waits until 06:00 the next morning', async () => {
    // 23:30 on Nov 26 in New York (04:30Z on the 27th); quiet 22:00-06:00.
    const user = userWith({ quiet_hours: { start: '22:00', end: '06:00' }, channels: ['sms'] });

    const execution = await runAt('2026-11-27T04:30:00Z', meetingAt('2026-11-27T16:00:00Z'), user);

    expect(waits(execution)).toEqual([
      { state: 'WaitForQuietHours', until: '2026-11-27T11:00:00Z', reason: 'quiet_hours' },
    ]);
    expect(env.twilio.messages).toHaveLength(1);
  });

  it('the DST weekend: at 01:00 EDT on the night clocks fall back, 07:00 is 07:00 EST (12:00Z), not six hours later (11:00Z)', async () => {
    // 2026-11-01 05:00Z is 01:00 EDT; at 06:00Z New York turns back to 01:00 EST.
    const execution = await runAt(
      '2026-11-01T05:00:00Z',
      meetingAt('2026-11-01T20:00:00Z'),
      userWith({ ...NIGHT_QUIET, channels: ['sms'] }),
    );

    expect(waits(execution)).toEqual([
      { state: 'WaitForQuietHours', until: '2026-11-01T12:00:00Z', reason: 'quiet_hours' },
    ]);
    expect(env.twilio.messages).toHaveLength(1);
  });

  it('the spring-forward weekend: at 01:30 EST on the night clocks jump ahead, 07:00 is 07:00 EDT (11:00Z), not 12:00Z', async () => {
    // 2026-03-08 06:30Z is 01:30 EST; at 07:00Z New York jumps to 03:00 EDT.
    const execution = await runAt(
      '2026-03-08T06:30:00Z',
      meetingAt('2026-03-08T19:00:00Z'),
      userWith({ ...NIGHT_QUIET, channels: ['sms'] }),
    );

    expect(waits(execution)).toEqual([
      { state: 'WaitForQuietHours', until: '2026-03-08T11:00:00Z', reason: 'quiet_hours' },
    ]);
    expect(env.twilio.messages).toHaveLength(1);
  });

  it('any IANA zone: an executive in Kolkata (UTC+05:30) at 01:30 waits until 07:00 their time', async () => {
    const user = userWith(
      { quiet_hours: { start: '22:00', end: '07:00' }, channels: ['email'] },
      { timezone: 'Asia/Kolkata' },
    );

    const execution = await runAt('2026-11-27T20:00:00Z', meetingAt('2026-11-28T09:00:00Z'), user);

    expect(waits(execution)).toEqual([
      { state: 'WaitForQuietHours', until: '2026-11-28T01:30:00Z', reason: 'quiet_hours' },
    ]);
    expect(await env.ses.emails()).toHaveLength(1);
  });

  it('a meeting cancelled during the wait: nothing is sent, the execution stops quietly with the reason', async () => {
    const cancelDuringWait = async (state: string) => {
      if (state !== 'CheckStillDue') return;
      await env.db.send(
        new UpdateCommand({
          TableName: env.tables.meetings,
          Key: { meeting_id: 'm-7f3a' },
          UpdateExpression: 'SET #s = :c',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':c': 'CANCELLED' },
        }),
      );
    };

    const execution = await runAt(
      '2026-11-27T08:00:00Z',
      meetingAt('2026-11-27T19:00:00Z'),
      userWith({ ...NIGHT_QUIET, channels: ['sms'] }),
      undefined,
      {
        beforeTask: cancelDuringWait,
      },
    );

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([...HELD_PATH, 'NotificationSkipped']);
    expect((execution.output as { prep: { route: { stop: string } } }).prep.route.stop).toBe('meeting_cancelled');
    expect(env.twilio.messages).toHaveLength(0);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({ status: 'CANCELLED' });
  });

  it('a meeting moved during the wait: nothing is sent and the meeting is given back its status for the new event', async () => {
    const moveDuringWait = async (state: string) => {
      if (state !== 'CheckStillDue') return;
      await env.db.send(
        new UpdateCommand({
          TableName: env.tables.meetings,
          Key: { meeting_id: 'm-7f3a' },
          UpdateExpression: 'SET start_time = :t',
          ExpressionAttributeValues: { ':t': '2026-11-28T19:00:00.000Z' },
        }),
      );
    };

    const execution = await runAt(
      '2026-11-27T08:00:00Z',
      meetingAt('2026-11-27T19:00:00Z'),
      userWith({ ...NIGHT_QUIET, channels: ['sms'] }),
      undefined,
      {
        beforeTask: moveDuringWait,
      },
    );

    expect(statesEntered(execution)).toEqual([...HELD_PATH, 'NotificationSkipped']);
    expect((execution.output as { prep: { route: { stop: string } } }).prep.route.stop).toBe('meeting_moved');
    expect(env.twilio.messages).toHaveLength(0);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({ status: 'CLASSIFIED' });
  });

  it('prep started during the wait: nothing is sent', async () => {
    const startPrep = async (state: string) => {
      if (state !== 'CheckStillDue') return;
      await env.db.send(
        new UpdateCommand({
          TableName: env.tables.meetings,
          Key: { meeting_id: 'm-7f3a' },
          UpdateExpression: 'SET #s = :p',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':p': 'PREP_IN_PROGRESS' },
        }),
      );
    };

    const execution = await runAt(
      '2026-11-27T08:00:00Z',
      meetingAt('2026-11-27T19:00:00Z'),
      userWith({ ...NIGHT_QUIET, channels: ['sms'] }),
      undefined,
      {
        beforeTask: startPrep,
      },
    );

    expect((execution.output as { prep: { route: { stop: string } } }).prep.route.stop).toBe('prep_already_started');
    expect(env.twilio.messages).toHaveLength(0);
  });

  it('a reminder the user asked for is sent at once during quiet hours', async () => {
    const meeting = meetingAt('2026-11-27T19:00:00Z', { status: 'PREP_SCHEDULED' });

    const execution = await runAt(
      '2026-11-27T08:00:00Z',
      meeting,
      userWith({ ...NIGHT_QUIET, channels: ['sms'] }),
      reminderEventFor(meeting, 'prep-reminder-m-7f3a-1'),
    );

    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSms', 'RecordDelivery']);
    expect(waits(execution)).toEqual([]);
    expect(env.twilio.messages).toHaveLength(1);
  });

  it('invalid quiet hours in the stored preferences are ignored (the default: none), not a failed execution', async () => {
    const user = aUser({
      notification_preferences: { channels: ['sms'], quiet_hours: { start: '25:00', end: '07:00' } },
    });

    const execution = await runAt('2026-11-27T08:00:00Z', meetingAt('2026-11-27T19:00:00Z'), user);

    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSms', 'RecordDelivery']);
  });
});
