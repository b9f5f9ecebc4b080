/**
 * Twilio's Messages API and nothing else. `import twilio from 'twilio'` pulls every Twilio product into the
 * bundle (about 4 MB to parse on each cold start); this builds the same client from twilio-node's own parts —
 * the base client (auth, HTTP, errors), the `api.twilio.com` domain, version `2010-04-01` and the Message
 * resource — exactly as `twilio(...).messages` does, so requests, responses and errors are twilio-node's.
 */
import BaseTwilio from 'twilio/lib/base/BaseTwilio';
import Domain from 'twilio/lib/base/Domain';
import RequestClient from 'twilio/lib/base/RequestClient';
import Version from 'twilio/lib/base/Version';
import type TwilioResponse from 'twilio/lib/http/response';
import type V2010 from 'twilio/lib/rest/api/V2010';
import { MessageListInstance } from 'twilio/lib/rest/api/v2010/account/message';
import { optionalEnv } from '../env';
import { PROVIDER_TIMEOUT_MS } from './provider-timeout';

/** Twilio's REST origin; `TWILIO_API_URL` replaces it locally. */
const TWILIO_API_BASE = 'https://api.twilio.com';

/**
 * Twilio's HTTP client with its requests sent to `TWILIO_API_URL` when set (a loopback fake locally). The path,
 * query, auth and body are Twilio's own; only the origin changes.
 */
class RedirectingRequestClient extends RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: PROVIDER_TIMEOUT_MS });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const url = new URL(opts.uri);
    const base = new URL(this.baseUrl);
    url.protocol = base.protocol;
    url.host = base.host;
    return super.request<TData>({ ...opts, uri: url.toString() });
  }
}

/** The Messages list of one account (create, list). */
export type TwilioMessages = MessageListInstance;

const clients = new Map<string, TwilioMessages>();

/** The Messages API for the credentials, redirected to `TWILIO_API_URL` when set; no automatic retries. */
export function twilioMessages(accountSid: string, authToken: string): TwilioMessages {
  const key = `${accountSid}:${authToken}`;
  let messages = clients.get(key);
  if (!messages) {
    const apiUrl = optionalEnv('TWILIO_API_URL');
    const client = new BaseTwilio.Client(accountSid, authToken, {
      httpClient: apiUrl ? new RedirectingRequestClient(apiUrl) : new RequestClient({ timeout: PROVIDER_TIMEOUT_MS }),
      autoRetry: false,
    });
    const version = new Version(new Domain(client, TWILIO_API_BASE), '2010-04-01');
    messages = MessageListInstance(version as V2010, accountSid);
    clients.set(key, messages);
  }
  return messages;
}
