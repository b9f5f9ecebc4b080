/**
 * The local scheduler firing into the running system, as EventBridge Scheduler fires into AWS: a reminder's target
 * is StartExecution itself (a universal target), a digest's is the bot's work queue, which the worker drains.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { localNow } from './clock';
import type { Executions } from './executions';
import type { LocalEnvironment } from './local-environment';
import { ScheduleTargets, invokeScheduleTarget } from './scheduler-targets';
import type { SqsEventSource } from './sqs-event-source';

/** Options of {@link startScheduleFiring}. */
export interface ScheduleFiringOptions {
  readonly env: LocalEnvironment;
  readonly executions: Executions;
  /** The bot's worker, attached to the work queue. */
  readonly worker: SqsEventSource;
  readonly log: (line: string) => void;
  /** How much faster than real time the scheduler's clock runs. */
  readonly timeScale: number;
  /** How often the scheduler looks for due schedules, in ms. */
  readonly pollMs: number;
}

/**
 * Starts firing due schedules on the local clock. Returns the cleanup that releases the SQS client the digests are
 * sent with, to run once the scheduler has stopped firing.
 */
export function startScheduleFiring(options: ScheduleFiringOptions): () => Promise<void> {
  const { env, executions, worker, log } = options;
  const targets: ScheduleTargets = {
    startExecution: (input, name) => {
      executions.start(input, name);
    },
    queues: { [env.workQueue.arn]: env.workQueue.url },
    sqs: new SQSClient({}),
  };
  env.scheduler.startFiring({
    timeScale: options.timeScale,
    now: localNow,
    pollMs: options.pollMs,
    onFire: async (schedule, scheduledTime) => {
      // A reminder's target is StartExecution itself (a universal target); a digest's is the bot's work queue.
      const kind = schedule.Target.Arn === env.workQueue.arn ? 'digest' : 'reminder';
      const done = await invokeScheduleTarget(targets, schedule, scheduledTime);
      log(`Scheduler: ${kind} ${schedule.Name} is due (${scheduledTime.toISOString()}); ${done}.`);
      // The worker's digest DM counts as running work, like a click's.
      if (kind === 'digest') executions.track(worker.idle());
    },
  });
  return async () => targets.sqs.destroy();
}
