/**
 * Twilio's Messages API as its clients see it on the wire: the Message resource in its snake_case JSON, the legacy
 * error body twilio-node turns into a `RestException`, the checks Twilio makes before it accepts a message, and the
 * list page. Kept apart from the fake's server (local/fake-twilio.ts) so what Twilio answers reads without the
 * plumbing that serves it.
 */
import { randomBytes } from 'node:crypto';

/** A Message resource as the fake returned it on creation (Twilio's snake_case JSON). */
export interface TwilioMessageResource {
  readonly account_sid: string;
  readonly api_version: '2010-04-01';
  readonly body: string;
  readonly date_created: string;
  readonly date_sent: null;
  readonly date_updated: string;
  readonly direction: 'outbound-api';
  readonly error_code: number | null;
  readonly error_message: null;
  readonly from: string | null;
  readonly messaging_service_sid: string | null;
  readonly num_media: string;
  readonly num_segments: string;
  readonly price: null;
  readonly price_unit: 'USD';
  readonly sid: string;
  readonly status: 'queued' | 'accepted' | 'sent' | 'delivered' | 'undelivered' | 'failed';
  readonly subresource_uris: { readonly media: string };
  readonly to: string;
  readonly uri: string;
}

/** `/2010-04-01/Accounts/{AccountSid}/Messages.json`, the account SID captured. */
export const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

const E164 = /^\+[1-9]\d{7,14}$/;
/** North American numbers have exactly ten digits after `+1`; Twilio rejects `+1212555014` with 21211. */
const NANP = /^\+1\d{10}$/;
const isValidNumber = (to: string): boolean => E164.test(to) && (!to.startsWith('+1') || NANP.test(to));

/** Twilio's legacy error body, which twilio-node turns into a `RestException`. */
export function twilioError(status: number, code: number, message: string): Record<string, unknown> {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** RFC 2822 in UTC, as Twilio writes dates: `Thu, 26 Nov 2026 14:00:06 +0000`. */
export function twilioDate(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/**
 * The message a `POST …/Messages.json` form creates, or the 400 body Twilio answers instead (a missing or invalid
 * `To`, no sender, no body).
 */
export function newMessage(
  accountSid: string,
  form: Readonly<Record<string, string>>,
  now: () => Date,
): { readonly message: TwilioMessageResource } | { readonly error: Record<string, unknown> } {
  const { To: to, From: from, Body: body = '', MessagingServiceSid: service } = form;
  if (!to) return { error: twilioError(400, 21604, "A 'To' phone number is required.") };
  if (!isValidNumber(to))
    return { error: twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`) };
  if (!from && !service) return { error: twilioError(400, 21603, "A 'From' phone number is required.") };
  if (body === '' && !form.MediaUrl) return { error: twilioError(400, 21602, 'Message body is required.') };
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const date = twilioDate(now());
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}`;
  return {
    message: {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body,
      date_created: date,
      date_sent: null,
      date_updated: date,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: from ?? null,
      messaging_service_sid: service ?? null,
      num_media: form.MediaUrl ? '1' : '0',
      num_segments: String(body.length <= 160 ? 1 : Math.ceil(body.length / 153)),
      price: null,
      price_unit: 'USD',
      sid,
      // A messaging service picks the sender itself, so Twilio first only accepts such a message.
      status: service && !from ? 'accepted' : 'queued',
      subresource_uris: { media: `${uri}/Media.json` },
      to,
      uri: `${uri}.json`,
    },
  };
}

/** `GET …/Messages.json?To=&From=&PageSize=`: the account's matching messages, newest first, one page. */
export function messagesPage(
  messages: readonly TwilioMessageResource[],
  accountSid: string,
  query: URLSearchParams,
  path: string,
): Record<string, unknown> {
  const pageSize = Math.min(Number(query.get('PageSize') ?? 50) || 50, 1000);
  const matching = messages
    .filter((m) => m.account_sid === accountSid)
    .filter((m) => !query.get('To') || m.to === query.get('To'))
    .filter((m) => !query.get('From') || m.from === query.get('From'))
    .slice()
    .reverse()
    .slice(0, pageSize);
  const uri = `${path}?${query.toString()}`;
  return {
    end: Math.max(0, matching.length - 1),
    first_page_uri: uri,
    messages: matching,
    next_page_uri: null,
    page: 0,
    page_size: pageSize,
    previous_page_uri: null,
    start: 0,
    uri,
  };
}
