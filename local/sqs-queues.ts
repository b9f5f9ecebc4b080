/**
 * The queues of the SQS stand-in and how SQS treats their messages: FIFO order per message group (a group with a
 * message in flight delivers nothing else), a deduplication id remembered for five minutes, delays, visibility
 * timeouts, and `maxReceiveCount` moving a message to its dead-letter queue. `fake-sqs.ts` serves them over the AWS
 * JSON 1.0 protocol.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

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
  /** A FIFO queue's messages without a deduplication id are deduplicated on a SHA-256 of the body. */
  readonly contentBasedDeduplication: boolean;
  visibilityTimeoutSeconds: number;
  /** Redrive: after this many receives the next one moves the message to `deadLetterQueue` instead. */
  redrive?: { readonly deadLetterQueue: string; readonly maxReceiveCount: number };
  readonly messages: FakeSqsMessage[];
  readonly dedup: Map<string, { messageId: string; at: number }>;
}

/** An SQS error: its code (the JSON protocol's `__type` without namespace) and HTTP status. */
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** Whether a message is currently delivered and not yet visible again. */
export function inFlight(message: FakeSqsMessage, now: number): boolean {
  return message.receiptHandle !== undefined && message.visibleAt > now;
}

/** What the queues need from the server: its region, its base URL (known once it listens) and its clock (ms). */
export interface QueueStoreOptions {
  readonly region: string;
  readonly baseUrl: () => string;
  readonly now: () => number;
}

/** The queues, by name, and SQS's operations on them. */
export interface QueueStore {
  readonly queues: Map<string, FakeQueue>;
  /** Creates (or returns) a queue; `RedrivePolicy` as SQS takes it. */
  createQueue(name: string, attributes?: Readonly<Record<string, string>>): FakeQueue;
  /** A queue by name or URL; `QueueDoesNotExist` otherwise. */
  queueOf(nameOrUrl: unknown): FakeQueue;
  /** SendMessage's checks and deduplication; SendMessage's answer. */
  send(queue: FakeQueue, input: Record<string, unknown>): Record<string, string>;
  /** Takes up to `max` visible messages (FIFO rules, redrive), making them invisible for the visibility timeout. */
  receive(queue: FakeQueue, max: number): FakeSqsMessage[];
  /** The message currently delivered under this receipt handle. */
  byHandle(queue: FakeQueue, handle: unknown): FakeSqsMessage | undefined;
}

/** An empty set of queues. */
export function createQueueStore(options: QueueStoreOptions): QueueStore {
  const queues = new Map<string, FakeQueue>();
  const { now } = options;
  let sequence = 18_901_654_937_261_458_176n;

  const createQueue = (name: string, attributes: Readonly<Record<string, string>> = {}): FakeQueue => {
    const existing = queues.get(name);
    if (existing) return existing;
    const fifo = name.endsWith('.fifo');
    if (fifo !== (attributes['FifoQueue'] === 'true' || fifo))
      throw new SqsError('InvalidParameterValue', 'a FIFO queue name must end with .fifo');
    const redrive = attributes['RedrivePolicy']
      ? (JSON.parse(attributes['RedrivePolicy']) as { deadLetterTargetArn: string; maxReceiveCount: number | string })
      : undefined;
    const queue: FakeQueue = {
      name,
      url: `${options.baseUrl()}/${FAKE_SQS_ACCOUNT}/${name}`,
      arn: `arn:aws:sqs:${options.region}:${FAKE_SQS_ACCOUNT}:${name}`,
      fifo,
      contentBasedDeduplication: fifo && attributes['ContentBasedDeduplication'] === 'true',
      visibilityTimeoutSeconds: Number(attributes['VisibilityTimeout'] ?? 30),
      ...(redrive
        ? {
            redrive: {
              deadLetterQueue: redrive.deadLetterTargetArn.split(':').pop() ?? '',
              maxReceiveCount: Number(redrive.maxReceiveCount),
            },
          }
        : {}),
      messages: [],
      dedup: new Map(),
    };
    queues.set(name, queue);
    return queue;
  };
  const queueOf = (nameOrUrl: unknown): FakeQueue => {
    const name = typeof nameOrUrl === 'string' ? (nameOrUrl.split('/').pop() ?? '') : '';
    const queue = queues.get(name);
    if (!queue) throw new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${String(nameOrUrl)}`);
    return queue;
  };

  const send = (queue: FakeQueue, input: Record<string, unknown>) => {
    const body = input['MessageBody'];
    if (typeof body !== 'string' || body.length === 0)
      throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    if (Buffer.byteLength(body) > 256 * 1024)
      throw new SqsError('InvalidParameterValue', 'Message must be shorter than 262144 bytes.');
    const groupId = input['MessageGroupId'] as string | undefined;
    const dedupId =
      (input['MessageDeduplicationId'] as string | undefined) ??
      (queue.contentBasedDeduplication ? createHash('sha256').update(body).digest('hex') : undefined);
    if (queue.fifo && !groupId)
      throw new SqsError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
    if (queue.fifo && !dedupId)
      throw new SqsError(
        'InvalidParameterValue',
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      );
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
    return {
      MessageId: message.messageId,
      MD5OfMessageBody: md5OfBody,
      ...(message.sequenceNumber ? { SequenceNumber: message.sequenceNumber } : {}),
    };
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

  const byHandle = (queue: FakeQueue, handle: unknown) =>
    queue.messages.find((m) => m.receiptHandle !== undefined && m.receiptHandle === handle);

  return { queues, createQueue, queueOf, send, receive, byHandle };
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
