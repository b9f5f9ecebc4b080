/**
 * The Slack bot's webhook Lambda (API Gateway `POST /slack/webhook`, REST or HTTP API events). It decides and
 * answers; Slack calls happen in the worker (`worker.ts`), fed through the work queue. Clients, repositories and the
 * queue are set up at cold start with no network call; the Bolt app is built on the first request, once the
 * credentials are read (Secrets Manager, cached five minutes), and rebuilt if they rotate.
 */
import { answerPathClients, prepActionDepsFromEnv } from '../actions/deps';
import { ANSWER_PATH_CLIENT } from '../shared/client-config';
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { DynamoRequestClaims } from '../shared/request-claims';
import { slackCredentials } from '../shared/secrets';
import { SdkDigestSchedules, SdkReminderSchedules } from './app-home/schedules';
import { viewOpener } from './app-home/view-opener';
import { BoltHandler, createBoltHandler } from './bolt-app';
import { BotDeps } from './deps';
import { INTERACTION_CLAIM_TTL_SECONDS } from './interaction-identity';
import { ApiGatewayEvent, ApiGatewayResult } from './http-event';
import { handleWebhook } from './webhook';
import { now } from '../shared/time';

const logger = createLogger('slack-bot');
// Calls before the answer share Slack's 3 s: the action core's short attempts, its scheduler client shared with the
// Home tab's schedules.
const clients = answerPathClients();
const deps: BotDeps = {
  ...prepActionDepsFromEnv(logger, clients),
  reminderSchedules: new SdkReminderSchedules(clients.scheduler, requiredEnv('SCHEDULE_GROUP_NAME')),
  digests: new SdkDigestSchedules(clients.scheduler, {
    groupName: requiredEnv('SCHEDULE_GROUP_NAME'),
    targetArn: requiredEnv('DIGEST_TARGET_ARN'),
    roleArn: requiredEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requiredEnv('REMINDER_DEAD_LETTER_QUEUE_ARN'),
  }),
  views: viewOpener,
};

/**
 * The claims of state-changing interactions: `slack#…` items of the SMS answers table, this service's own small
 * table with a TTL (its key attribute is Twilio's `message_sid`; the webhook may write only `slack#` keys).
 */
const claims = new DynamoRequestClaims(
  dynamoDocumentClient(ANSWER_PATH_CLIENT),
  requiredEnv('INTERACTION_CLAIMS_TABLE_NAME'),
  {
    keyAttribute: 'message_sid',
    ttlSeconds: INTERACTION_CLAIM_TTL_SECONDS,
    now,
  },
);

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
  return handleWebhook(event, context, { credentials: slackCredentials, bolt: boltFor, now, logger, claims });
}
