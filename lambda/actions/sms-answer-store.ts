/**
 * The answers already given, by Twilio `MessageSid`, so a retried webhook (Twilio retries on a timeout or a 5xx)
 * gets the same TwiML and acts no second time. One small item per inbound SMS in the SMS replies table:
 * `message_sid` (key), `twiml`, `answered_at`, and `expires_at` (the table's TTL attribute), two days on: Twilio's
 * retries come within minutes, and the action core itself refuses a second session or reminder for good.
 * The answer is recorded after acting, with a conditional put: of two concurrent deliveries of one message, the
 * first recorded answer wins and both return it (the core's conditional writes and the work queue's
 * deduplication on the MessageSid keep the effect single). A failure before the record leaves nothing to undo:
 * the retry acts again and the core answers from the state the first run left.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

/** How long an answer is kept for retries. */
export const ANSWER_TTL_SECONDS = 2 * 24 * 3600;

/** A recorded answer. */
export interface RecordedAnswer {
  readonly message_sid: string;
  readonly twiml: string;
  readonly answered_at: string;
  readonly expires_at: number;
}

/** Reads and records answers. */
export class SmsAnswerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The TwiML already answered to this message, or undefined. */
  async find(messageSid: string): Promise<string | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { message_sid: messageSid }, ConsistentRead: true }));
    const item = out.Item as RecordedAnswer | undefined;
    return typeof item?.twiml === 'string' ? item.twiml : undefined;
  }

  /** Records the answer unless one is recorded already; returns the answer that stands (the earlier one, if any). */
  async record(messageSid: string, twiml: string, now: Date): Promise<string> {
    const item: RecordedAnswer = {
      message_sid: messageSid,
      twiml,
      answered_at: now.toISOString(),
      expires_at: Math.floor(now.getTime() / 1000) + ANSWER_TTL_SECONDS,
    };
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(message_sid)' }));
      return twiml;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.find(messageSid)) ?? twiml;
    }
  }
}
