/**
 * The Slack bot's Lambda (API Gateway `POST /slack/webhook`, REST or HTTP API events). Clients, repositories and
 * prep kits are set up at cold start with no network call; the Bolt app is built on the first request, once the
 * credentials are read (Secrets Manager, cached five minutes), and rebuilt if they rotate.
 */
import { randomUUID } from 'node:crypto';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { BotMeetingsRepository } from '../shared/bot-meetings';
import { ChatSessionsRepository } from '../shared/chat-sessions';
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { loadPrepKits } from '../shared/prep-kits';
import { UsersRepository } from '../shared/repositories';
import { slackCredentials } from '../shared/secrets';
import { createSlackWebClient, slackApiUrl } from '../shared/slack-web-client';
import { BoltHandler, MessageUpdater, createBoltHandler } from './bolt-app';
import { BotDeps, SlackPort } from './deps';
import { ApiGatewayEvent, ApiGatewayResult } from './http-event';
import { SdkReminderScheduler } from './reminders';
import { BotMessage } from './views';
import { handleWebhook } from './webhook';
import { now } from '../shared/time';

/** Time allowed for one Slack Web API call: every request must be answered inside Slack's 3 seconds. */
export const SLACK_CALL_TIMEOUT_MS = 2500;

const logger = createLogger('slack-bot');
const db = dynamoDocumentClient();
const apiUrl = slackApiUrl();
const baseDeps: Omit<BotDeps, 'slack'> = {
  meetings: new BotMeetingsRepository(db, requiredEnv('MEETINGS_TABLE_NAME')),
  users: new UsersRepository(db, requiredEnv('USERS_TABLE_NAME')),
  sessions: new ChatSessionsRepository(db, requiredEnv('CHAT_SESSIONS_TABLE_NAME')),
  reminders: new SdkReminderScheduler(new SchedulerClient({ maxAttempts: 2 })),
  reminderTarget: {
    groupName: requiredEnv('SCHEDULE_GROUP_NAME'),
    stateMachineArn: requiredEnv('STATE_MACHINE_ARN'),
    roleArn: requiredEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requiredEnv('REMINDER_DEAD_LETTER_QUEUE_ARN'),
  },
  kits: loadPrepKits(),
  newId: randomUUID,
  now,
  logger,
};

const blocksOf = (message: BotMessage) => ({ text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });

/** The Slack port and updater over one WebClient: no retries of its own, short timeout, rate limits fail fast. */
function slackAdapters(botToken: string): SlackPort & MessageUpdater {
  const client = createSlackWebClient(botToken, SLACK_CALL_TIMEOUT_MS);
  return {
    async postMessage(channel, message) {
      await client.chat.postMessage({ channel, ...blocksOf(message), unfurl_links: false });
    },
    async postEphemeral(channel, user, message) {
      await client.chat.postEphemeral({ channel, user, ...blocksOf(message) });
    },
    async update(channel, ts, message) {
      await client.chat.update({ channel, ts, ...blocksOf(message) });
    },
  };
}

let bolt: { key: string; handle: BoltHandler } | undefined;

function boltFor(credentials: { botToken: string; signingSecret: string }): BoltHandler {
  const key = `${credentials.botToken}\u0000${credentials.signingSecret}`;
  if (bolt?.key !== key) {
    const slack = slackAdapters(credentials.botToken);
    bolt = {
      key,
      handle: createBoltHandler({
        botToken: credentials.botToken,
        signingSecret: credentials.signingSecret,
        deps: { ...baseDeps, slack },
        updater: slack,
        ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
      }),
    };
  }
  return bolt.handle;
}

/** Lambda entry point. */
export async function handler(event: ApiGatewayEvent, context: unknown): Promise<ApiGatewayResult> {
  return handleWebhook(event, context, { credentials: slackCredentials, bolt: boltFor, now, logger });
}
