/**
 * The Slack bot's worker Lambda, fed by the work queue (SQS FIFO, ReportBatchItemFailures): every Slack call that
 * answers a click or a DM happens here, after the webhook has answered Slack. The next sprint's prep agent (slow,
 * model-driven) plugs in at the DM job.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ChatSessionsRepository } from '../shared/chat-sessions';
import { dynamoDocumentClient } from '../shared/clients';
import { awsClientConfig } from '../shared/client-config';
import { optionalEnv, requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { upcomingMeetings } from '../shared/meetings/by-user';
import { MeetingsRepository } from '../shared/meetings-repository';
import { MetricNames, countMetric } from '../shared/metrics';
import { loadPrepKits } from './prep-kits';
import { UsersRepository } from '../shared/users-repository';
import { ses } from '../channels/email/sender';
import { emailSender, slackCredentials } from '../shared/secrets';
import { runDigest, runHomeRefresh } from './app-home/home-work';
import { SdkReminderSchedules } from './app-home/schedules';
import { runClickReply, runStartPrep } from './click-work';
import { SlackPort, WorkerDeps } from './deps';
import { SesKitMailer } from './kit-email';
import { handleDirectMessage } from './direct-message';
import { createSlackPort } from './slack-port';
import { WorkBatchDeps, runWorkBatch } from './work-runner';

const logger = createLogger('slack-worker');
const db = dynamoDocumentClient();
const queueUrl = requiredEnv('WORK_QUEUE_URL');
const maxReceiveCount = Number(optionalEnv('WORK_MAX_RECEIVE_COUNT') ?? '5');
const sqs = new SQSClient(awsClientConfig());
const base: Omit<WorkerDeps, 'slack'> = {
  meetings: new MeetingsRepository(db, requiredEnv('MEETINGS_TABLE_NAME'), { byUser: upcomingMeetings }),
  users: new UsersRepository(db, requiredEnv('USERS_TABLE_NAME')),
  sessions: new ChatSessionsRepository(db, requiredEnv('CHAT_SESSIONS_TABLE_NAME')),
  kits: loadPrepKits(),
  ...(emailSender() ? { mailer: new SesKitMailer(ses(), emailSender() as string) } : {}),
  reminders: new SdkReminderSchedules(new SchedulerClient(awsClientConfig()), requiredEnv('SCHEDULE_GROUP_NAME')),
  now: () => new Date(),
  logger,
};

let port: { token: string; slack: SlackPort } | undefined;

async function workerDeps(): Promise<WorkerDeps> {
  const credentials = await slackCredentials();
  if (!credentials)
    throw new Error('Slack is not configured: no bot token (SLACK_SECRET_ARN secret or SLACK_BOT_TOKEN)');
  if (port?.token !== credentials.botToken)
    port = { token: credentials.botToken, slack: createSlackPort(credentials.botToken) };
  return { ...base, slack: port.slack };
}

const batchDeps: WorkBatchDeps = {
  deps: workerDeps,
  maxReceiveCount,
  delay: async (receiptHandle, seconds) => {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  },
  jobs: {
    startPrep: runStartPrep,
    clickReply: runClickReply,
    directMessage: handleDirectMessage,
    homeRefresh: runHomeRefresh,
    digest: runDigest,
  },
  metric: (name, dimensions) => countMetric(MetricNames[name], dimensions),
  logger,
};

/** Lambda entry point (SQS event source mapping, partial batch responses). */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  return runWorkBatch(event, batchDeps);
}
