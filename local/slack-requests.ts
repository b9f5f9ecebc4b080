/**
 * Slack requests built the way Slack builds them (payload shapes from the fixtures in test/fixtures/slack and
 * test/fixtures/apigw), signed with a signing secret at the current time: as API Gateway events (REST v1 and HTTP
 * API v2) for the handler, or as plain HTTP bodies and headers for the local webhook. Used by the tests, the
 * local runtime's commands and the benchmark.
 */
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/slack-bot/http-event';
import { slackSignature } from '../lambda/slack-bot/verify-signature';
import httpV2Command from '../test/fixtures/apigw/http-v2-slack-command.json';
import restV1Interaction from '../test/fixtures/apigw/rest-v1-slack-interaction.json';
import remindLaterPayload from '../test/fixtures/slack/block-actions-remind-later.json';
import startPrepPayload from '../test/fixtures/slack/block-actions-start-prep.json';
import messageIm from '../test/fixtures/slack/event-message-im.json';
import slashCommand from '../test/fixtures/slack/slash-command-meetings.json';
import { LOCAL_CREDENTIALS } from './local-credentials';

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
  const signature =
    options.signature ?? slackSignature(options.secret ?? LOCAL_CREDENTIALS.slackSigningSecret, timestamp, body);
  const names = lowerCase
    ? { ts: 'x-slack-request-timestamp', sig: 'x-slack-signature' }
    : { ts: 'X-Slack-Request-Timestamp', sig: 'X-Slack-Signature' };
  return options.unsigned ? {} : { [names.ts]: String(timestamp), [names.sig]: signature };
}

/** A REST API (v1) event, headers in Slack's case, body as given (not base64). */
export function restEvent(body: string, contentType: string, options: RequestOptions = {}): ApiGatewayEvent {
  const base = Object.fromEntries(
    Object.entries(restV1Interaction.headers).filter(
      ([name]) => !name.toLowerCase().startsWith('x-slack-') && name !== 'Content-Type',
    ),
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
export function httpEvent(
  body: string,
  contentType: string,
  options: RequestOptions & { base64?: boolean } = {},
): ApiGatewayEvent {
  const base = Object.fromEntries(
    Object.entries(httpV2Command.headers).filter(([name]) => !name.startsWith('x-slack-')),
  );
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

/** A fresh `trigger_id` in Slack's shape: each click gets its own, and the bot's queue deduplicates on it. */
export function newTriggerId(): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
  return `${digits(13)}.${digits(13)}.${Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('')}`;
}

/** A `payload=` body of a button click, for `actionId`, by `userId`, on the fixture's message, with a fresh trigger id. */
export function clickBody(
  actionId: 'start_prep' | 'remind_later',
  options: {
    userId?: string;
    meetingId?: string;
    ownerId?: string;
    ephemeral?: boolean;
    responseUrl?: string;
    triggerId?: string;
  } = {},
): string {
  const fixture = (actionId === 'start_prep' ? startPrepPayload : remindLaterPayload) as Payload;
  const value = JSON.stringify({ meeting_id: options.meetingId ?? 'm-7f3a', user_id: options.ownerId ?? 'U024BE7LH' });
  const payload = {
    ...fixture,
    user: { ...fixture.user, id: options.userId ?? fixture.user.id },
    trigger_id: options.triggerId ?? newTriggerId(),
    container: { ...fixture.container, is_ephemeral: options.ephemeral ?? false },
    ...(options.responseUrl ? { response_url: options.responseUrl } : {}),
    actions: fixture.actions.map((a) => ({ ...a, value })),
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

let lastTsMicros = 0;

/** A fresh Slack message ts: seconds, a dot and six digits, unique in this process (Slack's are unique per channel). */
export function newMessageTs(): string {
  lastTsMicros = Math.max(Date.now() * 1000, lastTsMicros + 1);
  return `${Math.floor(lastTsMicros / 1_000_000)}.${String(lastTsMicros % 1_000_000).padStart(6, '0')}`;
}

/** A DM event body with a fresh event id and message ts (or the ones given). */
export function dmBody(
  text: string,
  eventId = `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
  ts = newMessageTs(),
  userId: string = messageIm.event.user,
): string {
  return JSON.stringify({
    ...messageIm,
    event_id: eventId,
    event: { ...messageIm.event, user: userId, text, ts, event_ts: ts },
  });
}

/** Slack's signature headers for a body (what a request to the local webhook carries). */
export function signedHeaders(
  body: string,
  contentType: string,
  secret: string = LOCAL_CREDENTIALS.slackSigningSecret,
): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}
