/**
 * `npm start -- --fail sms-no-receipt` on a running system whose clock runs fast: the receipt wait runs out, the SMS
 * is recorded UNCONFIRMED, and nothing is resent.
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
  // No receipt ever comes in this drill: 10 minutes of receipt wait pass in 100 ms.
  runtime = await startRuntime({ port: 0, demo: false, log: (line) => lines.push(line), retryIntervalMs: 0, timeScale: 6000 });
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
  it('--fail slack,sms-no-receipt: after the (time-scaled) wait the SMS is UNCONFIRMED, never resent, no email', async () => {
    const { execution, trace, meeting } = await drill('m-drill-3', ['slack', 'sms-no-receipt']);

    expect(statesEntered(execution).slice(-2)).toEqual(['NotifyViaSms', 'RecordUnconfirmed']);
    expect(trace).toMatch(/⌛ NotifyViaSms no receipt in time/);
    expect(trace).toContain('(notification UNCONFIRMED)');
    expect(runtime.env.twilio.messages).toHaveLength(1);
    expect(meeting).toMatchObject({ notification_channel: 'sms', notification_status: 'UNCONFIRMED' });
  });

});
