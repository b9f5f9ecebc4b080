/**
 * The runtime's trace tells each execution's own story: under `--fail slack` no Slack message is shown as sent and
 * the fallback SMS does not point to Slack; a skipped execution shows no delivery; a failed InvalidEvent does not
 * claim the meeting changed.
 */
import { Runtime, startRuntime } from '../../local/runtime';

let runtime: Runtime;
const trace: string[] = [];

/** The lines printed for one execution: its block, up to the next line that is not indented. */
function blockOf(name: string | undefined): string {
  const blocks = trace.join('\n').split(/\n(?=━━ Execution )/);
  const found = blocks.filter((b) => b.startsWith(`━━ Execution ${name}:`));
  expect(found).toHaveLength(1);
  return (found[0] as string).split(/\n(?=\S)/)[0] as string;
}

const publish = async (detail: Record<string, unknown>) => {
  const before = runtime.executions.length;
  await runtime.publish([
    { Source: 'exec-assistant.calendar-monitor', DetailType: 'MeetingPrepRequired', Detail: JSON.stringify(detail) },
  ]);
  return runtime.executionsFinished(before + 1);
};

beforeAll(async () => {
  // Slack fails every call: the demo's first notification falls back to SMS.
  // At 10:00 in New York: the demo executive's quiet hours (21:00-07:00) do not hold the SMS back.
  runtime = await startRuntime({
    port: 0,
    now: new Date('2026-11-27T15:00:00Z'),
    fail: ['slack'],
    log: (line) => trace.push(line),
    retryIntervalMs: 0,
  });
}, 60_000);
afterAll(() => runtime.close());

describe('the trace of npm start --fail slack', () => {
  it('shows the Slack attempts as failed, not as a sent message, and the SMS that was delivered', () => {
    const block = blockOf(runtime.executions[0]?.name);

    expect(block).toMatch(/Not delivered via slack: ChannelTransientFailure \(3 tries\)/);
    expect(block).not.toMatch(/Slack message to|== Meeting Prep Reminder ==/);
    expect(block).toMatch(/Delivered via sms \(id SM[0-9a-f]{32}\)/);
    expect(block).toMatch(/│ SMS to \+12125550143: Meeting prep: Q4 Leadership Sync, .+\.$/m);
    expect(block).toContain('Meeting m-7f3a is now PREP_SCHEDULED (notification DELIVERED)');
  });

  it('sends no fallback text that points to a Slack message that never arrived', () => {
    expect(runtime.env.twilio.messages.map((m) => m.body)).toEqual([
      expect.not.stringMatching(/Slack|Start Prep Session/),
    ]);
  });

  it('prints only its own outcome for a skipped execution: no earlier delivery, no change', async () => {
    const [execution] = (await publish({ meeting_id: 'm-7f3a', user_id: 'U024BE7LH' })).slice(-1);

    const skipped = blockOf(execution?.name);

    expect(skipped).toContain('Skipped: not_awaiting_prep');
    expect(skipped).not.toContain('Delivered via');
    expect(skipped).toContain('Meeting m-7f3a not changed by this execution (PREP_SCHEDULED)');
  });

  it('does not say a meeting changed when the event was invalid', async () => {
    const [execution] = (await publish({ meeting_id: 'm-rel9' })).slice(-1);

    const block = blockOf(execution?.name);

    expect(block).toMatch(/Status: FAILED \(InvalidEvent\)/);
    expect(block).not.toMatch(/is now|Delivered via/);
    expect(block).toContain('Meeting m-rel9 not changed by this execution (CLASSIFIED)');
  });
});
