/**
 * The Slack bot worker's latency for `npm run bench`: from the moment the webhook queued a job (the SQS message's
 * SentTimestamp on the loopback SQS fake) to the worker's first Slack call for it (when the Slack fake received it),
 * per job kind, with the real worker handler delivered to as the event source mapping would. Each sample is one
 * job queued by a real webhook request and drained alone, so queueing behind other jobs is not counted.
 */
import { performance } from 'node:perf_hooks';
import type { LocalEnvironment } from '../local/local-environment';

/** One measured job. */
export interface WorkerSample {
  /** Enqueue (SentTimestamp) → first Slack call received by the fake, ms. */
  readonly toSlackMs: number;
  /** The whole worker invocation (all its Slack and DynamoDB calls), ms. */
  readonly invocationMs: number;
}

/**
 * Queues one job with `queueIt` (a webhook request), drains the work queue, and measures it.
 * @throws when the request queued nothing, or the worker made no Slack call or left the queue non-empty
 */
export async function measureWorkerJob(env: LocalEnvironment, queueIt: () => Promise<void>): Promise<WorkerSample> {
  const queue = env.sqs.queue(env.workQueue.name);
  const before = env.slack.requests.length;
  await queueIt();
  const message = queue.messages.at(-1);
  if (!message) throw new Error('the request queued no work');
  const started = performance.now();
  const report = await env.worker().drain();
  const invocationMs = performance.now() - started;
  const firstCall = env.slack.requests[before];
  if (!firstCall) throw new Error('the worker made no Slack call');
  if (report.invocations.some((i) => i.failed.length > 0) || queue.messages.length > 0) throw new Error('the worker failed a job');
  return { toSlackMs: firstCall.receivedAt.getTime() - message.sentAt, invocationMs };
}
