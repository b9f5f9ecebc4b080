/**
 * The Slack bot worker's latency for `npm run bench`: from the moment the webhook queued a job (the SQS message's
 * SentTimestamp on the loopback SQS fake) to the worker's first Slack call for it (when the Slack fake received it),
 * with the real worker handler delivered to as the event source mapping would. Each job is drained on its own right
 * after the webhook answered, so queueing behind other jobs is not counted; the webhook's answer time is.
 */
import { performance } from 'node:perf_hooks';
import type { LocalEnvironment } from '../local/local-environment';

/** One measured job. */
export interface WorkerSample {
  /** Enqueue (SentTimestamp) → first Slack call received by the fake, ms. */
  readonly toSlackMs: number;
  /** The drain: the worker's invocation with all its Slack and DynamoDB calls, ms. */
  readonly invocationMs: number;
}

/** Where the queue and the Slack fake stood before a webhook call. */
export interface Mark {
  readonly queued: number;
  readonly slackRequests: number;
}

/** Notes the queue and Slack request counts (call before the webhook request). */
export function mark(env: LocalEnvironment): Mark {
  return { queued: env.sqs.queue(env.workQueue.name).messages.length, slackRequests: env.slack.requests.length };
}

/**
 * Drains the job the webhook queued since `before` and measures it.
 * @throws when nothing was queued, the worker made no Slack call, or a job failed
 */
export async function drainAndMeasure(env: LocalEnvironment, before: Mark): Promise<WorkerSample> {
  const queue = env.sqs.queue(env.workQueue.name);
  const message = queue.messages[before.queued];
  if (!message) throw new Error('the request queued no work');
  const started = performance.now();
  await drainAll(env);
  const invocationMs = performance.now() - started;
  const firstCall = env.slack.requests[before.slackRequests];
  if (!firstCall) throw new Error('the worker made no Slack call');
  return { toSlackMs: firstCall.receivedAt.getTime() - message.sentAt, invocationMs };
}

/**
 * Runs the real worker until the queue is empty.
 * @throws when a job failed or jobs were left
 */
export async function drainAll(env: LocalEnvironment): Promise<void> {
  const report = await env.worker().drain();
  if (report.invocations.some((i) => i.failed.length > 0) || env.sqs.queue(env.workQueue.name).messages.length > 0)
    throw new Error('the worker failed a job');
}
