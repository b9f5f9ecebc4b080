/**
 * A fake Amazon SQS on loopback for the real `@aws-sdk/client-sqs` (AWS JSON 1.0 protocol,
 * `X-Amz-Target: AmazonSQS.<Operation>`): CreateQueue, GetQueueUrl, SendMessage, ReceiveMessage, DeleteMessage,
 * ChangeMessageVisibility, GetQueueAttributes, PurgeQueue. Queues behave as SQS documents them where the project
 * relies on it: FIFO order per message group (a group with a message in flight delivers nothing else), a
 * deduplication id remembered for five minutes, visibility timeouts, `maxReceiveCount` moving a message to its
 * dead-letter queue, and `MD5OfMessageBody` in every answer (the SDK checks it). Time is the system clock plus an
 * offset that {@link FakeSqs.advance} moves, so tests can let visibility timeouts pass without sleeping.
 * `sqs-event-source.ts` delivers a queue to a Lambda handler the way an event source mapping does.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFailure, FailurePlan, type FailureSpec, type FakeHttpServer, readBody, sendJson, startHttpServer } from './fake-http';

/** The account id in queue URLs and ARNs. */
export const FAKE_SQS_ACCOUNT = '123456789012';
/** How long SQS remembers a deduplication id. */
export const DEDUP_WINDOW_MS = 5 * 60_000;

/** A message as the fake keeps it. */
export interface FakeSqsMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly sequenceNumber?: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Invisible until this instant (fake clock, ms). */
  visibleAt: number;
  /** The receipt handle of the current delivery, if in flight. */
  receiptHandle?: string;
}

/** A queue's settings and contents. */
export interface FakeQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  visibilityTimeoutSeconds: number;
  /** Redrive: after this many receives the next one moves the message to `deadLetterQueue` instead. */
  redrive?: { readonly deadLetterQueue: string; readonly maxReceiveCount: number };
  readonly messages: FakeSqsMessage[];
  readonly dedup: Map<string, { messageId: string; at: number }>;
}

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

class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The legacy query-protocol codes SQS sends in `x-amzn-query-error` (the SDK names errors after them). */
const QUERY_CODES: Readonly<Record<string, string>> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
};

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

function inFlight(message: FakeSqsMessage, now: number): boolean {
  return message.receiptHandle !== undefined && message.visibleAt > now;
}

/** Starts the fake on 127.0.0.1. */
export async function startFakeSqs(options: { readonly region?: string } = {}): Promise<FakeSqs> {
  const region = options.region ?? 'us-east-1';
  const queues = new Map<string, FakeQueue>();
  const requests: FakeSqsRequest[] = [];
  const plan = new FailurePlan<FailureSpec>();
  let offset = 0;
  let sequence = 18_901_654_937_261_458_176n;
  const now = () => Date.now() + offset;
  let baseUrl = '';

  const createQueue = (name: string, attributes: Readonly<Record<string, string>> = {}): FakeQueue => {
    const existing = queues.get(name);
    if (existing) return existing;
    const fifo = name.endsWith('.fifo');
    if (fifo !== (attributes['FifoQueue'] === 'true' || fifo)) throw new SqsError('InvalidParameterValue', 'a FIFO queue name must end with .fifo');
    const redrive = attributes['RedrivePolicy'] ? (JSON.parse(attributes['RedrivePolicy']) as { deadLetterTargetArn: string; maxReceiveCount: number | string }) : undefined;
    const queue: FakeQueue = {
      name,
      url: `${baseUrl}/${FAKE_SQS_ACCOUNT}/${name}`,
      arn: `arn:aws:sqs:${region}:${FAKE_SQS_ACCOUNT}:${name}`,
      fifo,
      visibilityTimeoutSeconds: Number(attributes['VisibilityTimeout'] ?? 30),
      ...(redrive ? { redrive: { deadLetterQueue: redrive.deadLetterTargetArn.split(':').pop() ?? '', maxReceiveCount: Number(redrive.maxReceiveCount) } } : {}),
      messages: [],
      dedup: new Map(),
    };
    queues.set(name, queue);
    return queue;
  };
  const queueOf = (nameOrUrl: unknown): FakeQueue => {
    const name = typeof nameOrUrl === 'string' ? nameOrUrl.split('/').pop() ?? '' : '';
    const queue = queues.get(name);
    if (!queue) throw new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${String(nameOrUrl)}`);
    return queue;
  };

  const send = (queue: FakeQueue, input: Record<string, unknown>) => {
    const body = input['MessageBody'];
    if (typeof body !== 'string' || body.length === 0) throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    if (Buffer.byteLength(body) > 256 * 1024) throw new SqsError('InvalidParameterValue', 'Message must be shorter than 262144 bytes.');
    const groupId = input['MessageGroupId'] as string | undefined;
    const dedupId = input['MessageDeduplicationId'] as string | undefined;
    if (queue.fifo && !groupId) throw new SqsError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
    if (queue.fifo && !dedupId) throw new SqsError('InvalidParameterValue', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    const at = now();
    const md5OfBody = md5(body);
    if (queue.fifo && dedupId) {
      const seen = queue.dedup.get(dedupId);
      if (seen && at - seen.at < DEDUP_WINDOW_MS) return { MessageId: seen.messageId, MD5OfMessageBody: md5OfBody };
    }
    sequence += 1n;
    const message: FakeSqsMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody,
      ...(groupId ? { groupId } : {}),
      ...(dedupId ? { dedupId } : {}),
      ...(queue.fifo ? { sequenceNumber: sequence.toString() } : {}),
      sentAt: at,
      receiveCount: 0,
      visibleAt: at + Number(input['DelaySeconds'] ?? 0) * 1000,
    };
    queue.messages.push(message);
    if (queue.fifo && dedupId) queue.dedup.set(dedupId, { messageId: message.messageId, at });
    return { MessageId: message.messageId, MD5OfMessageBody: md5OfBody, ...(message.sequenceNumber ? { SequenceNumber: message.sequenceNumber } : {}) };
  };

  const receive = (queue: FakeQueue, max: number): FakeSqsMessage[] => {
    const at = now();
    const blocked = new Set(queue.fifo ? queue.messages.filter((m) => inFlight(m, at)).map((m) => m.groupId) : []);
    const taken: FakeSqsMessage[] = [];
    for (const message of [...queue.messages]) {
      if (taken.length >= max) break;
      if (queue.fifo && blocked.has(message.groupId)) continue;
      if (message.visibleAt > at) {
        // A FIFO group delivers in order: a message waiting out its delay holds back the ones behind it.
        if (queue.fifo) blocked.add(message.groupId);
        continue;
      }
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        queue.messages.splice(queue.messages.indexOf(message), 1);
        const dlq = queues.get(queue.redrive.deadLetterQueue);
        if (dlq) dlq.messages.push({ ...message, receiptHandle: undefined, visibleAt: at });
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= at;
      message.visibleAt = at + queue.visibilityTimeoutSeconds * 1000;
      message.receiptHandle = randomBytes(24).toString('base64');
      taken.push(message);
    }
    return taken;
  };

  const byHandle = (queue: FakeQueue, handle: unknown) => queue.messages.find((m) => m.receiptHandle !== undefined && m.receiptHandle === handle);

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    CreateQueue: (input) => ({ QueueUrl: createQueue(String(input['QueueName']), (input['Attributes'] ?? {}) as Record<string, string>).url }),
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
      if (!message || !inFlight(message, now())) throw new SqsError('MessageNotInflight', 'The message referred to is not in flight.');
      const seconds = Number(input['VisibilityTimeout']);
      if (!(seconds >= 0 && seconds <= 43_200)) throw new SqsError('InvalidParameterValue', `VisibilityTimeout must be 0..43200, got ${String(input['VisibilityTimeout'])}`);
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
      applyFailure(res, failure, (status) => ({ body: { __type: status >= 500 ? 'com.amazonaws.sqs#InternalError' : 'com.amazonaws.sqs#RequestThrottled', message: 'injected failure' } }));
      return;
    }
    const run = operations[operation];
    try {
      if (!run) throw new SqsError('InvalidAction', `The action ${operation || '(none)'} is not valid for this endpoint.`);
      sendJson(res, 200, run(input), { 'content-type': 'application/x-amz-json-1.0' });
    } catch (error) {
      const e = error instanceof SqsError ? error : new SqsError('InternalError', error instanceof Error ? error.message : String(error), 500);
      sendJson(res, e.status, { __type: `com.amazonaws.sqs#${e.code}`, message: e.message }, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': `${QUERY_CODES[e.code] ?? e.code};${e.status >= 500 ? 'Receiver' : 'Sender'}`,
      });
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

/** The system attributes SQS gives a received message (the event source mapping passes them on). */
export function systemAttributes(m: FakeSqsMessage): Record<string, string> {
  return {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentAt),
    SenderId: 'AROA5QX7K2M9NVB3TYHDE:local',
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
    ...(m.sequenceNumber ? { SequenceNumber: m.sequenceNumber } : {}),
    ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
    ...(m.dedupId ? { MessageDeduplicationId: m.dedupId } : {}),
  };
}
