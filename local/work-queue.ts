/**
 * The Slack bot's work queue on the fake SQS, shaped as the synthesized template declares it (FIFO, visibility
 * timeout, redrive to its dead-letter queue with the template's `maxReceiveCount`), and the real worker handler
 * attached to it as the event source mapping would be.
 */
import type { CfnTemplate } from './synth';
import { FakeSqs } from './fake-sqs';
import { SqsEventSource, SqsHandler, attachEventSource } from './sqs-event-source';
import { loadHandler } from './workflow-runner';

/** The work queue as the template declares it. */
export interface WorkQueueSpec {
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  /** Whether Scheduler's sends (no deduplication id of their own) are deduplicated on their content. */
  readonly contentBasedDeduplication: boolean;
}

/** Local names of the two queues. */
export const LOCAL_WORK_QUEUE = { name: 'slack-work.fifo', deadLetterQueue: 'slack-work-dlq.fifo' } as const;

/** Reads the FIFO queue that has a redrive policy (the Slack work queue) from the template. */
export function workQueueSpec(template: CfnTemplate): WorkQueueSpec {
  const queues = Object.values(template.Resources).filter((r) => r.Type === 'AWS::SQS::Queue');
  const work = queues.find(
    (r) => r.Properties?.['FifoQueue'] === true && r.Properties?.['RedrivePolicy'] !== undefined,
  );
  if (!work) throw new Error('the template has no FIFO queue with a dead-letter queue (the Slack work queue)');
  const redrive = work.Properties?.['RedrivePolicy'] as { maxReceiveCount?: number };
  return {
    visibilityTimeoutSeconds: Number(work.Properties?.['VisibilityTimeout'] ?? 30),
    maxReceiveCount: Number(redrive.maxReceiveCount ?? 5),
    contentBasedDeduplication: work.Properties?.['ContentBasedDeduplication'] === true,
  };
}

/** Creates the queues on the fake; returns the work queue's URL and ARN. */
export function createWorkQueues(sqs: FakeSqs, spec: WorkQueueSpec): { url: string; arn: string } {
  const dlq = sqs.createQueue(LOCAL_WORK_QUEUE.deadLetterQueue, { FifoQueue: 'true' });
  return sqs.createQueue(LOCAL_WORK_QUEUE.name, {
    FifoQueue: 'true',
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.maxReceiveCount }),
    ...(spec.contentBasedDeduplication ? { ContentBasedDeduplication: 'true' } : {}),
  });
}

/** Attaches the real worker (loaded now: it reads its environment at load) to the work queue. */
export function attachWorker(sqs: FakeSqs): SqsEventSource {
  return attachEventSource(sqs, LOCAL_WORK_QUEUE.name, loadHandler<SqsHandler>('lambda/slack-bot/worker.ts'));
}
