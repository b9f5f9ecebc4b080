/** Hands work to the worker: SQS FIFO `SendMessage`, grouped by user, deduplicated on the interaction's id. */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { WorkJob, sqsId, workJobSchema } from './work-jobs';

/** Queues work for after the answer. */
export interface WorkQueue {
  /**
   * Queues one job in the user's group.
   * @param dedupId - the Slack interaction's own id (trigger_id, event_id): a repeat within five minutes is dropped
   */
  enqueue(job: WorkJob, dedupId: string): Promise<void>;
}

/** {@link WorkQueue} over SQS (`AWS_ENDPOINT_URL_SQS` points it at the local fake). */
export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(job: WorkJob, dedupId: string): Promise<void> {
    // Validated on the way in too: a job the worker would refuse is a bug here, not a poison message there.
    const body = JSON.stringify(workJobSchema.parse(job));
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageGroupId: sqsId(job.user_id),
        MessageDeduplicationId: sqsId(`${job.kind}:${dedupId}`),
      }),
    );
  }
}
