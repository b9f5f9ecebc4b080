/**
 * One SQS batch as the event source mapping hands it to the worker: jobs run in order within a message group (one
 * Slack user), groups side by side. A failed job, and every later job of its group in the batch, is reported in
 * `batchItemFailures` (FIFO: nothing of that user may overtake it); the rest of the batch is done. Each failure gets
 * an exponential backoff before its next delivery (or Slack's Retry-After). Pure apart from the functions passed in.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { RetryableWorkError } from './click-work';
import { WorkJob, readWorkJob } from '../actions/work-jobs';

/** The record fields the batch reads. */
export type WorkRecord = Pick<SQSRecord, 'messageId' | 'receiptHandle' | 'body'> & {
  readonly attributes: Pick<SQSRecord['attributes'], 'ApproximateReceiveCount'> & { readonly MessageGroupId?: string };
};

/** How one record ended. */
export type RecordResult =
  | { readonly messageId: string; readonly status: 'done' }
  | { readonly messageId: string; readonly status: 'failed'; readonly error: unknown; readonly delaySeconds: number }
  | { readonly messageId: string; readonly status: 'skipped' };

/** Settings of a batch run. */
export interface BatchOptions {
  /** The queue's maxReceiveCount: the delivery that is the last before the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Runs one job. `lastAttempt` is true on its last delivery. */
  readonly run: (job: WorkJob, lastAttempt: boolean) => Promise<void>;
  /** Delays the next delivery of a failed record (ChangeMessageVisibility). */
  readonly delay: (record: WorkRecord, seconds: number) => Promise<void>;
  /** Told about each failure (logs, metrics). */
  readonly onFailure?: (record: WorkRecord, error: unknown) => void;
}

/** The first retry waits this long; each next one twice as long, up to {@link MAX_BACKOFF_SECONDS}. */
export const BASE_BACKOFF_SECONDS = 2;
export const MAX_BACKOFF_SECONDS = 300;

/** The wait before the next delivery after the `receiveCount`-th failed one (Slack's Retry-After wins). */
export function backoffSeconds(receiveCount: number, error: unknown): number {
  if (error instanceof RetryableWorkError && error.failure.retry && error.failure.retryAfterSeconds !== undefined) {
    return Math.min(Math.max(1, Math.ceil(error.failure.retryAfterSeconds)), MAX_BACKOFF_SECONDS);
  }
  return Math.min(BASE_BACKOFF_SECONDS * 2 ** Math.max(0, receiveCount - 1), MAX_BACKOFF_SECONDS);
}

/** An SQS body the worker cannot read (a bug or a version skew): never retried into success. */
export class UnreadableJobError extends Error {
  override readonly name = 'UnreadableJobError';
}

function parseJob(body: string): WorkJob {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UnreadableJobError('the message body is not JSON');
  }
  const parsed = readWorkJob(json);
  if (!parsed.success)
    throw new UnreadableJobError(`the message body is not a job: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

async function runGroup(records: readonly WorkRecord[], options: BatchOptions): Promise<RecordResult[]> {
  const results: RecordResult[] = [];
  for (const record of records) {
    if (results.some((r) => r.status !== 'done')) {
      results.push({ messageId: record.messageId, status: 'skipped' });
      continue;
    }
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    try {
      await options.run(parseJob(record.body), receiveCount >= options.maxReceiveCount);
      results.push({ messageId: record.messageId, status: 'done' });
    } catch (error) {
      options.onFailure?.(record, error);
      // An unreadable body goes to the dead-letter queue without waiting.
      const delaySeconds = error instanceof UnreadableJobError ? 0 : backoffSeconds(receiveCount, error);
      results.push({ messageId: record.messageId, status: 'failed', error, delaySeconds });
      await options.delay(record, delaySeconds).catch(() => undefined);
    }
  }
  return results;
}

/** Runs a batch and returns the partial-batch response (ReportBatchItemFailures). */
export async function processBatch(
  records: readonly WorkRecord[],
  options: BatchOptions,
): Promise<SQSBatchResponse & { results: RecordResult[] }> {
  const groups = new Map<string, WorkRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? record.messageId;
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  const results = (await Promise.all([...groups.values()].map((group) => runGroup(group, options)))).flat();
  return {
    batchItemFailures: results.filter((r) => r.status !== 'done').map((r) => ({ itemIdentifier: r.messageId })),
    results,
  };
}
