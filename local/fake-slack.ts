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
  timeZoneOffsetSeconds,
} from './fake-http';
import { viewProblem } from './fake-slack-views';
import { type Args, parseArgs, parseJson } from './slack-wire';

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

/** A message the fake accepted through `chat.postMessage`, `chat.update` or `chat.postEphemeral`. */
export interface SlackSentMessage {
  readonly method: 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral';
  /** The channel the message lives in (a user id given to `chat.postMessage` resolves to the DM id). */
  readonly channel: string;
  /** The message ts (for an update, the ts of the message replaced). */
  readonly ts: string;
  readonly text?: string;
  readonly blocks?: unknown;
  /** The ephemeral message's recipient. */
  readonly user?: string;
  readonly args: Readonly<Record<string, unknown>>;
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

/** A view Slack showed: a user's Home tab published, or a modal opened. */
export interface SlackViewShown {
  readonly method: 'views.publish' | 'views.open';
  readonly userId?: string;
  readonly view: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

type SlackResult = { readonly ok: true; readonly [key: string]: unknown } | { readonly ok: false; readonly error: string };

const DEFAULT_TIME_ZONE = 'America/New_York';

/**
 * Starts a fake Slack Web API on 127.0.0.1. Point `new WebClient(token, { slackApiUrl: fake.apiUrl })` at it.
 * Serves `POST /api/<method>` for `auth.test`, `chat.postMessage` (with `metadata`), `chat.update`,
 * `chat.postEphemeral`, `conversations.open`, `conversations.history` (`include_all_metadata`), `users.info`,
 * `views.publish` and `views.open` (validated as Slack does: the view's type, at most 100 blocks, a trigger id),
 * and `POST /response-url/<id>`.
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
  let viewCount = 0;
  let lastTsMicros = 0;
  const viewId = (): string => `V${String(++viewCount).padStart(10, '0')}`;

  const nextTs = (): string => {
    lastTsMicros = Math.max(now().getTime() * 1000, lastTsMicros + 1);
    return `${Math.floor(lastTsMicros / 1e6)}.${String(lastTsMicros % 1e6).padStart(6, '0')}`;
  };
  const isUserId = (id: string): boolean => /^[UW][A-Z0-9]+$/.test(id);
  const dmOf = (userId: string): string => options.dmChannels?.[userId] ?? `D${userId.slice(1)}`;
  const botMessage = (ts: string, text: unknown, blocks: unknown): Args => ({
    user: botUserId, type: 'message', ts, bot_id: botId, app_id: appId, text: text ?? '', team: teamId,
    bot_profile: { id: botId, deleted: false, name: 'Exec Assistant', updated: 1790012345, app_id: appId, team_id: teamId },
    ...(blocks === undefined ? {} : { blocks }),
  });
  const hasContent = (args: Args): boolean =>
    [args.text, args.blocks, args.attachments].some((v) => v !== undefined && v !== '');

  const methods: Record<string, (args: Args) => SlackResult> = {
    'auth.test': () => ({
      ok: true, url: 'https://acme-exec.slack.com/', team: 'acme-exec', user: 'exec_assistant',
      team_id: teamId, user_id: botUserId, bot_id: botId, is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
      if (!hasContent(args)) return { ok: false, error: 'no_text' };
      const channel = isUserId(args.channel) ? dmOf(args.channel) : args.channel;
      const ts = nextTs();
      messages.push({ method: 'chat.postMessage', channel, ts, text: args.text as string | undefined, blocks: args.blocks, args });
      return { ok: true, channel, ts, message: botMessage(ts, args.text, args.blocks) };
    },
    'chat.update': (args) => {
      const { channel, ts } = args;
      // Slack requires the DM id here, not the user id that chat.postMessage accepts.
      if (typeof channel !== 'string' || channel === '' || isUserId(channel)) return { ok: false, error: 'channel_not_found' };
      if (typeof ts !== 'string' || ts === '') return { ok: false, error: 'message_not_found' };
      if (!hasContent(args)) return { ok: false, error: 'no_text' };
      messages.push({ method: 'chat.update', channel, ts, text: args.text as string | undefined, blocks: args.blocks, args });
      return { ok: true, channel, ts, text: args.text ?? '', message: botMessage(ts, args.text, args.blocks) };
    },
    'chat.postEphemeral': (args) => {
      const { channel, user } = args;
      if (typeof channel !== 'string' || channel === '') return { ok: false, error: 'channel_not_found' };
      if (typeof user !== 'string' || !isUserId(user)) return { ok: false, error: 'user_not_in_channel' };
      if (!hasContent(args)) return { ok: false, error: 'no_text' };
      const ts = nextTs();
      messages.push({ method: 'chat.postEphemeral', channel, ts, user, text: args.text as string | undefined, blocks: args.blocks, args });
      return { ok: true, message_ts: ts };
    },
    'conversations.history': (args) => {
      if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
      const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
      const oldest = Number(args.oldest ?? 0);
      const limit = Math.min(Number(args.limit ?? 100) || 100, 999);
      const found = messages
        .filter((m) => m.method === 'chat.postMessage' && m.channel === args.channel && Number(m.ts) > oldest)
        .reverse();
      return {
        ok: true,
        messages: found.slice(0, limit).map((m) => ({
          ...botMessage(m.ts, m.text, m.blocks),
          ...(withMetadata && m.args.metadata !== undefined ? { metadata: m.args.metadata } : {}),
        })),
        has_more: found.length > limit,
        pin_count: 0,
        channel_actions_ts: null,
        channel_actions_count: 0,
      };
    },
    'conversations.open': (args) => {
      const users = typeof args.users === 'string' ? args.users.split(',').map((u) => u.trim()).filter(Boolean) : [];
      if (typeof args.channel === 'string' && args.channel !== '') return { ok: true, channel: { id: args.channel } };
      if (users.length === 0) return { ok: false, error: 'users_list_not_supplied' };
      if (!users.every(isUserId)) return { ok: false, error: 'user_not_found' };
      const id = users.length === 1 ? dmOf(users[0]) : `G${users.map((u) => u.slice(1, 4)).join('')}`;
      return { ok: true, no_op: false, already_open: false, channel: { id } };
    },
    'views.publish': (args) => {
      const view = typeof args.view === 'string' ? parseJson(args.view) : args.view;
      if (typeof args.user_id !== 'string' || !isUserId(args.user_id)) return { ok: false, error: 'invalid_arguments' };
      const problem = viewProblem(view, 'home');
      if (problem) return { ok: false, error: problem };
      homeTabs.set(args.user_id, view as Record<string, unknown>);
      viewLog.push({ method: 'views.publish', userId: args.user_id, view: view as Record<string, unknown>, at: now() });
      return { ok: true, view: { id: viewId(), team_id: teamId, app_id: appId, bot_id: botId, ...(view as Record<string, unknown>) } };
    },
    'views.open': (args) => {
      const view = typeof args.view === 'string' ? parseJson(args.view) : args.view;
      // Slack requires the interaction's trigger id (it expires 3 s after the click).
      if (typeof args.trigger_id !== 'string' || args.trigger_id === '') return { ok: false, error: 'invalid_arguments' };
      const problem = viewProblem(view, 'modal');
      if (problem) return { ok: false, error: problem };
      openedViews.push({ triggerId: args.trigger_id, view: view as Record<string, unknown> });
      viewLog.push({ method: 'views.open', view: view as Record<string, unknown>, at: now() });
      return { ok: true, view: { id: viewId(), team_id: teamId, app_id: appId, bot_id: botId, ...(view as Record<string, unknown>) } };
    },
    'users.info': (args) => {
      const id = args.user;
      if (typeof id !== 'string' || !isUserId(id)) return { ok: false, error: 'user_not_found' };
      const tz = timeZones.get(id) ?? DEFAULT_TIME_ZONE;
      const label = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' })
        .formatToParts(now()).find((p) => p.type === 'timeZoneName')?.value ?? tz;
      return {
        ok: true,
        user: {
          id, team_id: teamId, name: id.toLowerCase(), real_name: id, deleted: false, is_bot: false,
          tz, tz_label: label, tz_offset: timeZoneOffsetSeconds(tz, now()),
          profile: { real_name: id, display_name: id, team: teamId },
        },
      };
    },
  };

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
        : { body: { ok: false, error: 'internal_error' }, headers: {} });
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> => {
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
