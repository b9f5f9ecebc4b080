/**
 * The Slack Web API methods of the Slack stand-in, as Slack answers them: what each method checks, what it stores in
 * the workspace (messages, Home tabs, modals) and what it returns. `fake-slack.ts` serves them over HTTP with
 * authentication, recording and injected failures.
 */
import { timeZoneOffsetSeconds } from './fake-http';
import { viewProblem } from './fake-slack-views';
import { type Args, parseJson } from './slack-wire';

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

/** A view Slack showed: a user's Home tab published, or a modal opened. */
export interface SlackViewShown {
  readonly method: 'views.publish' | 'views.open';
  readonly userId?: string;
  readonly view: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

/** A Web API answer: `ok` with the method's fields, or Slack's error code. */
export type SlackResult =
  | { readonly ok: true; readonly [key: string]: unknown }
  | { readonly ok: false; readonly error: string };

/** One Web API method: its arguments in, Slack's answer out. */
export type SlackMethod = (args: Args) => SlackResult;

const DEFAULT_TIME_ZONE = 'America/New_York';

/** The workspace the methods act on: its ids, clock and what Slack holds. */
export interface SlackWorkspace {
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly now: () => Date;
  /** DM channel id per user id. @default `D` followed by the user id without its first letter */
  readonly dmChannels?: Readonly<Record<string, string>>;
  /** IANA time zone per user id (`users.info`). */
  readonly timeZones: Map<string, string>;
  readonly messages: SlackSentMessage[];
  readonly homeTabs: Map<string, Record<string, unknown>>;
  readonly openedViews: { triggerId: string; view: Record<string, unknown> }[];
  readonly viewLog: SlackViewShown[];
}

/**
 * The Web API methods the stand-in serves, by name: `auth.test`, `chat.postMessage` (with `metadata`), `chat.update`,
 * `chat.postEphemeral`, `conversations.history` (`include_all_metadata`), `conversations.open`, `views.publish` and
 * `views.open` (validated as Slack does: the view's type, at most 100 blocks, a trigger id), `users.info`.
 */
export function slackMethods(workspace: SlackWorkspace): Record<string, SlackMethod> {
  const { teamId, botUserId, botId, appId, now, timeZones, messages, homeTabs, openedViews, viewLog } = workspace;
  let viewCount = 0;
  let lastTsMicros = 0;
  const viewId = (): string => `V${String(++viewCount).padStart(10, '0')}`;
  const nextTs = (): string => {
    lastTsMicros = Math.max(now().getTime() * 1000, lastTsMicros + 1);
    return `${Math.floor(lastTsMicros / 1e6)}.${String(lastTsMicros % 1e6).padStart(6, '0')}`;
  };
  const isUserId = (id: string): boolean => /^[UW][A-Z0-9]+$/.test(id);
  const dmOf = (userId: string): string => workspace.dmChannels?.[userId] ?? `D${userId.slice(1)}`;
  const botMessage = (ts: string, text: unknown, blocks: unknown): Args => ({
    user: botUserId,
    type: 'message',
    ts,
    bot_id: botId,
    app_id: appId,
    text: text ?? '',
    team: teamId,
    bot_profile: {
      id: botId,
      deleted: false,
      name: 'Exec Assistant',
      updated: 1790012345,
      app_id: appId,
      team_id: teamId,
    },
    ...(blocks === undefined ? {} : { blocks }),
  });
  const hasContent = (args: Args): boolean =>
    [args.text, args.blocks, args.attachments].some((v) => v !== undefined && v !== '');

  return {
    'auth.test': () => ({
      ok: true,
      url: 'https://acme-exec.slack.com/',
      team: 'acme-exec',
      user: 'exec_assistant',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
      if (!hasContent(args)) return { ok: false, error: 'no_text' };
      const channel = isUserId(args.channel) ? dmOf(args.channel) : args.channel;
      const ts = nextTs();
      messages.push({
        method: 'chat.postMessage',
        channel,
        ts,
        text: args.text as string | undefined,
        blocks: args.blocks,
        args,
      });
      return { ok: true, channel, ts, message: botMessage(ts, args.text, args.blocks) };
    },
    'chat.update': (args) => {
      const { channel, ts } = args;
      // Slack requires the DM id here, not the user id that chat.postMessage accepts.
      if (typeof channel !== 'string' || channel === '' || isUserId(channel))
        return { ok: false, error: 'channel_not_found' };
      if (typeof ts !== 'string' || ts === '') return { ok: false, error: 'message_not_found' };
      if (!hasContent(args)) return { ok: false, error: 'no_text' };
      messages.push({
        method: 'chat.update',
        channel,
        ts,
        text: args.text as string | undefined,
        blocks: args.blocks,
        args,
      });
      return { ok: true, channel, ts, text: args.text ?? '', message: botMessage(ts, args.text, args.blocks) };
    },
    'chat.postEphemeral': (args) => {
      const { channel, user } = args;
      if (typeof channel !== 'string' || channel === '') return { ok: false, error: 'channel_not_found' };
      if (typeof user !== 'string' || !isUserId(user)) return { ok: false, error: 'user_not_in_channel' };
      if (!hasContent(args)) return { ok: false, error: 'no_text' };
      const ts = nextTs();
      messages.push({
        method: 'chat.postEphemeral',
        channel,
        ts,
        user,
        text: args.text as string | undefined,
        blocks: args.blocks,
        args,
      });
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
      const users =
        typeof args.users === 'string'
          ? args.users
              .split(',')
              .map((u) => u.trim())
              .filter(Boolean)
          : [];
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
      return {
        ok: true,
        view: { id: viewId(), team_id: teamId, app_id: appId, bot_id: botId, ...(view as Record<string, unknown>) },
      };
    },
    'views.open': (args) => {
      const view = typeof args.view === 'string' ? parseJson(args.view) : args.view;
      // Slack requires the interaction's trigger id (it expires 3 s after the click).
      if (typeof args.trigger_id !== 'string' || args.trigger_id === '')
        return { ok: false, error: 'invalid_arguments' };
      const problem = viewProblem(view, 'modal');
      if (problem) return { ok: false, error: problem };
      openedViews.push({ triggerId: args.trigger_id, view: view as Record<string, unknown> });
      viewLog.push({ method: 'views.open', view: view as Record<string, unknown>, at: now() });
      return {
        ok: true,
        view: { id: viewId(), team_id: teamId, app_id: appId, bot_id: botId, ...(view as Record<string, unknown>) },
      };
    },
    'users.info': (args) => {
      const id = args.user;
      if (typeof id !== 'string' || !isUserId(id)) return { ok: false, error: 'user_not_found' };
      const tz = timeZones.get(id) ?? DEFAULT_TIME_ZONE;
      const label =
        new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' })
          .formatToParts(now())
          .find((p) => p.type === 'timeZoneName')?.value ?? tz;
      return {
        ok: true,
        user: {
          id,
          team_id: teamId,
          name: id.toLowerCase(),
          real_name: id,
          deleted: false,
          is_bot: false,
          tz,
          tz_label: label,
          tz_offset: timeZoneOffsetSeconds(tz, now()),
          profile: { real_name: id, display_name: id, team: teamId },
        },
      };
    },
  };
}
