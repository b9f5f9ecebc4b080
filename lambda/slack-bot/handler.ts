/**
 * The Slack bot's webhook Lambda (API Gateway `POST /slack/webhook`, REST or HTTP API events). It decides and
 * answers; Slack calls happen in the worker (`worker.ts`), fed through the work queue. Clients, repositories and the
 * queue are set up at cold start with no network call; the Bolt app is built on the first request, once the
 * credentials are read (Secrets Manager, cached five minutes), and rebuilt if they rotate.
 */
import { randomUUID } from 'node:crypto';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { reminderTargetFromEnv } from '../actions/deps';
import { ANSWER_PATH_CLIENT, awsClientConfig } from '../shared/aws-clients';
import { BotMeetingsRepository } from '../shared/bot-meetings';
import { ChatSessionsRepository } from '../shared/chat-sessions';
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { UsersRepository } from '../shared/users-repository';
import { slackCredentials } from '../shared/secrets';
import { SdkDigestSchedules, SdkReminderSchedules } from './app-home/schedules';
import { viewOpener } from './app-home/view-opener';
import { BoltHandler, createBoltHandler } from './bolt-app';
import { BotDeps } from './deps';
import { ApiGatewayEvent, ApiGatewayResult } from './http-event';
import { SdkReminderScheduler } from '../actions/reminders';
import { handleWebhook } from './webhook';
import { SqsWorkQueue } from '../actions/work-queue';
import { now } from '../shared/time';

const logger = createLogger('slack-bot');
// Calls before the answer share Slack's 3 s: short attempts, few of them, each call done within the 2 s deadline.
const db = dynamoDocumentClient(ANSWER_PATH_CLIENT);
const fast = awsClientConfig(ANSWER_PATH_CLIENT);
const scheduler = new SchedulerClient(fast);
const deps: BotDeps = {
  meetings: new BotMeetingsRepository(db, requiredEnv('MEETINGS_TABLE_NAME')),
  users: new UsersRepository(db, requiredEnv('USERS_TABLE_NAME')),
  sessions: new ChatSessionsRepository(db, requiredEnv('CHAT_SESSIONS_TABLE_NAME')),
  reminders: new SdkReminderScheduler(scheduler),
  reminderTarget: reminderTargetFromEnv(),
  reminderSchedules: new SdkReminderSchedules(scheduler, requiredEnv('SCHEDULE_GROUP_NAME')),
  digests: new SdkDigestSchedules(scheduler, {
    groupName: requiredEnv('SCHEDULE_GROUP_NAME'),
    targetArn: requiredEnv('DIGEST_TARGET_ARN'),
    roleArn: requiredEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requiredEnv('REMINDER_DEAD_LETTER_QUEUE_ARN'),
  }),
  views: viewOpener,
  queue: new SqsWorkQueue(new SQSClient(fast), requiredEnv('WORK_QUEUE_URL')),
  newId: randomUUID,
  now,
  logger,
};

let bolt: { key: string; handle: BoltHandler } | undefined;

function boltFor(credentials: { botToken: string; signingSecret: string }): BoltHandler {
  const key = `${credentials.botToken}\u0000${credentials.signingSecret}`;
  if (bolt?.key !== key) {
    bolt = {
      key,
      handle: createBoltHandler({ botToken: credentials.botToken, signingSecret: credentials.signingSecret, deps }),
    };
  }
  return bolt.handle;
}

/** Lambda entry point. */
export async function handler(event: ApiGatewayEvent, context: unknown): Promise<ApiGatewayResult> {
  return handleWebhook(event, context, { credentials: slackCredentials, bolt: boltFor, now, logger });
}
