/**
 * The answers by MessageSid on dynalite: a claim left by a request that died is taken over once stale, a duplicate
 * that keeps finding a fresh unanswered claim gives up as busy (Twilio's next retry gets the answer), and an answer
 * recorded by a request that took over stands. The clock is the store's own, moved by its `sleep`.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CLAIM_STALE_MS, SmsAnswerStore } from '../../lambda/actions/sms-answer-store';
import { dynamoDocumentClient } from '../../lambda/shared/clients';
import { LocalEnvironment, startLocalEnvironment } from '../../local/local-environment';

let env: LocalEnvironment;
let table: string;
let sid = 0;

beforeAll(async () => {
  env = await startLocalEnvironment();
  table = env.env['SMS_REPLIES_TABLE_NAME'] as string;
}, 60_000);
afterAll(async () => {
  await env?.close();
});

/** A store whose clock starts at `start` and moves only when it sleeps. */
function storeAt(db: DynamoDBDocumentClient, start: number, waitMs = 1_000) {
  let clock = start;
  return new SmsAnswerStore(db, table, {
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
    },
    waitMs,
    pollMs: 250,
  });
}
const nextSid = () => `SMstore${String(++sid).padStart(27, '0')}`;
const T0 = Date.parse('2026-11-26T14:05:12Z');

describe('SmsAnswerStore', () => {
  it('claims a new message once; the second claim finds the recorded answer', async () => {
    const messageSid = nextSid();
    const store = storeAt(env.db, T0);

    const first = await store.claim(messageSid);
    if (first.kind !== 'claimed') throw new Error('expected a claim');
    await store.answer(messageSid, first.claimedAt, '<Response/>');

    expect(await store.claim(messageSid)).toEqual({ kind: 'answered', twiml: '<Response/>' });
  });

  it('takes over a claim left unanswered for longer than the stale time, and its answer stands', async () => {
    const messageSid = nextSid();
    await env.db.send(
      new PutCommand({
        TableName: table,
        Item: { message_sid: messageSid, claimed_at: T0 - CLAIM_STALE_MS - 1, expires_at: 0 },
      }),
    );
    const store = storeAt(env.db, T0);

    const claim = await store.claim(messageSid);
    if (claim.kind !== 'claimed') throw new Error(`expected a take-over, got ${claim.kind}`);
    const standing = await store.answer(messageSid, claim.claimedAt, '<Response><Message>x</Message></Response>');

    expect(standing).toBe('<Response><Message>x</Message></Response>');
    const item = (
      await env.db.send(new GetCommand({ TableName: table, Key: { message_sid: messageSid }, ConsistentRead: true }))
    ).Item;
    expect(item).toMatchObject({ claimed_at: T0, twiml: standing });
  });

  it('gives up as busy when another request holds a fresh claim past the wait, and the holder still answers', async () => {
    const messageSid = nextSid();
    const holder = storeAt(env.db, T0);
    const held = await holder.claim(messageSid);
    if (held.kind !== 'claimed') throw new Error('expected a claim');

    expect(await storeAt(env.db, T0 + 1_000, 2_000).claim(messageSid)).toEqual({ kind: 'busy' });
    expect(await holder.answer(messageSid, held.claimedAt, '<Response/>')).toBe('<Response/>');
  });

  it('lets a released claim be taken at once, and keeps the late answer of the released request out', async () => {
    const messageSid = nextSid();
    const first = storeAt(env.db, T0);
    const claim = await first.claim(messageSid);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await first.release(messageSid, claim.claimedAt);

    const retry = storeAt(env.db, T0 + 500);
    const again = await retry.claim(messageSid);
    if (again.kind !== 'claimed') throw new Error(`expected the retry to claim, got ${again.kind}`);
    await retry.answer(messageSid, again.claimedAt, '<Response><Message>retry</Message></Response>');

    expect(await first.answer(messageSid, claim.claimedAt, '<Response><Message>late</Message></Response>')).toBe(
      '<Response><Message>retry</Message></Response>',
    );
  });

  it.each([
    ['a new message', false],
    ['a stale claim taken over', true],
  ])(
    'holds its own claim when DynamoDB carried it out but the answer was lost (the SDK retries): %s',
    async (_case, stale) => {
      const messageSid = nextSid();
      if (stale)
        await env.db.send(
          new PutCommand({
            TableName: table,
            Item: { message_sid: messageSid, claimed_at: T0 - CLAIM_STALE_MS - 1, expires_at: 0 },
          }),
        );
      // Through the fault proxy, with a short request timeout: the first attempt's write lands, its answer never comes.
      const db = dynamoDocumentClient({ maxAttempts: 2, requestTimeoutMs: 300 });
      env.dynamoFaults.fail(stale ? 'UpdateItem' : 'PutItem', { kind: 'accepted_then_timeout', times: 1 });

      const claim = await storeAt(db, T0).claim(messageSid);

      expect(claim.kind).toBe('claimed');
      if (claim.kind === 'claimed')
        expect(await storeAt(db, T0).answer(messageSid, claim.claimedAt, '<Response/>')).toBe('<Response/>');
    },
  );
});
