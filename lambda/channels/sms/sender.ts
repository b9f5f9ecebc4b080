/** The SMS sender: Twilio's Messages API, with a status callback, and a lookup of earlier sends. */
import type { PrepNotice } from '../notice';
import { SmsReplyHint, renderSms } from './text';
import { classifyTwilioError } from './classify';
import { TwilioMessages } from './twilio-messages';

export { twilioMessages } from './twilio-messages';

/**
 * Sends the SMS with Twilio's status callback to `statusCallback`; returns the Twilio message SID. With `reply`, the
 * text ends with how to answer it.
 */
export async function sendSms(
  messages: TwilioMessages,
  from: string,
  to: string,
  notice: PrepNotice,
  statusCallback?: string,
  reply?: SmsReplyHint,
): Promise<string> {
  try {
    const message = await messages.create({
      to,
      from,
      body: renderSms(notice, reply ? { reply } : {}),
      ...(statusCallback ? { statusCallback } : {}),
    });
    return message.sid;
  } catch (error) {
    throw classifyTwilioError(error);
  }
}

/** Statuses after which Twilio will not deliver the message. */
const NOT_DELIVERED = new Set(['undelivered', 'failed', 'canceled']);

/**
 * The prep SMS sent to `to` from `from` since `since` (this text, with the same `reply` as the send, created no
 * earlier than a minute before), with how it ended when Twilio already knows; undefined when there is none. Throws
 * when Twilio cannot be asked.
 */
export async function findSms(
  messages: TwilioMessages,
  from: string,
  to: string,
  notice: PrepNotice,
  since: Date,
  reply?: SmsReplyHint,
): Promise<
  { notification_id: string; receipt?: { status: 'delivered' | 'undelivered'; error_code?: string } } | undefined
> {
  const body = renderSms(notice, reply ? { reply } : {});
  const earliest = since.getTime() - 60_000;
  const listed = await messages.list({ to, from, limit: 20, pageSize: 20 }).catch((error: unknown) => {
    throw classifyTwilioError(error);
  });
  // endsWith: a trial account's messages carry Twilio's prefix ("Sent from your Twilio trial account - ").
  const match = listed.find(
    (m) => (m.body === body || m.body?.endsWith(body)) && (m.dateCreated?.getTime() ?? 0) >= earliest,
  );
  if (!match) return undefined;
  if (match.status === 'delivered') return { notification_id: match.sid, receipt: { status: 'delivered' } };
  if (NOT_DELIVERED.has(match.status)) {
    return {
      notification_id: match.sid,
      receipt: { status: 'undelivered', ...(match.errorCode ? { error_code: String(match.errorCode) } : {}) },
    };
  }
  return { notification_id: match.sid };
}
