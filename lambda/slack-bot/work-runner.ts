/**
 * Runs a batch of work jobs: picks the job's function, records the outcome and the latency from the click or DM
 * to the end of its Slack work, and turns failures into partial-batch failures with a backoff.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { runClickReply, runStartPrep } from './click-work';
import { WorkerDeps } from './deps';
import { handleDirectMessage } from './direct-message';
import { runDigest, runHomeRefresh } from './app-home/home-work';
import { processBatch } from './work-batch';
import { WorkJob, enqueuedAt } from '../actions/work-jobs';

/** What {@link runWorkBatch} needs. */
export interface WorkBatchDeps {
  readonly deps: () => Promise<WorkerDeps>;
  readonly maxReceiveCount: number;
  readonly delay: (receiptHandle: string, seconds: number) => Promise<void>;
  readonly jobs: {
    readonly startPrep: typeof runStartPrep;
    readonly clickReply: typeof runClickReply;
    readonly directMessage: typeof handleDirectMessage;
    readonly homeRefresh: typeof runHomeRefresh;
    readonly digest: typeof runDigest;
  };
  readonly metric: (
    name: 'SlackWorkDone' | 'SlackWorkFailed' | 'SlackPrepStartsUndone',
    dimensions: Record<string, string>,
  ) => void;
  readonly logger: Logger;
}

async function runJob(batch: WorkBatchDeps, deps: WorkerDeps, job: WorkJob, lastAttempt: boolean): Promise<void> {
  let outcome: string;
  switch (job.kind) {
    case 'start_prep':
      outcome = await batch.jobs.startPrep(deps, job, lastAttempt);
      if (outcome === 'undone') batch.metric('SlackPrepStartsUndone', {});
      break;
    case 'click_reply':
      outcome = await batch.jobs.clickReply(deps, job);
      break;
    case 'dm_reply':
      outcome = await batch.jobs.directMessage(deps, job);
      break;
    case 'home_refresh':
      outcome = await batch.jobs.homeRefresh(deps, job);
      break;
    case 'digest':
      outcome = await batch.jobs.digest(deps, job, lastAttempt);
      break;
  }
  if (
    job.kind === 'start_prep' ||
    (job.kind === 'click_reply' && job.replace) ||
    (job.kind === 'dm_reply' && outcome === 'completed')
  ) {
    // After an action that changed something (a refusal only tells; a finished prep session is done), the Home tab
    // shows the new state; the action's own answer is already given, so this is best effort.
    await batch.jobs.homeRefresh(deps, { user_id: job.user_id, reason: job.kind }).catch((error: unknown) => {
      batch.logger.warn('Could not refresh the Home tab after an action', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }
  const latencyMs = Date.now() - Date.parse(enqueuedAt(job));
  batch.logger.info('Work done', { kind: job.kind, outcome, latency_ms: latencyMs });
  batch.metric('SlackWorkDone', { Kind: job.kind });
}

/** Runs one SQS event's records. */
export async function runWorkBatch(event: SQSEvent, batch: WorkBatchDeps): Promise<SQSBatchResponse> {
  let deps: WorkerDeps | undefined;
  const depsOnce = async (): Promise<WorkerDeps> => {
    deps ??= await batch.deps();
    return deps;
  };
  const { batchItemFailures } = await processBatch(event.Records, {
    maxReceiveCount: batch.maxReceiveCount,
    run: async (job, lastAttempt) => runJob(batch, await depsOnce(), job, lastAttempt),
    delay: (record, seconds) => batch.delay(record.receiptHandle, seconds),
    onFailure: (record, error) => {
      batch.logger.warn('Work failed; it will be retried', {
        message_id: record.messageId,
        receive_count: record.attributes.ApproximateReceiveCount,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      batch.metric('SlackWorkFailed', { Kind: error instanceof Error ? error.name : 'Unknown' });
    },
  });
  return { batchItemFailures };
}
