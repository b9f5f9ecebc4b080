/**
 * Twilio's Messages API and nothing else. `import twilio from 'twilio'` pulls every Twilio product and its HTTP
 * stack (axios, form-data, qs, jsonwebtoken…) into the bundle: about 4 MB to parse on each cold start. This builds
 * the Messages list from twilio-node's own parts — the `api.twilio.com` domain, version `2010-04-01` and the
 * Message resource, with its paging, (de)serialisation and `RestException` — exactly as `twilio(...).messages`
 * does, and gives the domain a small client that makes the authenticated request with `fetch` (what twilio-node's
 * `RequestClient` does with axios).
 */
import type BaseTwilio from 'twilio/lib/base/BaseTwilio';
import Domain from 'twilio/lib/base/Domain';
import Version from 'twilio/lib/base/Version';
import type V2010 from 'twilio/lib/rest/api/V2010';
import { MessageListInstance } from 'twilio/lib/rest/api/v2010/account/message';
import { optionalEnv } from '../../shared/env';
import { PROVIDER_TIMEOUT_MS } from '../provider-timeout';

/** Twilio's REST origin; `TWILIO_API_URL` replaces it locally. */
const TWILIO_API_BASE = 'https://api.twilio.com';

/** The request twilio-node's Version/Domain layer makes (a subset of its `RequestOpts`). */
interface TwilioRequest {
  readonly method: string;
  readonly uri: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeout?: number;
}

/** The answer twilio-node expects from its HTTP client. */
interface TwilioHttpResponse {
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Form or query encoding as twilio-node's (qs, `arrayFormat: repeat`): arrays repeat the key, undefined is left out. */
function encode(values: Readonly<Record<string, unknown>>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.append(key, String(item));
  }
  return out;
}

/**
 * The client twilio-node's Domain calls: Basic auth with the account's SID and token, form-encoded bodies, JSON
 * accepted, a bounded time. Network errors keep their socket code (`ECONNREFUSED`…); a timeout is `ECONNABORTED`,
 * as with twilio-node's own client, so the caller can tell "not sent" from "maybe sent".
 */
export class FetchTwilioClient {
  constructor(
    readonly accountSid: string,
    private readonly authToken: string,
    private readonly baseUrl: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  async request(opts: TwilioRequest): Promise<TwilioHttpResponse> {
    const url = new URL(opts.uri);
    if (this.baseUrl) {
      const base = new URL(this.baseUrl);
      url.protocol = base.protocol;
      url.host = base.host;
    }
    if (opts.params) for (const [k, v] of encode(opts.params)) url.searchParams.append(k, v);
    const method = opts.method.toUpperCase();
    const hasBody = method === 'POST' || method === 'PUT';
    const headers: Record<string, string> = {
      ...opts.headers,
      Authorization: `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`,
      'User-Agent': `twilio-node-messages (${process.platform} ${process.arch}) node/${process.version}`,
      'Accept-Charset': 'utf-8',
      Accept: 'application/json',
      ...(hasBody ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    };
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(hasBody ? { body: encode(opts.data ?? {}).toString() } : {}),
        redirect: 'error',
        signal: AbortSignal.timeout(opts.timeout ?? this.timeoutMs),
      });
      return {
        statusCode: response.status,
        body: await response.text(),
        headers: Object.fromEntries(response.headers),
      };
    } catch (error) {
      const e = error as { name?: string; message?: string; cause?: { code?: string } };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      const code = timedOut ? 'ECONNABORTED' : (e.cause?.code ?? 'ERR_NETWORK');
      throw Object.assign(
        new Error(
          timedOut
            ? `timeout of ${opts.timeout ?? this.timeoutMs}ms exceeded`
            : `${e.message ?? 'fetch failed'} (${code})`,
          { cause: error },
        ),
        { code },
      );
    }
  }
}

/** The Messages list of one account (create, list). */
export type TwilioMessages = MessageListInstance;

const clients = new Map<string, TwilioMessages>();

/** The Messages API for the credentials, sent to `TWILIO_API_URL` when set; no automatic retries. */
export function twilioMessages(accountSid: string, authToken: string): TwilioMessages {
  const key = `${accountSid}:${authToken}`;
  let messages = clients.get(key);
  if (!messages) {
    const client = new FetchTwilioClient(accountSid, authToken, optionalEnv('TWILIO_API_URL'), PROVIDER_TIMEOUT_MS);
    const version = new Version(new Domain(client as unknown as BaseTwilio.Client, TWILIO_API_BASE), '2010-04-01');
    messages = MessageListInstance(version as V2010, accountSid);
    clients.set(key, messages);
  }
  return messages;
}
