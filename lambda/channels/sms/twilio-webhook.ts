/**
 * A request Twilio posts to our API (a status callback, an incoming SMS), checked: the form body decoded and
 * `X-Twilio-Signature` validated with the twilio SDK against the exact public URL the request was sent to.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { requestUrl } from './receipt';

/** The posted parameters of a signed request, or the URL the signature was checked against when it failed. */
export type TwilioWebhook =
  | { readonly ok: true; readonly params: Record<string, string> }
  | { readonly ok: false; readonly url: string };

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1] ?? undefined;
}

/** Decodes the form body and checks its signature for `publicUrl` (plus the request's query) with the auth token. */
export function verifyTwilioWebhook(event: APIGatewayProxyEvent, publicUrl: string, authToken: string): TwilioWebhook {
  const body = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  const params = Object.fromEntries(new URLSearchParams(body));
  const signature = header(event, 'x-twilio-signature');
  const url = requestUrl(publicUrl, event.queryStringParameters);
  return signature && validateRequest(authToken, signature, url, params) ? { ok: true, params } : { ok: false, url };
}
