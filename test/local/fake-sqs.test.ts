/**
 * The SQS fake through the real `@aws-sdk/client-sqs` (JSON 1.0 protocol, MD5 checks), and its event source
 * mapping: FIFO order per message group, deduplication for five minutes, redelivery after a failure, partial batch
 * responses, and the dead-letter queue after maxReceiveCount.
 */
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { DEDUP_WINDOW_MS, type FakeSqs, startFakeSqs } from '../../local/fake-sqs';
import { attachEventSource } from '../../local/sqs-event-source';

let sqs: FakeSqs;
let client: SQSClient;
let url: string;
let dlqUrl: string;

beforeAll(async () => {
  sqs = await startFakeSqs();
  client = new SQSClient({
    endpoint: sqs.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await sqs.close();
});

let n = 0;
beforeEach(() => {
  n += 1;
  const dlq = sqs.createQueue(`work-${n}-dlq.fifo`, { FifoQueue: 'true' });
  dlqUrl = dlq.url;
  url = sqs.createQueue(`work-${n}.fifo`, {
    FifoQueue: 'true',
    VisibilityTimeout: '30',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
  }).url;
});

const send = (body: string, group: string, dedup: string) =>
  client.send(
    new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }),
  );
const bodies = (event: SQSEvent) => event.Records.map((r) => r.body);

describe('the API, through the real SDK', () => {
  it('sends and receives with the MD5 of the body the SDK checks, then deletes', async () => {
    const sent = await send('{"kind":"dm_reply"}', 'U1', 'd-1');
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('{"kind":"dm_reply"}').digest('hex'));
    expect(sent.SequenceNumber).toMatch(/^\d+$/);

    const received = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(['{"kind":"dm_reply"}']);
    expect(received.Messages?.[0]?.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      MessageGroupId: 'U1',
      MessageDeduplicationId: 'd-1',
    });

    await client.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: received.Messages?.[0]?.ReceiptHandle }),
    );
    const attributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(attributes.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('refuses a FIFO message without a group id, and an unknown queue, with SQS error names', async () => {
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })),
    ).rejects.toMatchObject({ name: 'MissingParameter' });
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: `${sqs.url}/123456789012/nope.fifo`, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('drops a repeated deduplication id within five minutes, and accepts it after', async () => {
    const first = await send('a', 'U1', 'same');
    const again = await send('a', 'U1', 'same');
    expect(again.MessageId).toBe(first.MessageId);
    expect(sqs.queue(url).messages).toHaveLength(1);

    sqs.advance(DEDUP_WINDOW_MS + 1000);
    await send('a', 'U1', 'same');
    expect(sqs.queue(url).messages).toHaveLength(2);
  });

  it('delivers nothing more of a group while one of its messages is in flight; other groups go on', async () => {
    await send('u1-a', 'U1', '1');
    await send('u1-b', 'U1', '2');
    await send('u2-a', 'U2', '3');

    const first = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
    const second = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));

    expect(first.Messages?.map((m) => m.Body)).toEqual(['u1-a']);
    expect(second.Messages?.map((m) => m.Body)).toEqual(['u2-a']);
  });

  it('ChangeMessageVisibility re-times an in-flight message, and refuses a stale receipt handle', async () => {
    await send('x', 'U1', '1');
    const received = await client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const handle = received.Messages?.[0]?.ReceiptHandle;
    await client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toHaveLength(1);
    await expect(
      client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 5 })),
    ).rejects.toMatchObject({ name: 'MessageNotInflight' });
  });

  it('fails on demand (every attempt of the SDK)', async () => {
    sqs.fail('SendMessage', { kind: 'status', status: 500, times: 3 });
    await expect(send('x', 'U1', 'f')).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });
});

describe('the event source mapping', () => {
  it('delivers each group in order, batches of up to ten, and deletes what succeeded', async () => {
    for (const [i, group] of ['U1', 'U2', 'U1', 'U2', 'U1'].entries()) await send(`${group}-${i}`, group, `m-${i}`);
    const seen: string[][] = [];

    const report = await attachEventSource(sqs, url.split('/').pop() ?? '', async (event) => {
      seen.push(bodies(event));
    }).drain();

    expect(seen).toEqual([['U1-0', 'U2-1', 'U1-2', 'U2-3', 'U1-4']]);
    expect(report.invocations[0]?.failed).toEqual([]);
    expect(sqs.queue(url).messages).toHaveLength(0);
  });

  it('redelivers only the reported failures after their visibility timeout, with a higher receive count', async () => {
    await send('ok', 'U1', '1');
    await send('flaky', 'U2', '2');
    const counts: string[] = [];

    const report = await attachEventSource(sqs, url.split('/').pop() ?? '', async (event) => {
      const flaky = event.Records.find((r) => r.body === 'flaky');
      if (flaky) counts.push(flaky.attributes.ApproximateReceiveCount);
      return { batchItemFailures: flaky && counts.length < 2 ? [{ itemIdentifier: flaky.messageId }] : [] };
    }).drain();

    expect(report.invocations.map((i) => i.messageIds.length)).toEqual([2, 1]);
    expect(counts).toEqual(['1', '2']);
    expect(report.invocations[1]?.at).toBeGreaterThanOrEqual((report.invocations[0]?.at ?? 0) + 30_000);
  });

  it('a handler that throws fails the whole batch; after maxReceiveCount the message goes to the dead-letter queue', async () => {
    await send('poison', 'U1', '1');

    const report = await attachEventSource(sqs, url.split('/').pop() ?? '', async () => {
      throw new Error('always');
    }).drain();

    expect(report.invocations).toHaveLength(3);
    expect(report.deadLettered).toBe(1);
    expect(sqs.queue(dlqUrl).messages.map((m) => m.body)).toEqual(['poison']);
  });

  it('a failure id not in the batch fails the whole batch, as Lambda does', async () => {
    await send('a', 'U1', '1');
    let calls = 0;

    await attachEventSource(sqs, url.split('/').pop() ?? '', async () => {
      calls += 1;
      return { batchItemFailures: calls === 1 ? [{ itemIdentifier: 'not-in-this-batch' }] : [] };
    }).drain();

    expect(calls).toBe(2);
  });
});
