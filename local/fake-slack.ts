import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applyFailure,
  FailurePlan,
  type FailureSpec,
  type FakeHttpServer,
  flattenHeaders,
  readBody,
  sendJson,
  startHttpServer,
} from './fake-http';
import { type SlackSentMessage, type SlackViewShown, slackMethods } from './fake-slack-methods';
import { type Args, parseArgs, parseJson } from './slack-wire';

export type { SlackSentMessage, SlackViewShown } from './fake-slack-methods';

/** HTTP 200 with `{ ok: false, error }`, the way Slack reports most failures. */
export interface SlackErrorFailure {
  readonly kind: 'slack_error';
  /** The Slack error code, e.g. `channel_not_found`. */
  readonly error: string;
  /** @default 1 */
  readonly times?: number;
}

/** HTTP 429 with `Retry-After` and `{ ok: false, error: 'ratelimited' }`. */
export interface RateLimitedFailure {
  readonly kind: 'ratelimited';
  readonly retryAfterSeconds: number;
  /** @default 1 */
  readonly times?: number;
}

/** The call is carried out (a post is stored), then the answer is held: the client times out on a done post. */
export interface AcceptThenTimeoutFailure {
  readonly kind: 'accept_then_timeout';
  /** @default 1 */
  readonly times?: number;
}

/** A failure the Slack fake can inject. */
export type SlackFailureSpec = FailureSpec | SlackErrorFailure | RateLimitedFailure | AcceptThenTimeoutFailure;

/** Options of {@link startFakeSlack}. */
export interface FakeSlackOptions {
  /** The only bot token accepted. @default any token starting with `xoxb-` */
  readonly token?: string;
  /** IANA time zone per user id, returned by `users.info`. @default `America/New_York` for every user */
  readonly userTimezones?: Readonly<Record<string, string>>;
  /** DM channel id per user id. @default `D` followed by the user id without its first letter */
  readonly dmChannels?: Readonly<Record<string, string>>;
  /** @default `T05QX8K2M7N` */
  readonly teamId?: string;
  /** @default `U07H2M3PBQZ` */
  readonly botUserId?: string;
  /** @default `B07H2M3K9TX` */
  readonly botId?: string;
  /** @default `A07GZ5P1R3M` */
  readonly appId?: string;
  /** Clock for message timestamps. @default the system clock */
  readonly now?: () => Date;
}

/** One Web API call as the fake received it. */
export interface SlackApiRequest {
  /** The API method, e.g. `chat.postMessage`. */
  readonly method: string;
  /** The arguments, with JSON-valued form fields (`blocks`, …) parsed and boolean flags as booleans. */
  readonly args: Readonly<Record<string, unknown>>;
  /** Lower-cased request headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
}

/** A body posted to a fake `response_url`. */
export interface SlackResponseUrlPost {
  readonly id: string;
  readonly body: unknown;
  readonly receivedAt: Date;
}

/** A running fake of the Slack Web API. */
export interface FakeSlack extends FakeHttpServer {
  /** The value for WebClient's `slackApiUrl`: `${url}/api/`. */
  readonly apiUrl: string;
  /** Every Web API call in arrival order, failed ones included. */
  readonly requests: readonly SlackApiRequest[];
  /** Messages accepted, in order. */
  readonly messages: readonly SlackSentMessage[];
  /** Bodies posted to response URLs, in order. */
  readonly responseUrlPosts: readonly SlackResponseUrlPost[];
  /** Parsed arguments of every call to `method`. */
  calls(method: string): Readonly<Record<string, unknown>>[];
  /**
   * Queues a failure for calls to `method`.
   * @param method - an API method, `response_url` for response URLs, or `*` for any
   */
  fail(method: string, spec: SlackFailureSpec): void;
  /** Drops every queued failure. */
  clearFailures(): void;
  /** Drops queued failures and everything recorded. */
  reset(): void;
  /** A fresh response URL served by this fake. */
  responseUrl(): string;
  /** Sets the time zone `users.info` returns for a user. */
  setUserTimezone(userId: string, timeZone: string): void;
  /** The Home tab last published for each user (`views.publish`). */
  readonly homeTabs: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Modals opened (`views.open`), in order. */
  readonly openedViews: readonly { readonly triggerId: string; readonly view: Readonly<Record<string, unknown>> }[];
  /** Every view accepted (`views.publish` and `views.open`), in order. */
  readonly viewLog: readonly SlackViewShown[];
}

/**
 * Starts a fake Slack Web API on 127.0.0.1. Point `new WebClient(token, { slackApiUrl: fake.apiUrl })` at it.
 * Serves `POST /api/<method>` for the methods of `fake-slack-methods.ts` (bot token checked, every call recorded,
 * failures injectable) and `POST /response-url/<id>`.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const teamId = options.teamId ?? 'T05QX8K2M7N';
  const botUserId = options.botUserId ?? 'U07H2M3PBQZ';
  const botId = options.botId ?? 'B07H2M3K9TX';
  const appId = options.appId ?? 'A07GZ5P1R3M';
  const now = options.now ?? (() => new Date());
  const timeZones = new Map(Object.entries(options.userTimezones ?? {}));
  const requests: SlackApiRequest[] = [];
  const messages: SlackSentMessage[] = [];
  const responseUrlPosts: SlackResponseUrlPost[] = [];
  const plan = new FailurePlan<SlackFailureSpec>();
  const held = new Set<ServerResponse>();
  const homeTabs = new Map<string, Record<string, unknown>>();
  const openedViews: { triggerId: string; view: Record<string, unknown> }[] = [];
  const viewLog: SlackViewShown[] = [];
  const methods = slackMethods({
    teamId,
    botUserId,
    botId,
    appId,
    now,
    dmChannels: options.dmChannels,
    timeZones,
    messages,
    homeTabs,
    openedViews,
    viewLog,
  });

  const authorise = (headers: Record<string, string>, args: Args): string | undefined => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    if (token === undefined || token === '') return 'not_authed';
    const accepted = options.token === undefined ? token.startsWith('xoxb-') : token === options.token;
    return accepted ? undefined : 'invalid_auth';
  };

  const failWith = (res: ServerResponse, spec: Exclude<SlackFailureSpec, AcceptThenTimeoutFailure>): void => {
    if (spec.kind === 'slack_error') return sendJson(res, 200, { ok: false, error: spec.error });
    if (spec.kind === 'ratelimited') {
      return sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(spec.retryAfterSeconds) });
    }
    applyFailure(res, spec, (status): { body: unknown; headers: Record<string, string> } =>
      status === 429
        ? { body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } }
        : { body: { ok: false, error: 'internal_error' }, headers: {} },
    );
  };

  const handleApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    query: URLSearchParams,
  ): Promise<void> => {
    const headers = flattenHeaders(req.headers);
    const args = parseArgs(await readBody(req), headers['content-type'] ?? '', query);
    requests.push({ method, args: args ?? {}, headers, receivedAt: new Date() });
    const failure = plan.take(method);
    const acceptThenTimeout = failure?.kind === 'accept_then_timeout';
    if (failure && !acceptThenTimeout) return failWith(res, failure);
    if (args === undefined) return sendJson(res, 200, { ok: false, error: 'invalid_json' });
    const authError = authorise(headers, args);
    if (authError) return sendJson(res, 200, { ok: false, error: authError });
    const handler = methods[method];
    const result = handler ? handler(args) : { ok: false, error: 'unknown_method' };
    if (acceptThenTimeout) return void held.add(res);
    sendJson(res, 200, result);
  };

  const handleResponseUrl = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<void> => {
    const text = await readBody(req);
    const body = parseJson(text);
    responseUrlPosts.push({ id, body: body ?? text, receivedAt: new Date() });
    const failure = plan.take('response_url');
    if (failure?.kind === 'accept_then_timeout') return void held.add(res);
    if (failure) return failWith(res, failure);
    if (body === undefined) return sendJson(res, 400, { ok: false, error: 'invalid_payload' });
    sendJson(res, 200, { ok: true });
  };

  const server = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
    const hook = /^\/response-url\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'POST' && api) return handleApi(req, res, api[1], url.searchParams);
    if (req.method === 'POST' && hook) return handleResponseUrl(req, res, hook[1]);
    sendJson(res, 404, { ok: false, error: 'not_found' });
  });

  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    requests,
    messages,
    responseUrlPosts,
    homeTabs,
    openedViews,
    viewLog,
    calls: (method) => requests.filter((r) => r.method === method).map((r) => r.args),
    fail: (method, spec) => plan.add(method, spec),
    clearFailures: () => plan.clear(),
    reset: () => {
      plan.clear();
      for (const res of held) res.destroy();
      held.clear();
      requests.length = 0;
      messages.length = 0;
      homeTabs.clear();
      openedViews.length = 0;
      viewLog.length = 0;
      responseUrlPosts.length = 0;
    },
    responseUrl: () => `${server.url}/response-url/${randomBytes(8).toString('hex')}`,
    setUserTimezone: (userId, timeZone) => {
      timeZones.set(userId, timeZone);
    },
    close: async () => {
      for (const res of held) res.destroy();
      await server.close();
    },
  };
}
