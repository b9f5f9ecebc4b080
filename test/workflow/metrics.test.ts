/**
 * The custom metrics the workflow's functions emit (CloudWatch embedded metric format on stdout), checked on real
 * executions: what a team's dashboard and AllChannelsFailed alarm would see.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { LocalEnvironment } from '../../local/local-environment';
import { runPrepAction } from '../../lambda/actions/core';
import { prepActionDepsFromEnv } from '../../lambda/actions/deps';
import { aMeeting, prepEventFor, seed, startEnvironment } from './helpers';

// Whole executions against loopback stand-ins: generous under a loaded machine (no timing is asserted).
jest.setTimeout(30_000);

let env: LocalEnvironment;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  env = await startEnvironment();
}, 60_000);

afterAll(async () => {
  await env?.close();
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

beforeEach(async () => {
  await env.resetFakes();
});

interface EmfLine {
  readonly _aws: {
    readonly CloudWatchMetrics: { readonly Namespace: string; readonly Metrics: { readonly Name: string }[] }[];
  };
  readonly [key: string]: unknown;
}

/** Runs an execution and returns the metric lines printed meanwhile. */
async function metricsOf(run: () => Promise<unknown>): Promise<EmfLine[]> {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    write.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"CloudWatchMetrics"'))
    .map((l) => JSON.parse(l) as EmfLine);
}

const named = (lines: EmfLine[], name: string) =>
  lines.filter((l) => l._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === name));

describe('metrics', () => {
  it('count a delivery by channel and the fallback taken to reach it', async () => {
    await seed(env, aMeeting());
    env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });

    const lines = await metricsOf(() => env.workflow.run(prepEventFor(aMeeting()), { retryIntervalMs: 0 }));

    expect(named(lines, 'NotificationsDelivered')).toEqual([
      expect.objectContaining({ Channel: 'sms', service: 'meeting-prep', NotificationsDelivered: 1 }),
    ]);
    expect(named(lines, 'FallbacksTaken')).toEqual([expect.objectContaining({ FallbacksTaken: 1 })]);
    expect(lines.every((l) => l._aws.CloudWatchMetrics[0]?.Namespace === 'ExecAssistant/MeetingPrep')).toBe(true);
  });

  it('count a skip by its reason', async () => {
    await seed(env, aMeeting({ status: 'CANCELLED' }));

    const lines = await metricsOf(() => env.workflow.run(prepEventFor(aMeeting()), { retryIntervalMs: 0 }));

    expect(named(lines, 'NotificationsSkipped')).toEqual([
      expect.objectContaining({ Reason: 'meeting_cancelled', NotificationsSkipped: 1 }),
    ]);
    expect(named(lines, 'NotificationsDelivered')).toEqual([]);
  });

  it('count AllChannelsFailed when nothing delivered, with the dimension its alarm watches', async () => {
    await seed(env, aMeeting());
    env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'account_inactive' });
    env.twilio.fail({ kind: 'status', status: 400, times: Infinity });
    env.ses.fail({ kind: 'rejected' });

    const lines = await metricsOf(() => env.workflow.run(prepEventFor(aMeeting()), { retryIntervalMs: 0 }));

    const failed = named(lines, 'AllChannelsFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?._aws.CloudWatchMetrics[0]).toMatchObject({ Dimensions: [['service']] });
  });
});

describe('prep actions, whatever the channel', () => {
  it('count each decision by action, channel and outcome, and a reminder scheduled once', async () => {
    await seed(env, aMeeting({ status: 'PREP_SCHEDULED' }));
    const deps = prepActionDepsFromEnv(new Logger({ serviceName: 'metrics-test', logLevel: 'SILENT' }));
    const act = (via: 'sms' | 'email', action: 'start_prep' | 'remind_later', requestId: string) =>
      runPrepAction(deps, { action, via, requestId, meetingId: 'm-7f3a', userId: 'U024BE7LH' });

    const lines = await metricsOf(async () => {
      await act('sms', 'remind_later', 'SM1');
      await act('email', 'remind_later', 'tok-1');
      await act('email', 'start_prep', 'tok-2');
    });

    expect(named(lines, 'PrepActions').map((l) => [l['Action'], l['Via'], l['Outcome']])).toEqual([
      ['remind_later', 'sms', 'reminder_scheduled'],
      ['remind_later', 'email', 'reminder_exists'],
      ['start_prep', 'email', 'session_started'],
    ]);
    expect(named(lines, 'RemindersScheduled')).toHaveLength(1);
  });
});
