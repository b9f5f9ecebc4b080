/**
 * The `npm start -- --fail …` drills' arrangement, shared by the drill tests: one in-process runtime per test file
 * (free port, no demo), and `drill()` to run one meeting through armed drills.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Meeting } from '../../lambda/shared/domain';
import { DEMO_USER, demoEntry, demoMeetings } from '../../local/demo';
import { FAIL_DRILLS } from '../../local/fail-drills';
import { Runtime, startRuntime } from '../../local/runtime';
import { LocalExecution } from '../../local/workflow-runner';

/**
 * The demo executive without quiet hours: the drills are about receipts, and the demo's quiet hours (21:00-07:00
 * New York) would hold the SMS and email back whenever the suite runs at night there.
 */
export const DAYTIME_USER = { ...DEMO_USER, notification_preferences: { prep_reminders: true } };

/** What one drill produced: the execution, the trace printed meanwhile, and the meeting's item afterwards. */
export interface DrillResult {
  readonly execution: LocalExecution;
  readonly trace: string;
  readonly meeting: Meeting;
}

/** The runtime of a drill test file and the drill that runs on it. */
export interface Drills {
  /** The running system (started before the file's first test). */
  readonly runtime: Runtime;
  /** Arms the drills, publishes MeetingPrepRequired for a fresh meeting, and returns its execution, trace and item. */
  drill(meetingId: string, drills: readonly string[], user?: Readonly<Record<string, unknown>>): Promise<DrillResult>;
}

/**
 * Starts a runtime before the file's tests (stopped after them) and returns the drill that runs on it.
 * @param timeScale - how much faster than real time the local clock runs (receipt waits, Scheduler). @default 1
 * @param providerTimeoutMs - time the functions allow one provider call. @default the functions' own (8 s)
 */
export function useDrillRuntime(timeScale?: number, providerTimeoutMs?: number): Drills {
  let runtime: Runtime | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    runtime = await startRuntime({
      port: 0,
      demo: false,
      log: (line) => lines.push(line),
      retryIntervalMs: 0,
      ...(timeScale ? { timeScale } : {}),
      ...(providerTimeoutMs !== undefined ? { providerTimeoutMs } : {}),
    });
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
  });

  const started = (): Runtime => {
    if (!runtime) throw new Error('the drill runtime is not started (call useDrillRuntime() at the top of the file)');
    return runtime;
  };

  return {
    get runtime() {
      return started();
    },
    drill: async (meetingId, drills, user = DAYTIME_USER) => {
      const runtime = started();
      const { env } = runtime;
      await env.resetFakes();
      for (const name of drills) FAIL_DRILLS[name]?.apply(env);
      const meeting = { ...(demoMeetings()[0] as Meeting), meeting_id: meetingId };
      await env.db.send(new PutCommand({ TableName: env.tables.users, Item: user }));
      await env.db.send(new PutCommand({ TableName: env.tables.meetings, Item: meeting }));
      const before = runtime.executions.length;
      lines.length = 0;
      await runtime.publish([demoEntry(meeting)]);
      const [execution] = (await runtime.executionsFinished(before + 1)).slice(before);
      await runtime.idle();
      const stored = (
        await env.db.send(new GetCommand({ TableName: env.tables.meetings, Key: { meeting_id: meetingId } }))
      ).Item as Meeting;
      return { execution: execution as LocalExecution, trace: lines.join('\n'), meeting: stored };
    },
  };
}
