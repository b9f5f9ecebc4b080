/**
 * The status callbacks Twilio posts to a message's `StatusCallback` URL, as the fake Twilio sends them: what a test
 * scripts them to report, and the signed post itself. The receipt handler checks the signature, so the fake signs
 * exactly as Twilio does.
 */
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { TwilioMessageResource } from './twilio-messages';

/**
 * What Twilio reports through a message's `StatusCallback`: `delivered`, `undelivered` with an error code (e.g.
 * 30034, unregistered 10DLC sender), or `never` (no callback at all, as when the carrier never reports).
 */
export type StatusScript =
  | { readonly kind: 'delivered'; readonly times?: number }
  | { readonly kind: 'undelivered'; readonly errorCode: number; readonly times?: number }
  | { readonly kind: 'never'; readonly times?: number };

/** A status callback the fake posted. */
export interface StatusCallbackPost {
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
}

/**
 * Posts a status callback as Twilio does: form-encoded, signed over the exact URL with the account's token.
 * Resolves once the receiver has answered, with what was posted and the receiver's HTTP status.
 */
export async function postStatusCallback(
  url: string,
  authToken: string,
  message: TwilioMessageResource,
  status: string,
  errorCode?: number,
): Promise<StatusCallbackPost> {
  const params: Record<string, string> = {
    ...(errorCode !== undefined ? { ErrorCode: String(errorCode) } : {}),
    SmsSid: message.sid,
    SmsStatus: status,
    MessageStatus: status,
    To: message.to,
    MessageSid: message.sid,
    AccountSid: message.account_sid,
    From: message.from ?? '',
    ApiVersion: '2010-04-01',
  };
  const signature = getExpectedTwilioSignature(authToken, url, params);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      'x-twilio-signature': signature,
    },
    body: new URLSearchParams(params).toString(),
  });
  await res.arrayBuffer();
  return { url, params, status: res.status };
}
