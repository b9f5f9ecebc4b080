/**
 * `npm start -- --fail …` drills on one running system (in-process, free port): what each drill makes the
 * stand-ins do, and what the trace shows — the wait for the receipt, the receipt, and where the workflow went.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Meeting } from '../../lambda/shared/domain';
import { DEMO_USER, demoEntry, demoMeetings } from '../../local/demo';
import { FAIL_DRILLS } from '../../local/fail-drills';
import { Runtime, startRuntime } from '../../local/runtime';
import { LocalExecution, statesEntered } from '../../local/workflow-runner';

let runtime: Runtime;
const lines: string[] = [];

beforeAll(async () => {
  // Receipts come at once here; the receipt wait runs in real time, so a busy machine cannot make it expire.
  runtime = await startRuntime({ port: 0, demo: false, log: (line) => lines.push(line), retryIntervalMs: 0 });
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

/**
 * The demo executive without quiet hours: these drills are about receipts, and the demo's quiet hours (21:00-07:00
 * New York) would hold the SMS and email back whenever the suite runs at night there.
 */
const DAYTIME_USER = { ...DEMO_USER, notification_preferences: { prep_reminders: true } };

/** Arms the drills, publishes MeetingPrepRequired for a fresh meeting, and returns its execution, trace and item. */
async function drill(meetingId: string, drills: readonly string[], user = DAYTIME_USER): Promise<{ execution: LocalExecution; trace: string; meeting: Meeting }> {
  await runtime.env.resetFakes();
  for (const name of drills) FAIL_DRILLS[name]?.apply(runtime.env);
  const meeting = { ...(demoMeetings()[0] as Meeting), meeting_id: meetingId };
  await runtime.env.db.send(new PutCommand({ TableName: runtime.env.tables.users, Item: user }));
  await runtime.env.db.send(new PutCommand({ TableName: runtime.env.tables.meetings, Item: meeting }));
  const before = runtime.executions.length;
  lines.length = 0;
  await runtime.publish([demoEntry(meeting)]);
  const [execution] = (await runtime.executionsFinished(before + 1)).slice(before);
  await runtime.idle();
  const stored = (await runtime.env.db.send(new GetCommand({ TableName: runtime.env.tables.meetings, Key: { meeting_id: meetingId } }))).Item as Meeting;
  return { execution: execution as LocalExecution, trace: lines.join('\n'), meeting: stored };
}

describe('npm start drills', () => {
  it('--fail slack,sms-undelivered: the SMS is reported undelivered (30034) by a signed callback, and email is sent', async () => {
    const { execution, trace, meeting } = await drill('m-drill-1', ['slack', 'sms-undelivered']);

    expect(statesEntered(execution)).toEqual([
      'LoadMeeting', 'IsNotificationDue', 'MarkPrepScheduled', 'PickChannel', 'NotifyViaSlack', 'RouteNextChannel', 'PickChannel',
      'NotifyViaSms', 'RouteNextChannel', 'PickChannel', 'NotifyViaEmail', 'RecordDelivery',
    ]);
    expect(trace).toMatch(/⏳ NotifyViaSms sent; waiting for the provider's receipt/);
    expect(trace).toMatch(/✉ NotifyViaSms receipt: not delivered — ChannelPermanentFailure .*30034/);
    expect(trace).toMatch(/Twilio status callback: undelivered → 200/);
    expect(trace).toContain('Delivered via email');
    expect(meeting).toMatchObject({ notification_channel: 'email', notification_status: 'DELIVERED' });
  });

  it('--fail slack,sms,email-bounce: the bounce fails the last channel (AllChannelsFailed)', async () => {
    const { execution, trace } = await drill('m-drill-2', ['slack', 'sms', 'email-bounce']);

    expect(execution.error).toBe('AllChannelsFailed');
    expect(trace).toMatch(/✉ NotifyViaEmail receipt: not delivered — ChannelPermanentFailure .*bounce_Permanent_General/);
  });

  it('--fail slack-timeout: Slack takes the post but never answers; the post is found in the DM history, sent once', async () => {
    const { execution, meeting } = await drill('m-drill-4', ['slack-timeout']);

    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'IsNotificationDue', 'MarkPrepScheduled', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(runtime.env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect(meeting).toMatchObject({ notification_channel: 'slack', notification_status: 'DELIVERED' });
  }, 30_000); // the functions' own 8-second provider timeout runs out first
});
