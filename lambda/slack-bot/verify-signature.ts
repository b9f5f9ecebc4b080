/**
 * Slack request signing (v0): HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the app's signing secret, compared in
 * constant time, and a timestamp no further than five minutes from now in either direction (replay window).
 * Pure: the clock and the headers are passed in. https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now, in seconds. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** Why a request was refused; also the `error` of the 401 body. */
export type SignatureFailure = 'missing_signature' | 'stale_timestamp' | 'invalid_signature';

/** The outcome of {@link verifySlackSignature}. */
export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: SignatureFailure };

/** What the check needs from a request. */
export interface SignedRequest {
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as Slack sent it (already decoded from base64 if API Gateway encoded it). */
  readonly rawBody: string;
}

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

/** The `v0=<hex>` signature Slack would send for this body and timestamp. */
export function slackSignature(signingSecret: string, timestamp: string | number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex')}`;
}

/**
 * Checks `X-Slack-Signature` and `X-Slack-Request-Timestamp` (looked up by lower-case name).
 * @param now - the current time
 */
export function verifySlackSignature(signingSecret: string, request: SignedRequest, now: Date): SignatureCheck {
  const signature = request.headers['x-slack-signature'];
  const timestamp = request.headers['x-slack-request-timestamp'];
  if (!signature || !timestamp || !TIMESTAMP.test(timestamp)) return { ok: false, reason: 'missing_signature' };
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  if (!SIGNATURE.test(signature)) return { ok: false, reason: 'invalid_signature' };
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, request.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { ok: true }
    : { ok: false, reason: 'invalid_signature' };
}
