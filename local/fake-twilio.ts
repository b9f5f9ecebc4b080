import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import {
  ANY_REQUEST,
  applyFailure,
  FailurePlan,
  type FailureSpec,
  type FakeHttpServer,
  flattenHeaders,
  readBody,
  sendJson,
  startHttpServer,
} from './fake-http';

/** Options of {@link startFakeTwilio}. */
export interface FakeTwilioOptions {
  /** The only account SID accepted, as Basic-auth user name and in the path. @default any */
  readonly accountSid?: string;
  /** The only auth token accepted. @default any non-empty token */
  readonly authToken?: string;
  /** Clock for `date_created`. @default the system clock */
  readonly now?: () => Date;
}

/**
 * What Twilio reports through a message's `StatusCallback`: `delivered`, `undelivered` with an error code (e.g.
 * 30034, unregistered 10DLC sender), or `never` (no callback at all, as when the carrier never reports).
 */
export type StatusScript =
  | { readonly kind: 'delivered'; readonly times?: number }
  | { readonly kind: 'undelivered'; readonly errorCode: number; readonly times?: number }
  | { readonly kind: 'never'; readonly times?: number };

/** Create the message, then hold the response: the client times out although Twilio accepted the message. */
export interface AcceptThenTimeoutFailure {
  readonly kind: 'accept_then_timeout';
  readonly times?: number;
}

/** A status callback the fake posted. */
export interface StatusCallbackPost {
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
}

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

/** One HTTP request as the fake received it. */
export interface TwilioApiRequest {
  readonly method: string;
  readonly path: string;
  /** Decoded form fields (`To`, `From`, `Body`, …). */
  readonly form: Readonly<Record<string, string>>;
  /** Lower-cased request headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
}

/** A running fake of Twilio's Messages API. */
export interface FakeTwilio extends FakeHttpServer {
  /** Every request in arrival order, failed ones included. */
  readonly requests: readonly TwilioApiRequest[];
  /** Messages created, in order. */
  readonly messages: readonly TwilioMessageResource[];
  /** Status callbacks posted, in order, with the receiver's HTTP status. */
  readonly callbacks: readonly StatusCallbackPost[];
  /** Queues a failure for the next matching requests (`accept_then_timeout` applies to message creation). */
  fail(spec: FailureSpec | AcceptThenTimeoutFailure): void;
  /** Scripts what the next messages' status callbacks report (default: delivered). */
  scriptStatus(script: StatusScript): void;
  /** Resolves when every status callback started so far has been answered. */
  settled(): Promise<void>;
  /** Drops every queued failure and status script. */
  clearFailures(): void;
  /** Drops queued failures and everything recorded. */
  reset(): void;
}

const E164 = /^\+[1-9]\d{7,14}$/;
/** North American numbers have exactly ten digits after `+1`; Twilio rejects `+1212555014` with 21211. */
const NANP = /^\+1\d{10}$/;
const isValidNumber = (to: string): boolean => E164.test(to) && (!to.startsWith('+1') || NANP.test(to));
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

/** Twilio's legacy error body, which twilio-node turns into a `RestException`. */
function twilioError(status: number, code: number, message: string): Record<string, unknown> {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** RFC 2822 in UTC, as Twilio writes dates: `Thu, 26 Nov 2026 14:00:06 +0000`. */
function twilioDate(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/**
 * Starts a fake Twilio REST API on 127.0.0.1 serving `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`.
 * twilio-node always calls `https://api.twilio.com`: give the client an `httpClient` that rewrites that origin to `url`.
 */
export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const now = options.now ?? (() => new Date());
  const requests: TwilioApiRequest[] = [];
  const messages: TwilioMessageResource[] = [];
  const callbacks: StatusCallbackPost[] = [];
  const plan = new FailurePlan<FailureSpec | AcceptThenTimeoutFailure>();
  const statusPlan = new FailurePlan<StatusScript>();
  const held = new Set<ServerResponse>();
  const inFlight = new Set<Promise<void>>();

  /** Posts a status callback as Twilio does: form-encoded, signed over the exact URL with the account's token. */
  const postStatus = async (
    url: string,
    message: TwilioMessageResource,
    status: string,
    errorCode?: number,
  ): Promise<void> => {
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
    const signature = getExpectedTwilioSignature(options.authToken ?? 'fake-twilio-token', url, params);
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
    callbacks.push({ url, params, status: res.status });
  };

  /** After the create response, the message moves on: sent, then delivered or undelivered, each reported. */
  const progress = (index: number, url: string | undefined): void => {
    const script = statusPlan.take(ANY_REQUEST) ?? { kind: 'delivered' };
    const update = (status: TwilioMessageResource['status'], errorCode: number | null) => {
      const current = messages[index] as TwilioMessageResource;
      messages[index] = { ...current, status, error_code: errorCode, date_updated: twilioDate(now()) };
      return messages[index] as TwilioMessageResource;
    };
    const run = async () => {
      const sent = update('sent', null);
      if (script.kind === 'never') return;
      if (url) await postStatus(url, sent, 'sent');
      const final = script.kind === 'delivered' ? update('delivered', null) : update('undelivered', script.errorCode);
      if (url) await postStatus(url, final, final.status, script.kind === 'undelivered' ? script.errorCode : undefined);
    };
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(run)
      .catch(() => undefined)
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  const authenticated = (authorization: string | undefined): boolean => {
    const encoded = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (encoded === undefined) return false;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const [user, password] = [decoded.slice(0, separator), decoded.slice(separator + 1)];
    if (separator <= 0 || password === '') return false;
    return (options.accountSid ?? user) === user && (options.authToken ?? password) === password;
  };

  const createMessage = (
    res: ServerResponse,
    accountSid: string,
    form: Record<string, string>,
    hold: boolean,
  ): void => {
    const { To: to, From: from, Body: body = '', MessagingServiceSid: service } = form;
    if (!to) return sendJson(res, 400, twilioError(400, 21604, "A 'To' phone number is required."));
    if (!isValidNumber(to))
      return sendJson(res, 400, twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
    if (!from && !service) return sendJson(res, 400, twilioError(400, 21603, "A 'From' phone number is required."));
    if (body === '' && !form.MediaUrl) return sendJson(res, 400, twilioError(400, 21602, 'Message body is required.'));
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const created = twilioDate(now());
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}`;
    const message: TwilioMessageResource = {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body,
      date_created: created,
      date_sent: null,
      date_updated: created,
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
      status: service && !from ? 'accepted' : 'queued',
      subresource_uris: { media: `${uri}/Media.json` },
      to,
      uri: `${uri}.json`,
    };
    messages.push(message);
    if (hold) held.add(res);
    else sendJson(res, 201, message);
    progress(messages.length - 1, form.StatusCallback);
  };

  /** `GET …/Messages.json?To=&From=&PageSize=`: newest first, one page. */
  const listMessages = (res: ServerResponse, accountSid: string, query: URLSearchParams, path: string): void => {
    const pageSize = Math.min(Number(query.get('PageSize') ?? 50) || 50, 1000);
    const matching = messages
      .filter((m) => m.account_sid === accountSid)
      .filter((m) => !query.get('To') || m.to === query.get('To'))
      .filter((m) => !query.get('From') || m.from === query.get('From'))
      .slice()
      .reverse()
      .slice(0, pageSize);
    const uri = `${path}?${query.toString()}`;
    sendJson(res, 200, {
      end: Math.max(0, matching.length - 1),
      first_page_uri: uri,
      messages: matching,
      next_page_uri: null,
      page: 0,
      page_size: pageSize,
      previous_page_uri: null,
      start: 0,
      uri,
    });
  };

  const server = await startHttpServer(async (req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://fake');
    const path = parsed.pathname;
    const headers = flattenHeaders(req.headers);
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    requests.push({ method: req.method ?? '', path, form, headers, receivedAt: new Date() });
    const failure = plan.take(ANY_REQUEST);
    const acceptThenTimeout = failure?.kind === 'accept_then_timeout';
    if (failure && failure.kind !== 'accept_then_timeout') {
      return applyFailure(res, failure, (status) => ({
        body: twilioError(status, 20000 + status, STATUS_CODES[status] ?? 'Error'),
      }));
    }
    if (!authenticated(headers.authorization)) {
      return sendJson(res, 401, twilioError(401, 20003, 'Authenticate'), {
        'www-authenticate': 'Basic realm="Twilio API"',
      });
    }
    const match = MESSAGES_PATH.exec(path);
    if (
      !match ||
      (req.method !== 'POST' && req.method !== 'GET') ||
      (options.accountSid !== undefined && match[1] !== options.accountSid)
    ) {
      return sendJson(res, 404, twilioError(404, 20404, `The requested resource ${path} was not found`));
    }
    if (req.method === 'GET') return listMessages(res, match[1], parsed.searchParams, path);
    createMessage(res, match[1], form, acceptThenTimeout);
  });

  return {
    ...server,
    requests,
    messages,
    callbacks,
    fail: (spec) => plan.add(ANY_REQUEST, spec),
    scriptStatus: (script) => statusPlan.add(ANY_REQUEST, script),
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    clearFailures: () => {
      plan.clear();
      statusPlan.clear();
    },
    reset: () => {
      plan.clear();
      statusPlan.clear();
      for (const res of held) res.destroy();
      held.clear();
      requests.length = 0;
      messages.length = 0;
      callbacks.length = 0;
    },
    async close() {
      for (const res of held) res.destroy();
      await server.close();
    },
  };
}
