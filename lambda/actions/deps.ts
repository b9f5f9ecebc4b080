/**
 * The action core's dependencies from the environment the stack gives a function (`SlackBotApi.grantPrepActions`):
 * the tables, the reminder schedule group and its target, the bot's work queue. Clients are built with no network
 * call, and with short attempts: every entry point answers a person (or Slack, or Twilio) that is waiting.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ANSWER_PATH_CLIENT, awsClientConfig } from '../shared/aws-clients';
import { BotMeetingsRepository } from '../shared/bot-meetings';
import { ChatSessionsRepository } from '../shared/chat-sessions';
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { UsersRepository } from '../shared/users-repository';
import { now } from '../shared/time';
import { ReminderTargetConfig, SdkReminderScheduler } from './reminders';
import { SqsWorkQueue } from './work-queue';
import { PrepActionDeps } from './core';

/** Where reminder schedules go, from the environment. */
export function reminderTargetFromEnv(): ReminderTargetConfig {
  return {
    groupName: requiredEnv('SCHEDULE_GROUP_NAME'),
    stateMachineArn: requiredEnv('STATE_MACHINE_ARN'),
    roleArn: requiredEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requiredEnv('REMINDER_DEAD_LETTER_QUEUE_ARN'),
  };
}

/** The core's dependencies for a Lambda function; `requiredEnv` throws naming any variable that is missing. */
export function prepActionDepsFromEnv(logger: Logger): PrepActionDeps {
  // Calls before the answer share the caller's patience: short attempts, few of them.
  const db = dynamoDocumentClient(ANSWER_PATH_CLIENT);
  const fast = awsClientConfig(ANSWER_PATH_CLIENT);
  return {
    meetings: new BotMeetingsRepository(db, requiredEnv('MEETINGS_TABLE_NAME')),
    users: new UsersRepository(db, requiredEnv('USERS_TABLE_NAME')),
    sessions: new ChatSessionsRepository(db, requiredEnv('CHAT_SESSIONS_TABLE_NAME')),
    reminders: new SdkReminderScheduler(new SchedulerClient(fast)),
    reminderTarget: reminderTargetFromEnv(),
    queue: new SqsWorkQueue(new SQSClient(fast), requiredEnv('WORK_QUEUE_URL')),
    newId: randomUUID,
    now,
    logger,
  };
}
