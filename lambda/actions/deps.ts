/**
 * The action core's dependencies from the environment the stack gives a function (`SlackBotApi.grantPrepActions`):
 * the tables, the reminder schedule group and its target, the bot's work queue. Clients are built with no network
 * call, and with short attempts: every entry point answers a person (or Slack, or Twilio) that is waiting.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ChatSessionsRepository } from '../shared/chat-sessions';
import { dynamoDocumentClient } from '../shared/clients';
import { ANSWER_PATH_CLIENT, awsClientConfig } from '../shared/client-config';
import { requiredEnv } from '../shared/env';
import { upcomingMeetings } from '../shared/meetings/by-user';
import { MeetingsRepository } from '../shared/meetings-repository';
import { UsersRepository } from '../shared/users-repository';
import { now } from '../shared/time';
import { ReminderTargetConfig, SdkReminderScheduler } from './reminders';
import { SqsWorkQueue } from './work-queue';
import type { PrepActionDeps } from './action';

/** Where reminder schedules go, from the environment. */
export function reminderTargetFromEnv(): ReminderTargetConfig {
  return {
    groupName: requiredEnv('SCHEDULE_GROUP_NAME'),
    stateMachineArn: requiredEnv('STATE_MACHINE_ARN'),
    roleArn: requiredEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requiredEnv('REMINDER_DEAD_LETTER_QUEUE_ARN'),
  };
}

/** The core's dependencies built from the environment, with the repositories whole (an entry point may use more). */
export interface PrepActionDepsFromEnv extends PrepActionDeps {
  readonly meetings: MeetingsRepository;
  readonly users: UsersRepository;
  readonly sessions: ChatSessionsRepository;
}

/** The clients the core sends with besides DynamoDB. */
export interface PrepActionClients {
  readonly scheduler: SchedulerClient;
  readonly sqs: SQSClient;
}

/** The core's clients: calls before the answer share the caller's patience, so short attempts, few of them. */
export function answerPathClients(): PrepActionClients {
  const fast = awsClientConfig(ANSWER_PATH_CLIENT);
  return { scheduler: new SchedulerClient(fast), sqs: new SQSClient(fast) };
}

/**
 * The core's dependencies for a Lambda function; `requiredEnv` throws naming any variable that is missing. The
 * meetings repository lists meetings too (the by-user index): the Slack webhook builds its dependencies on these,
 * with the clients it shares with its own schedules.
 */
export function prepActionDepsFromEnv(
  logger: Logger,
  clients: PrepActionClients = answerPathClients(),
): PrepActionDepsFromEnv {
  const db = dynamoDocumentClient(ANSWER_PATH_CLIENT);
  return {
    meetings: new MeetingsRepository(db, requiredEnv('MEETINGS_TABLE_NAME'), { byUser: upcomingMeetings }),
    users: new UsersRepository(db, requiredEnv('USERS_TABLE_NAME')),
    sessions: new ChatSessionsRepository(db, requiredEnv('CHAT_SESSIONS_TABLE_NAME')),
    reminders: new SdkReminderScheduler(clients.scheduler),
    reminderTarget: reminderTargetFromEnv(),
    queue: new SqsWorkQueue(clients.sqs, requiredEnv('WORK_QUEUE_URL')),
    newId: randomUUID,
    now,
    logger,
  };
}
