/**
 * A batch from the FIFO work queue: jobs run in order per user; a failure holds back that user's later jobs (all
 * reported in batchItemFailures) but not other users'; each failure gets a growing backoff, or Slack's Retry-After.
 */
import { RetryableWorkError } from '../../lambda/slack-bot/click-work';
import { WorkRecord, backoffSeconds, processBatch } from '../../lambda/slack-bot/work-batch';
import { WorkJob } from '../../lambda/actions/work-jobs';
import { fixture } from './fixture';

const sqsEvent = fixture<{ Records: WorkRecord[] }>('sqs/fifo-event-slack-work.json');
const expectedFailures = fixture<{ batchItemFailures: { itemIdentifier: string }[] }>(
  'sqs/batch-item-failures-response.json',
);
const dm = (user: string, ts: string): string =>
  JSON.stringify({
    kind: 'dm_reply',
    user_id: user,
    channel_id: 'D07H3LQ8V2N',
    message_ts: ts,
    text: ts,
    event_id: `Ev${ts.replace('.', '')}`,
    received_at: '2026-11-26T14:27:03.000Z',
  });
const record = (id: string, user: string, body: string, receiveCount = 1): WorkRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body,
  attributes: { ApproximateReceiveCount: String(receiveCount), MessageGroupId: user },
});

describe('processBatch', () => {
  it("fails the fixture batch's first record and reports every later record of the group, as in the fixture response", async () => {
    // The fixture's bodies predate this worker's job schema (no session id, no DM text): both are unreadable here,
    // the first fails at once (no backoff: it goes to the DLQ path) and the second waits behind it.
    const ran: string[] = [];
    const delays: [string, number][] = [];
    const out = await processBatch(sqsEvent.Records, {
      maxReceiveCount: 5,
      run: async (job) => {
        ran.push(job.kind);
      },
      delay: async (r, s) => {
        delays.push([r.messageId, s]);
      },
    });
    expect(ran).toEqual([]);
    expect(out.batchItemFailures).toEqual(expectedFailures.batchItemFailures);
    expect(delays).toEqual([[sqsEvent.Records[0]?.messageId, 0]]);
  });

  it("reports a failed job and that user's later jobs, and still runs other users' jobs", async () => {
    const ran: string[] = [];
    const out = await processBatch(
      [
        record('a1', 'UA', dm('UA', '1.1')),
        record('b1', 'UB', dm('UB', '2.1')),
        record('a2', 'UA', dm('UA', '1.2')),
        record('b2', 'UB', dm('UB', '2.2')),
      ],
      {
        maxReceiveCount: 5,
        run: async (job: WorkJob) => {
          if (job.kind === 'dm_reply' && job.message_ts === '1.1') throw new Error('boom');
          if (job.kind === 'dm_reply') ran.push(job.message_ts);
        },
        delay: async () => undefined,
      },
    );
    expect(ran).toEqual(['2.1', '2.2']);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'a1' }, { itemIdentifier: 'a2' }]);
  });

  it('tells the job when it is the last delivery', async () => {
    const last: boolean[] = [];
    await processBatch([record('a', 'UA', dm('UA', '1.1'), 4), record('b', 'UB', dm('UB', '1.1'), 5)], {
      maxReceiveCount: 5,
      run: async (_job, lastAttempt) => {
        last.push(lastAttempt);
      },
      delay: async () => undefined,
    });
    expect(last).toEqual([false, true]);
  });
});

describe('backoffSeconds', () => {
  it('doubles from 2 s per delivery, up to 5 minutes', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffSeconds(n, new Error('x')))).toEqual([2, 4, 8, 16, 300]);
  });

  it("waits Slack's Retry-After when Slack gave one", () => {
    expect(backoffSeconds(1, new RetryableWorkError({ retry: true, code: 'ratelimited', retryAfterSeconds: 30 }))).toBe(
      30,
    );
  });
});
