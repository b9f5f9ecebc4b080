/**
 * `npm start -- sms "PREP"`: an inbound SMS as Twilio posts it to the number's incoming-message webhook (the form
 * fields of Twilio's request, signed with `X-Twilio-Signature` for the exact URL the running system checks), from
 * the demo executive's phone or `--from`; prints the TwiML answer as the text the phone would receive.
 */
import { randomBytes } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { LOCAL_CREDENTIALS } from '../local-credentials';

/** What the running system answered. */
export interface SmsAnswer {
  readonly status: number;
  readonly twiml: string;
  /** The texts of the TwiML's `<Message>` elements (none: Twilio sends nothing back). */
  readonly messages: readonly string[];
}

/** The parameters Twilio posts for an incoming SMS (test/fixtures/twilio/incoming-sms-prep.json). */
export function inboundSmsParams(
  from: string,
  to: string,
  body: string,
  accountSid: string,
  messageSid = `SM${randomBytes(16).toString('hex')}`,
): Record<string, string> {
  return {
    ToCountry: 'US',
    SmsMessageSid: messageSid,
    NumMedia: '0',
    SmsSid: messageSid,
    SmsStatus: 'received',
    Body: body,
    To: to,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: messageSid,
    AccountSid: accountSid,
    From: from,
    ApiVersion: '2010-04-01',
  };
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The texts of a TwiML answer's `<Message>` elements, unescaped. */
export function twimlMessages(twiml: string): string[] {
  return [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) =>
    (m[1] ?? '').replace(
      /&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g,
      (_all, name: string, dec?: string, hex?: string) =>
        dec
          ? String.fromCodePoint(Number(dec))
          : hex
            ? String.fromCodePoint(parseInt(hex, 16))
            : (ENTITIES[name] ?? _all),
    ),
  );
}

/**
 * Posts a signed inbound SMS to `postUrl`, signed for `signedUrl` (the URL the system was told Twilio calls) with
 * `authToken`, and returns the answer. Throws when the system cannot be reached.
 */
export async function sendInboundSms(options: {
  readonly postUrl: string;
  readonly signedUrl: string;
  readonly authToken: string;
  readonly params: Readonly<Record<string, string>>;
}): Promise<SmsAnswer> {
  const res = await fetch(options.postUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      'x-twilio-signature': getExpectedTwilioSignature(options.authToken, options.signedUrl, { ...options.params }),
    },
    body: new URLSearchParams(options.params).toString(),
  });
  const twiml = await res.text();
  return { status: res.status, twiml, messages: res.status === 200 ? twimlMessages(twiml) : [] };
}

/** The account and token the running system checks with: the local stand-in's, or the real ones of this shell. */
export function localTwilioAccount(env: NodeJS.ProcessEnv = process.env): {
  accountSid: string;
  authToken: string;
  number: string;
} {
  return {
    accountSid: env['TWILIO_ACCOUNT_SID'] ?? LOCAL_CREDENTIALS.twilioAccountSid,
    authToken: env['TWILIO_AUTH_TOKEN'] ?? LOCAL_CREDENTIALS.twilioAuthToken,
    number: env['TWILIO_FROM_NUMBER'] ?? LOCAL_CREDENTIALS.twilioFromNumber,
  };
}
