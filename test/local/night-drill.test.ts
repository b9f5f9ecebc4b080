/**
 * The night drill: `npm start -- --now 2026-11-27T03:00 --fail slack --time-scale N` starts the local clock at
 * 03:00 in the demo executive's zone (New York). Slack fails, the SMS that follows is held back by their quiet
 * hours (21:00-07:00): the trace says at once that the execution waits, and until when; the wait passes at the
 * time scale, and the SMS goes out by the clock the wait moved on to.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseClockStart } from '../../local/clock';
import { Runtime, startRuntime } from '../../local/runtime';
import { statesEntered } from '../../local/workflow-runner';

let runtime: Runtime;
const trace: string[] = [];

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    now: parseClockStart('2026-11-27T03:00', 'America/New_York'),
    fail: ['slack'],
    // A second of the wait passes in a nanosecond: the four hours until 07:00 pass at once.
    timeScale: 1e9,
    // The SMS's receipt wait in real time: Twilio's signed callback arrives well within it, as it would at night.
    receiptTimeScale: 1,
    log: (line) => trace.push(line),
    retryIntervalMs: 0,
  });
}, 60_000);
afterAll(() => runtime.close());

describe('npm start --now 2026-11-27T03:00 --fail slack', () => {
  it('says the SMS waits for the end of quiet hours, then sends it after 07:00 New York time', async () => {
    const [execution] = await runtime.executionsFinished(1);

    expect(trace).toContainEqual(
      expect.stringMatching(/waits in WaitForQuietHours until 2026-11-27T12:00:00Z \(quiet_hours\)/),
    );
    // In the execution's history, right after the Wait state is entered.
    expect(trace.join('\n')).toMatch(
      /→ WaitForQuietHours \(Wait\)\n.*⏾ WaitForQuietHours until 2026-11-27T12:00:00Z \(quiet_hours\)/,
    );
    expect(statesEntered(execution!)).toEqual([
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
    const env = runtime.env;
    const meeting = (
      await env.db.send(new GetCommand({ TableName: env.tables.meetings, Key: { meeting_id: 'm-7f3a' } }))
    ).Item;
    expect(meeting).toMatchObject({ notification_channel: 'sms' });
    expect(Date.parse(String(meeting?.['notification_sent_at']))).toBeGreaterThanOrEqual(
      Date.parse('2026-11-27T12:00:00Z'),
    );
  });
});
