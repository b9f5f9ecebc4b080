/**
 * How many SMS replies (TwiML `<Message>`s, each a billed outbound SMS) one number gets: at most
 * {@link SMS_REPLY_LIMIT} in each {@link SMS_REPLY_WINDOW_SECONDS} window. Windows are aligned to the clock (the
 * epoch), so a burst across a window's end can get twice the limit within one window's length, never more.
 *
 * One counter per number and window in the SMS answers table (beside the answers, whose keys are Twilio SIDs, `SM…`
 * or `MM…`, so the two never meet): `message_sid` = `reply-limit#<number>#<window>`, `replies`, and `expires_at`
 * (the table's TTL) one window after the window ends. Taking a reply is one conditional update (ADD, while under
 * the limit), so concurrent texts never get more between them.
 */
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../shared/dynamo-guard';

/** The most replies one number gets in a window. */
export const SMS_REPLY_LIMIT = 5;
/** The window's length: ten minutes. */
export const SMS_REPLY_WINDOW_SECONDS = 600;

/** The counter's key for a number in the window holding `at`. */
export function replyLimitKey(phone: string, at: Date, windowSeconds = SMS_REPLY_WINDOW_SECONDS): string {
  return `reply-limit#${phone}#${Math.floor(at.getTime() / 1000 / windowSeconds)}`;
}

/** Counts the replies each number gets. */
export class SmsReplyLimit {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly limit = SMS_REPLY_LIMIT,
    private readonly windowSeconds = SMS_REPLY_WINDOW_SECONDS,
  ) {}

  /** Takes one reply for `phone` at `at`: true when it may be sent, false when the number's window is used up. */
  async take(phone: string, at: Date): Promise<boolean> {
    const window = Math.floor(at.getTime() / 1000 / this.windowSeconds);
    const result = await conditionalWrite('UpdateItem sms_replies (reply limit)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { message_sid: replyLimitKey(phone, at, this.windowSeconds) },
          UpdateExpression: 'ADD replies :one SET expires_at = :expires',
          ConditionExpression: 'attribute_not_exists(replies) OR replies < :limit',
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': this.limit,
            ':expires': (window + 2) * this.windowSeconds,
          },
        }),
      ),
    );
    return result.written;
  }
}
