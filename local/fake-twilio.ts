import { STATUS_CODES, type ServerResponse } from 'node:http';
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
import {
  MESSAGES_PATH,
  type TwilioMessageResource,
  messagesPage,
  newMessage,
  twilioDate,
  twilioError,
} from './twilio-messages';
import { type StatusCallbackPost, type StatusScript, postStatusCallback } from './twilio-status-callbacks';

/** Options of {@link startFakeTwilio}. */
export interface FakeTwilioOptions {
  /** The only account SID accepted, as Basic-auth user name and in the path. @default any */
  readonly accountSid?: string;
  /** The only auth token accepted. @default any non-empty token */
  readonly authToken?: string;
  /** Clock for `date_created`. @default the system clock */
  readonly now?: () => Date;
}

/** Create the message, then hold the response: the client times out although Twilio accepted the message. */
export interface AcceptThenTimeoutFailure {
  readonly kind: 'accept_then_timeout';
  readonly times?: number;
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

/**
 * Starts a fake Twilio REST API on 127.0.0.1 serving `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`.
 * twilio-node always calls `https://api.twilio.com`: give the client an `httpClient` that rewrites that origin to `url`.
 */
export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const now = options.now ?? (() => new Date());
  // Callbacks are signed with the token the fake accepts, as Twilio signs them with the account's.
  const authToken = options.authToken ?? 'fake-twilio-token';
  const requests: TwilioApiRequest[] = [];
  const messages: TwilioMessageResource[] = [];
  const callbacks: StatusCallbackPost[] = [];
  const plan = new FailurePlan<FailureSpec | AcceptThenTimeoutFailure>();
  const statusPlan = new FailurePlan<StatusScript>();
  const held = new Set<ServerResponse>();
  const inFlight = new Set<Promise<void>>();

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
      if (url) callbacks.push(await postStatusCallback(url, authToken, sent, 'sent'));
      const final = script.kind === 'delivered' ? update('delivered', null) : update('undelivered', script.errorCode);
      const errorCode = script.kind === 'undelivered' ? script.errorCode : undefined;
      if (url) callbacks.push(await postStatusCallback(url, authToken, final, final.status, errorCode));
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
    const created = newMessage(accountSid, form, now);
    if ('error' in created) return sendJson(res, 400, created.error);
    messages.push(created.message);
    if (hold) held.add(res);
    else sendJson(res, 201, created.message);
    progress(messages.length - 1, form.StatusCallback);
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
    if (req.method === 'GET') return sendJson(res, 200, messagesPage(messages, match[1], parsed.searchParams, path));
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
