/** The SMS sender: Twilio's REST API through the `twilio` client. */
import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';
import { optionalEnv } from '../env';
import { PrepNotice, renderSms } from '../messages';
import { TwilioCredentials } from '../secrets';
import { classifyTwilioError } from './classify';
import { PROVIDER_TIMEOUT_MS } from './provider-timeout';

/**
 * Twilio's HTTP client with its requests sent to `TWILIO_API_URL` when set (a loopback fake locally). The path,
 * query, auth and body are Twilio's own; only the origin changes.
 */
class RedirectingRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: PROVIDER_TIMEOUT_MS });
  }

  override request<TData>(opts: TwilioRequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const url = new URL(opts.uri);
    const base = new URL(this.baseUrl);
    url.protocol = base.protocol;
    url.host = base.host;
    return super.request<TData>({ ...opts, uri: url.toString() });
  }
}

const twilioClients = new Map<string, twilio.Twilio>();

/** A Twilio client for the credentials, redirected to `TWILIO_API_URL` when set; no automatic retries. */
export function twilioClient(credentials: TwilioCredentials): twilio.Twilio {
  const key = `${credentials.accountSid}:${credentials.authToken}`;
  let client = twilioClients.get(key);
  if (!client) {
    const apiUrl = optionalEnv('TWILIO_API_URL');
    client = twilio(credentials.accountSid, credentials.authToken, {
      httpClient: apiUrl ? new RedirectingRequestClient(apiUrl) : new twilio.RequestClient({ timeout: PROVIDER_TIMEOUT_MS }),
      autoRetry: false,
    });
    twilioClients.set(key, client);
  }
  return client;
}

/** Sends the SMS; returns the Twilio message SID. */
export async function sendSms(
  client: twilio.Twilio,
  from: string,
  to: string,
  notice: PrepNotice,
): Promise<string> {
  try {
    const message = await client.messages.create({ to, from, body: renderSms(notice) });
    return message.sid;
  } catch (error) {
    throw classifyTwilioError(error);
  }
}
