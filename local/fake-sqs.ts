/**
 * A fake Amazon SQS on loopback for the real `@aws-sdk/client-sqs` (AWS JSON 1.0 protocol,
 * `X-Amz-Target: AmazonSQS.<Operation>`): CreateQueue, GetQueueUrl, SendMessage, ReceiveMessage, DeleteMessage,
 * ChangeMessageVisibility, GetQueueAttributes, PurgeQueue. Queues behave as SQS documents them where the project
 * relies on it: FIFO order per message group (a group with a message in flight delivers nothing else), a
 * deduplication id remembered for five minutes, visibility timeouts, `maxReceiveCount` moving a message to its
 * dead-letter queue, and `MD5OfMessageBody` in every answer (the SDK checks it). Time is the system clock plus an
 * offset that {@link FakeSqs.advance} moves, so tests can let visibility timeouts pass without sleeping.
 * The queues themselves are `sqs-queues.ts`; `sqs-event-source.ts` delivers a queue to a Lambda handler the way an
 * event source mapping does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applyFailure,
  FailurePlan,
  type FailureSpec,
  type FakeHttpServer,
  readBody,
  sendJson,
  startHttpServer,
} from './fake-http';
import {
  createQueueStore,
  type FakeQueue,
  type FakeSqsMessage,
  inFlight,
  SqsError,
  systemAttributes,
} from './sqs-queues';

export { DEDUP_WINDOW_MS, type FakeQueue, type FakeSqsMessage, systemAttributes } from './sqs-queues';

/** One API call as received. */
export interface FakeSqsRequest {
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** The running fake. */
export interface FakeSqs extends FakeHttpServer {
  readonly requests: readonly FakeSqsRequest[];
  /** Creates (or returns) a queue; `RedrivePolicy` as SQS takes it. */
  createQueue(name: string, attributes?: Readonly<Record<string, string>>): FakeQueue;
  /** A queue by name or URL. */
  queue(nameOrUrl: string): FakeQueue;
  /** The fake's clock (ms). */
  now(): number;
  /** Moves the fake's clock forward. */
  advance(ms: number): void;
  /** Takes up to `max` visible messages (FIFO rules, redrive), making them invisible for the visibility timeout. */
  receive(queue: FakeQueue, max: number): FakeSqsMessage[];
  /** Deletes a message by its current receipt handle; false when the handle is stale. */
  delete(queue: FakeQueue, receiptHandle: string): boolean;
  /** Fails the next request(s) to an operation (`SendMessage`) or `*`. */
  fail(operation: string, spec: FailureSpec): void;
  /** Empties every queue, forgets requests and failures (queues stay). */
  reset(): void;
}

/** The legacy query-protocol codes SQS sends in `x-amzn-query-error` (the SDK names errors after them). */
const QUERY_CODES: Readonly<Record<string, string>> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
};

/** Starts the fake on 127.0.0.1. */
export async function startFakeSqs(options: { readonly region?: string } = {}): Promise<FakeSqs> {
  const region = options.region ?? 'us-east-1';
  const requests: FakeSqsRequest[] = [];
  const plan = new FailurePlan<FailureSpec>();
  let offset = 0;
  const now = () => Date.now() + offset;
  let baseUrl = '';
  const { queues, createQueue, queueOf, send, receive, byHandle } = createQueueStore({
    region,
    baseUrl: () => baseUrl,
    now,
  });

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    CreateQueue: (input) => ({
      QueueUrl: createQueue(String(input['QueueName']), (input['Attributes'] ?? {}) as Record<string, string>).url,
    }),
    GetQueueUrl: (input) => ({ QueueUrl: queueOf(input['QueueName']).url }),
    SendMessage: (input) => send(queueOf(input['QueueUrl']), input),
    ReceiveMessage: (input) => {
      const queue = queueOf(input['QueueUrl']);
      const messages = receive(queue, Math.min(Number(input['MaxNumberOfMessages'] ?? 1), 10));
      return {
        Messages: messages.map((m) => ({
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: m.md5OfBody,
          Body: m.body,
          Attributes: systemAttributes(m),
        })),
      };
    },
    DeleteMessage: (input) => {
      const queue = queueOf(input['QueueUrl']);
      const message = byHandle(queue, input['ReceiptHandle']);
      if (message) queue.messages.splice(queue.messages.indexOf(message), 1);
      return {};
    },
    ChangeMessageVisibility: (input) => {
      const queue = queueOf(input['QueueUrl']);
      const message = byHandle(queue, input['ReceiptHandle']);
      if (!message || !inFlight(message, now()))
        throw new SqsError('MessageNotInflight', 'The message referred to is not in flight.');
      const seconds = Number(input['VisibilityTimeout']);
      if (!(seconds >= 0 && seconds <= 43_200))
        throw new SqsError(
          'InvalidParameterValue',
          `VisibilityTimeout must be 0..43200, got ${String(input['VisibilityTimeout'])}`,
        );
      message.visibleAt = now() + seconds * 1000;
      return {};
    },
    GetQueueAttributes: (input) => {
      const queue = queueOf(input['QueueUrl']);
      const at = now();
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.visibleAt <= at).length),
          ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => m.visibleAt > at).length),
          QueueArn: queue.arn,
          FifoQueue: String(queue.fifo),
          VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
        },
      };
    },
    PurgeQueue: (input) => {
      queueOf(input['QueueUrl']).messages.length = 0;
      return {};
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    const text = await readBody(req);
    const input = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    requests.push({ operation, input });
    const failure = plan.take(operation);
    if (failure) {
      applyFailure(res, failure, (status) => ({
        body: {
          __type: status >= 500 ? 'com.amazonaws.sqs#InternalError' : 'com.amazonaws.sqs#RequestThrottled',
          message: 'injected failure',
        },
      }));
      return;
    }
    const run = operations[operation];
    try {
      if (!run)
        throw new SqsError('InvalidAction', `The action ${operation || '(none)'} is not valid for this endpoint.`);
      sendJson(res, 200, run(input), { 'content-type': 'application/x-amz-json-1.0' });
    } catch (error) {
      const e =
        error instanceof SqsError
          ? error
          : new SqsError('InternalError', error instanceof Error ? error.message : String(error), 500);
      sendJson(
        res,
        e.status,
        { __type: `com.amazonaws.sqs#${e.code}`, message: e.message },
        {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-query-error': `${QUERY_CODES[e.code] ?? e.code};${e.status >= 500 ? 'Receiver' : 'Sender'}`,
        },
      );
    }
  };

  const server = await startHttpServer(handle);
  baseUrl = server.url;
  return {
    ...server,
    requests,
    createQueue,
    queue: queueOf,
    now,
    advance: (ms) => {
      offset += ms;
    },
    receive,
    delete: (queue, receiptHandle) => {
      const message = byHandle(queue, receiptHandle);
      if (!message) return false;
      queue.messages.splice(queue.messages.indexOf(message), 1);
      return true;
    },
    fail: (operation, spec) => plan.add(operation, spec),
    reset: () => {
      for (const queue of queues.values()) {
        queue.messages.length = 0;
        queue.dedup.clear();
      }
      requests.length = 0;
      plan.clear();
    },
  };
}
