/**
 * Arrangement of the Slack bot tests: API Gateway events (REST v1 and HTTP API v2, from the fixtures) carrying
 * Slack payloads signed with the local signing secret at the current time, and readers of the bot's tables.
 */
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Meeting } from '../../lambda/shared/domain';
import { ChatSession } from '../../lambda/shared/chat-sessions';
import { LocalEnvironment } from '../../local/local-environment';
import type { WebhookHandler } from '../../local/slack-requests';
import remindLaterPayload from '../fixtures/slack/block-actions-remind-later.json';
import startPrepPayload from '../fixtures/slack/block-actions-start-prep.json';
import messageChanged from '../fixtures/slack/event-message-changed.json';
import botEcho from '../fixtures/slack/event-message-im-bot-echo.json';
import messageIm from '../fixtures/slack/event-message-im.json';
import slashCommand from '../fixtures/slack/slash-command-meetings.json';
import urlVerification from '../fixtures/slack/url-verification.json';
import { startEnvironment } from './helpers';

export { botEcho, messageChanged, messageIm, remindLaterPayload, startPrepPayload, slashCommand, urlVerification };
export {
  FORM,
  JSON_TYPE,
  type RequestOptions,
  type WebhookHandler,
  clickBody,
  dmBody,
  httpEvent,
  restEvent,
  slashCommandBody,
} from '../../local/slack-requests';

/** The chat sessions. */
export async function readSessions(env: LocalEnvironment): Promise<ChatSession[]> {
  const out = await env.db.send(new ScanCommand({ TableName: env.tables.chatSessions, ConsistentRead: true }));
  return (out.Items ?? []) as ChatSession[];
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

/** The local environment and the webhook handler of a Slack bot test file. */
export interface BotEnvironment {
  readonly env: LocalEnvironment;
  readonly handler: WebhookHandler;
}

/**
 * Starts the local environment before the file's tests (closed after them) and loads the webhook handler once it is
 * up (the handler reads its environment at load time); every test starts with fresh stand-ins and empty tables.
 */
export function useBotEnvironment(): BotEnvironment {
  let started: { env: LocalEnvironment; handler: WebhookHandler } | undefined;
  const current = () => {
    if (!started)
      throw new Error('the bot environment is not started (call useBotEnvironment() at the top of the file)');
    return started;
  };

  beforeAll(async () => {
    const env = await startEnvironment();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late, after the environment is set
    const { handler } = require('../../lambda/slack-bot/handler') as { handler: WebhookHandler };
    started = { env, handler };
  }, 60_000);

  afterAll(async () => {
    await started?.env.close();
  });

  beforeEach(async () => {
    await current().env.resetFakes();
    await clearTables(current().env);
  });

  return {
    get env() {
      return current().env;
    },
    get handler() {
      return current().handler;
    },
  };
}
