/**
 * The answers already given, by Twilio `MessageSid`, so a retried webhook (Twilio retries on a timeout or a 5xx)
 * gets the same TwiML and acts no second time. One small item per inbound SMS in the SMS replies table
 * (`Tables.smsReplies`): `message_sid` (key), `claimed_at` (ms) and `claim_id`, then `twiml` and `answered_at`, and `expires_at`
 * (the table's TTL attribute), two days on: Twilio's retries come within minutes, and the action core itself
 * refuses a second session or reminder for good.
 *
 * A request first claims the message (a conditional put), then acts, then records its answer on the claim. A
 * duplicate that arrives while the first is still acting waits for that answer (a few seconds at most) rather than
 * acting too, so both get the first's words ("Prep started…", not "already in progress"). A claim whose request
 * failed is given back (so Twilio's retry acts), and one left by a request that died is taken over once stale.
 * Each claim carries a random `claim_id`, and its condition holds for that id too: the SDK's retry of a claim
 * DynamoDB carried out but whose answer was lost finds its own claim, not another request's.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../shared/dynamo-guard';

/** How long an answer is kept for retries. */
export const ANSWER_TTL_SECONDS = 2 * 24 * 3600;
/** A claim older than this with no answer was left by a request that died: another may take it over. */
export const CLAIM_STALE_MS = 20_000;

/** A recorded claim, answered or not. */
export interface AnswerRecord {
  readonly message_sid: string;
  readonly claimed_at: number;
  /** The claiming request's own id (a retried claim recognises itself by it). */
  readonly claim_id?: string;
  readonly expires_at: number;
  readonly twiml?: string;
  readonly answered_at?: string;
}

/** What {@link SmsAnswerStore.claim} found. */
export type ClaimResult =
  | { readonly kind: 'claimed'; readonly claimedAt: number }
  | { readonly kind: 'answered'; readonly twiml: string }
  /** Another request is still acting on this message and did not answer in time. */
  | { readonly kind: 'busy' };

/** Options of {@link SmsAnswerStore}. */
export interface SmsAnswerStoreOptions {
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a duplicate waits for the first request's answer. @default 6000 */
  readonly waitMs?: number;
  /** @default 250 */
  readonly pollMs?: number;
}

/** Claims, reads and records answers. */
export class SmsAnswerStore {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly waitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: SmsAnswerStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.waitMs = options.waitMs ?? 6_000;
    this.pollMs = options.pollMs ?? 250;
  }

  private async read(messageSid: string): Promise<AnswerRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { message_sid: messageSid }, ConsistentRead: true }),
    );
    return out.Item as AnswerRecord | undefined;
  }

  /** Claims the message for this request, or finds the answer already given (waiting briefly for one in progress). */
  async claim(messageSid: string): Promise<ClaimResult> {
    const claimedAt = this.now().getTime();
    const claimId = randomUUID();
    const first = await conditionalWrite('PutItem sms_replies (claim)', () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            message_sid: messageSid,
            claimed_at: claimedAt,
            claim_id: claimId,
            expires_at: Math.floor(claimedAt / 1000) + ANSWER_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(message_sid) OR claim_id = :mine',
          ExpressionAttributeValues: { ':mine': claimId },
        }),
      ),
    );
    if (first.written) return { kind: 'claimed', claimedAt };
    for (;;) {
      const record = await this.read(messageSid);
      if (typeof record?.twiml === 'string') return { kind: 'answered', twiml: record.twiml };
      const now = this.now().getTime();
      if (!record || now - record.claimed_at >= CLAIM_STALE_MS) {
        const taken = await this.takeOver(messageSid, record?.claimed_at, now, claimId);
        if (taken) return { kind: 'claimed', claimedAt: now };
        continue;
      }
      if (now - claimedAt >= this.waitMs) return { kind: 'busy' };
      await this.sleep(this.pollMs);
    }
  }

  private async takeOver(
    messageSid: string,
    staleClaim: number | undefined,
    now: number,
    claimId: string,
  ): Promise<boolean> {
    const result = await conditionalWrite('UpdateItem sms_replies (take over)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { message_sid: messageSid },
          UpdateExpression: 'SET claimed_at = :now, claim_id = :mine, expires_at = :expires',
          ConditionExpression:
            staleClaim === undefined
              ? 'attribute_not_exists(message_sid) OR claim_id = :mine'
              : '(claimed_at = :stale AND attribute_not_exists(twiml)) OR claim_id = :mine',
          ExpressionAttributeValues: {
            ':now': now,
            ':mine': claimId,
            ':expires': Math.floor(now / 1000) + ANSWER_TTL_SECONDS,
            ...(staleClaim === undefined ? {} : { ':stale': staleClaim }),
          },
        }),
      ),
    );
    return result.written;
  }

  /** Records this request's answer on its claim; returns the answer that stands (another's, if it took over). */
  async answer(messageSid: string, claimedAt: number, twiml: string): Promise<string> {
    const result = await conditionalWrite('UpdateItem sms_replies (answer)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { message_sid: messageSid },
          UpdateExpression: 'SET twiml = :twiml, answered_at = :at',
          ConditionExpression: 'claimed_at = :mine AND attribute_not_exists(twiml)',
          ExpressionAttributeValues: { ':twiml': twiml, ':at': this.now().toISOString(), ':mine': claimedAt },
        }),
      ),
    );
    if (result.written) return twiml;
    return (await this.read(messageSid))?.twiml ?? twiml;
  }

  /** Gives an unanswered claim back (the request failed), so Twilio's retry acts at once. */
  async release(messageSid: string, claimedAt: number): Promise<void> {
    // A failed condition: it was answered or taken over meanwhile, and stays so.
    await conditionalWrite('UpdateItem sms_replies (release)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { message_sid: messageSid },
          UpdateExpression: 'SET claimed_at = :released',
          ConditionExpression: 'claimed_at = :mine AND attribute_not_exists(twiml)',
          ExpressionAttributeValues: { ':released': 0, ':mine': claimedAt },
        }),
      ),
    );
  }
}
