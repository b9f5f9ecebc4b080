/**
 * The claims of request identities on dynalite, in the table the stack gives the webhook (the SMS answers table):
 * once per identity until it expires, the SDK's retry of a claim finds its own, a claim given back can be taken
 * again, and giving back someone else's claim does nothing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRequestClaims, MAX_CLAIM_KEY_BYTES } from '../../lambda/shared/request-claims';
import { LocalEnvironment, startLocalEnvironment } from '../../local/local-environment';

let env: LocalEnvironment;
let table: string;
let n = 0;

beforeAll(async () => {
  env = await startLocalEnvironment();
  table = env.env['INTERACTION_CLAIMS_TABLE_NAME'] as string;
}, 60_000);
afterAll(async () => {
  await env?.close();
});

const T0 = Date.parse('2026-11-26T14:05:12Z');
const nextKey = () => `slack#action#T05QX8K2M7N#U024BE7LH#start_prep#${++n}.1.abc`;

/** Claims whose clock reads `clock.at`. */
function claimsAt(clock: { at: number }) {
  return new DynamoRequestClaims(env.db, table, {
    keyAttribute: 'message_sid',
    ttlSeconds: 660,
    now: () => new Date(clock.at),
  });
}

describe('DynamoRequestClaims', () => {
  it('is the webhook’s table: the SMS answers table', () => {
    expect(table).toBe(env.env['SMS_REPLIES_TABLE_NAME']);
  });

  it('claims an identity once; another request finds it taken; the same request’s retry finds its own', async () => {
    const claims = claimsAt({ at: T0 });
    const key = nextKey();

    expect(await claims.claim(key, 'first')).toBe(true);
    expect(await claims.claim(key, 'second')).toBe(false);
    expect(await claims.claim(key, 'first')).toBe(true);
    const item = await env.db.send(
      new GetCommand({ TableName: table, Key: { message_sid: key }, ConsistentRead: true }),
    );
    expect(item.Item).toEqual({
      message_sid: key,
      claim_id: 'first',
      claimed_at: new Date(T0).toISOString(),
      expires_at: Math.floor(T0 / 1000) + 660,
    });
  });

  it('an expired claim (the TTL deletes lazily) counts as absent', async () => {
    const clock = { at: T0 };
    const claims = claimsAt(clock);
    const key = nextKey();
    await claims.claim(key, 'first');

    clock.at += 659_000;
    expect(await claims.claim(key, 'second')).toBe(false);
    clock.at += 1_000;
    expect(await claims.claim(key, 'second')).toBe(true);
  });

  it('a claim given back can be taken again; giving back another’s claim does nothing', async () => {
    const claims = claimsAt({ at: T0 });
    const key = nextKey();
    await claims.claim(key, 'first');

    await claims.release(key, 'someone-else');
    expect(await claims.claim(key, 'second')).toBe(false);
    await claims.release(key, 'first');
    expect(await claims.claim(key, 'second')).toBe(true);
    await claims.release(nextKey(), 'never-claimed');
  });

  it('refuses an empty key or one over DynamoDB’s limit before writing', async () => {
    const claims = claimsAt({ at: T0 });

    await expect(claims.claim('', 'x')).rejects.toThrow(RangeError);
    await expect(claims.claim(`slack#${'a'.repeat(MAX_CLAIM_KEY_BYTES)}`, 'x')).rejects.toThrow(RangeError);
  });
});
