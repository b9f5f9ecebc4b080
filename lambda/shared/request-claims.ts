/**
 * One-time claims of request identities, so a request replayed while its signature is still accepted acts no second
 * time: before acting, the request puts its identity with a conditional write; a second request with the same
 * identity finds it taken. One small item per claim: the key, `claim_id` (this request's own id), `claimed_at` and
 * `expires_at` (epoch seconds, the table's TTL attribute). DynamoDB deletes expired items lazily, so an expired claim
 * counts as absent. A request that fails gives its claim back, so a retry of it acts.
 *
 * Each claim carries the request's own `claim_id`, and the put's condition holds for that id too: the SDK's retry of a
 * put DynamoDB carried out but whose answer was lost finds its own claim, not another request's; and a request whose
 * claim failed midway can give back what it may have written.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from './dynamo-guard';

/** DynamoDB's limit on a partition key value, in bytes. */
export const MAX_CLAIM_KEY_BYTES = 2048;

/** Claims request identities. */
export interface RequestClaims {
  /**
   * Claims `key` for the request whose own id is `claimId`: true when it holds the claim now (a retry of the same
   * call finds its own claim and says true), false when another request holds it (a replay). Throws what DynamoDB
   * threw (a transient failure as `TransientDataError`).
   */
  claim(key: string, claimId: string): Promise<boolean>;
  /**
   * Gives the claim back (the request failed), so a retry of it may act. Does nothing when `claimId` does not hold
   * it (never claimed, expired and taken by another).
   */
  release(key: string, claimId: string): Promise<void>;
}

/** Options of {@link DynamoRequestClaims}. */
export interface DynamoRequestClaimsOptions {
  /** The table's partition key attribute. */
  readonly keyAttribute: string;
  /** How long a claim holds, in seconds. */
  readonly ttlSeconds: number;
  readonly now: () => Date;
}

/** {@link RequestClaims} in a DynamoDB table with a TTL on `expires_at`. */
export class DynamoRequestClaims implements RequestClaims {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoRequestClaimsOptions,
  ) {}

  async claim(key: string, claimId: string): Promise<boolean> {
    if (key === '' || Buffer.byteLength(key, 'utf8') > MAX_CLAIM_KEY_BYTES)
      throw new RangeError(`a claim key must be 1 to ${MAX_CLAIM_KEY_BYTES} bytes`);
    const now = this.options.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const { keyAttribute } = this.options;
    const put = await conditionalWrite('PutItem request claim', () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [keyAttribute]: key,
            claim_id: claimId,
            claimed_at: now.toISOString(),
            expires_at: nowSeconds + this.options.ttlSeconds,
          },
          ConditionExpression: 'attribute_not_exists(#key) OR expires_at <= :now OR claim_id = :mine',
          ExpressionAttributeNames: { '#key': keyAttribute },
          ExpressionAttributeValues: { ':now': nowSeconds, ':mine': claimId },
        }),
      ),
    );
    return put.written;
  }

  async release(key: string, claimId: string): Promise<void> {
    await conditionalWrite('DeleteItem request claim', () =>
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [this.options.keyAttribute]: key },
          ConditionExpression: 'claim_id = :mine',
          ExpressionAttributeValues: { ':mine': claimId },
        }),
      ),
    );
  }
}
