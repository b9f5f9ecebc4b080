/**
 * A Lambda event source mapping for the fake SQS: receives batches from a queue and invokes the real handler with
 * the SQS event Lambda builds (`Records` with `attributes`, `md5OfBody`, `eventSourceARN`), then deletes what
 * succeeded. With ReportBatchItemFailures, the ids in `batchItemFailures` stay on the queue (and come back after
 * their visibility timeout, or go to the dead-letter queue after `maxReceiveCount`); a thrown error, or a failure
 * id that is not in the batch, fails the whole batch. `drain()` runs until the queue is empty, moving the fake's
 * clock over visibility timeouts instead of waiting; `start()` polls in real time (the local runtime).
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { FakeQueue, FakeSqs, FakeSqsMessage, systemAttributes } from './fake-sqs';

/** A worker handler. */
export type SqsHandler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse | undefined>;

/** One invocation, as recorded. */
export interface SqsInvocation {
  readonly messageIds: readonly string[];
  /** Ids reported failed (all of them when the handler threw). */
  readonly failed: readonly string[];
  readonly error?: unknown;
  /** Fake-clock instant of the invocation (ms). */
  readonly at: number;
}

/** What a drain did. */
export interface DrainReport {
  readonly invocations: readonly SqsInvocation[];
  /** Messages in the dead-letter queue afterwards. */
  readonly deadLettered: number;
}

/** A running mapping. */
export interface SqsEventSource {
  readonly invocations: readonly SqsInvocation[];
  /** Delivers until the queue is empty (failed messages retried after their visibility timeout, in fake time). */
  drain(options?: { readonly maxInvocations?: number }): Promise<DrainReport>;
  /** Polls in real time every `intervalMs`. */
  start(intervalMs?: number): void;
  /** Resolves once the queue is empty and no invocation runs (polling must be started; retries wait their backoff). */
  idle(): Promise<void>;
  /** Stops polling and waits for the invocation in progress. */
  stop(): Promise<void>;
}

function record(queue: FakeQueue, m: FakeSqsMessage, region: string): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle ?? '',
    body: m.body,
    attributes: systemAttributes(m) as unknown as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: m.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: region,
  };
}

/** Maps `queueName` to `handler`. */
export function attachEventSource(
  sqs: FakeSqs,
  queueName: string,
  handler: SqsHandler,
  options: { readonly batchSize?: number; readonly region?: string } = {},
): SqsEventSource {
  const queue = sqs.queue(queueName);
  const batchSize = options.batchSize ?? 10;
  const region = options.region ?? 'us-east-1';
  const invocations: SqsInvocation[] = [];
  let running: Promise<boolean> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];
  const settleIdle = () => {
    if (running || queue.messages.length > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const deliverOnce = async (): Promise<boolean> => {
    const batch = sqs.receive(queue, batchSize);
    if (batch.length === 0) return false;
    const handles = new Map(batch.map((m) => [m.messageId, m.receiptHandle ?? '']));
    const at = sqs.now();
    let failed: string[];
    let error: unknown;
    try {
      const response = await handler({ Records: batch.map((m) => record(queue, m, region)) }, {});
      failed = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      // Lambda fails the whole batch when a reported id is not one of its messages.
      if (failed.some((id) => !handles.has(id))) failed = [...handles.keys()];
    } catch (thrown) {
      error = thrown;
      failed = [...handles.keys()];
    }
    for (const [id, handle] of handles) if (!failed.includes(id)) sqs.delete(queue, handle);
    invocations.push({ messageIds: [...handles.keys()], failed, at, ...(error !== undefined ? { error } : {}) });
    return true;
  };
  const once = (): Promise<boolean> => {
    running ??= deliverOnce().finally(() => {
      running = undefined;
      settleIdle();
    });
    return running;
  };

  return {
    invocations,
    async drain(drainOptions = {}) {
      const max = drainOptions.maxInvocations ?? 500;
      const start = invocations.length;
      while (invocations.length - start < max) {
        if (await once()) continue;
        if (queue.messages.length === 0) break;
        // Nothing visible: let the earliest visibility timeout (or delay) pass on the fake clock.
        const next = Math.min(...queue.messages.map((m) => m.visibleAt));
        sqs.advance(Math.max(1, next - sqs.now() + 1));
      }
      const dlq = queue.redrive ? sqs.queue(queue.redrive.deadLetterQueue) : undefined;
      return { invocations: invocations.slice(start), deadLettered: dlq?.messages.length ?? 0 };
    },
    start(intervalMs = 25) {
      timer ??= setInterval(() => {
        void once().catch(() => undefined);
      }, intervalMs);
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
      // Nothing will deliver any more: nobody waits for that.
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    },
  };
}
