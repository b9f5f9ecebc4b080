/**
 * Arrangement of the Slack bot tests: API Gateway events (REST v1 and HTTP API v2, from the fixtures) carrying
 * Slack payloads signed with the local signing secret at the current time, and readers of the bot's tables.
 */
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Meeting } from '../../lambda/shared/domain';
import { ChatSession } from '../../lambda/shared/chat-sessions';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../lambda/slack-bot/http-event';
import { slackSignature } from '../../lambda/slack-bot/verify-signature';
import { LOCAL_CREDENTIALS, LocalEnvironment } from '../../lib/local/local-environment';
import httpV2Command from '../fixtures/apigw/http-v2-slack-command.json';
import restV1Interaction from '../fixtures/apigw/rest-v1-slack-interaction.json';
import remindLaterPayload from '../fixtures/slack/block-actions-remind-later.json';
import startPrepPayload from '../fixtures/slack/block-actions-start-prep.json';
import messageChanged from '../fixtures/slack/event-message-changed.json';
import botEcho from '../fixtures/slack/event-message-im-bot-echo.json';
import messageIm from '../fixtures/slack/event-message-im.json';
import slashCommand from '../fixtures/slack/slash-command-meetings.json';
import urlVerification from '../fixtures/slack/url-verification.json';

export { botEcho, messageChanged, messageIm, remindLaterPayload, startPrepPayload, slashCommand, urlVerification };

/** The Lambda handler's type. */
export type WebhookHandler = (event: ApiGatewayEvent, context: unknown) => Promise<ApiGatewayResult>;

/** Options for building a request. */
export interface RequestOptions {
  /** Signing secret. @default the local one */
  readonly secret?: string;
  /** Request timestamp, epoch seconds. @default now */
  readonly timestamp?: number;
  /** Replace the computed signature. */
  readonly signature?: string;
  /** Leave the Slack signature headers out. */
  readonly unsigned?: boolean;
  /** Extra headers (e.g. `X-Slack-Retry-Num`). */
  readonly headers?: Readonly<Record<string, string>>;
}

function slackHeaders(body: string, options: RequestOptions, lowerCase: boolean): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? slackSignature(options.secret ?? LOCAL_CREDENTIALS.slackSigningSecret, timestamp, body);
  const names = lowerCase
    ? { ts: 'x-slack-request-timestamp', sig: 'x-slack-signature' }
    : { ts: 'X-Slack-Request-Timestamp', sig: 'X-Slack-Signature' };
  return options.unsigned ? {} : { [names.ts]: String(timestamp), [names.sig]: signature };
}

/** A REST API (v1) event, headers in Slack's case, body as given (not base64). */
export function restEvent(body: string, contentType: string, options: RequestOptions = {}): ApiGatewayEvent {
  const base = Object.fromEntries(
    Object.entries(restV1Interaction.headers).filter(([name]) => !name.toLowerCase().startsWith('x-slack-') && name !== 'Content-Type'),
  );
  const headers = { ...base, 'Content-Type': contentType, ...slackHeaders(body, options, false), ...options.headers };
  return {
    ...restV1Interaction,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body,
    isBase64Encoded: false,
  };
}

/** An HTTP API (v2) event, lower-case headers, body base64-encoded unless `base64` is false. */
export function httpEvent(body: string, contentType: string, options: RequestOptions & { base64?: boolean } = {}): ApiGatewayEvent {
  const base = Object.fromEntries(Object.entries(httpV2Command.headers).filter(([name]) => !name.startsWith('x-slack-')));
  const base64 = options.base64 ?? true;
  return {
    ...httpV2Command,
    headers: {
      ...base,
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(body)),
      ...slackHeaders(body, options, true),
      ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    },
    body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: base64,
  };
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

/** The `/meetings` form body for a user. */
export function slashCommandBody(overrides: Partial<Record<keyof typeof slashCommand, string>> = {}): string {
  return new URLSearchParams({ ...slashCommand, ...overrides }).toString();
}

type Payload = typeof startPrepPayload;

/** A `payload=` body of a button click, for `actionId`, by `userId`, on the fixture's message. */
export function clickBody(actionId: 'start_prep' | 'remind_later', options: { userId?: string; meetingId?: string; ephemeral?: boolean; responseUrl?: string } = {}): string {
  const fixture = (actionId === 'start_prep' ? startPrepPayload : remindLaterPayload) as Payload;
  const value = JSON.stringify({ meeting_id: options.meetingId ?? 'm-7f3a', user_id: 'U024BE7LH' });
  const payload = {
    ...fixture,
    user: { ...fixture.user, id: options.userId ?? fixture.user.id },
    container: { ...fixture.container, is_ephemeral: options.ephemeral ?? false },
    ...(options.responseUrl ? { response_url: options.responseUrl } : {}),
    actions: fixture.actions.map((a) => ({ ...a, value })),
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** A DM event body with a fresh event id (or the one given). */
export function dmBody(text: string, eventId = `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`, ts = `${Date.now() / 1000}`): string {
  return JSON.stringify({ ...messageIm, event_id: eventId, event: { ...messageIm.event, text, ts, event_ts: ts } });
}

/** The chat sessions (event markers left out). */
export async function readSessions(env: LocalEnvironment): Promise<ChatSession[]> {
  const out = await env.db.send(new ScanCommand({ TableName: env.tables.chatSessions, ConsistentRead: true }));
  return ((out.Items ?? []) as ChatSession[]).filter((item) => !item.session_id.startsWith('event#'));
}

/** Writes meetings. */
export async function putMeetings(env: LocalEnvironment, meetings: readonly Meeting[]): Promise<void> {
  for (const meeting of meetings) await env.db.send(new PutCommand({ TableName: env.tables.meetings, Item: meeting }));
}

/** Empties every table. */
export async function clearTables(env: LocalEnvironment): Promise<void> {
  const keys: [string, string][] = [
    [env.tables.meetings, 'meeting_id'],
    [env.tables.users, 'user_id'],
    [env.tables.chatSessions, 'session_id'],
  ];
  for (const [table, key] of keys) {
    const out = await env.db.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    for (const item of out.Items ?? []) {
      await env.db.send(new DeleteCommand({ TableName: table, Key: { [key]: item[key] } }));
    }
  }
}

/** A meeting starting exactly `minutesAhead` minutes from now. */
export function startingIn(minutesAhead: number): string {
  return new Date(Date.now() + minutesAhead * 60_000).toISOString();
}
