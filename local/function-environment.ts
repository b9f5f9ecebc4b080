/**
 * The variables that point the functions at the local stand-ins, the way a deployed function is pointed at AWS:
 * the standard `AWS_ENDPOINT_URL_<SERVICE>` variables, the documented `SLACK_API_URL`/`TWILIO_API_URL`, and the
 * credentials each stand-in accepts. The handlers read only these, so they run unchanged against the stand-ins.
 */
import { LOCAL_CREDENTIALS, LOCAL_REMINDERS } from './local-credentials';
import type { RealIntegrations } from './real-integrations';

/** The SES configuration set the prep emails are sent in locally. */
export const LOCAL_CONFIGURATION_SET = 'exec-assistant-prep-emails-local';

/** Where each stand-in listens on loopback. */
export interface StandInUrls {
  /** What the functions call DynamoDB at: dynalite itself, or the fault proxy in front of it. */
  readonly dynamodb: string;
  readonly ses: string;
  readonly scheduler: string;
  readonly sfn: string;
  readonly sqs: string;
  /** The Slack Web API stand-in's API base (`…/api/`). */
  readonly slackApi: string;
  readonly twilio: string;
  /** The API stand-in's receipt route, `POST /twilio/status`. */
  readonly statusCallbackUrl: string;
  /** The API stand-in's incoming-SMS route, `POST /twilio/sms`. */
  readonly smsWebhookUrl: string;
  /** The API stand-in's base URL. */
  readonly apiUrl: string;
}

/** Inputs of {@link functionEnvironment}. */
export interface FunctionEnvironmentInputs {
  readonly urls: StandInUrls;
  /** The Slack bot's work queue, as created on the SQS stand-in, and its redrive setting from the template. */
  readonly workQueue: { readonly url: string; readonly arn: string; readonly maxReceiveCount: number };
  /** Integrations that keep the person's own variables. @default none */
  readonly real?: RealIntegrations;
  /** `PROVIDER_TIMEOUT_MS`. @default unset: the functions' own */
  readonly providerTimeoutMs?: number;
  /** What the template gives the functions: table names and routing settings. */
  readonly fromTemplate: Readonly<Record<string, string>>;
}

/** The variables to set on `process.env` before a handler is loaded. */
export function functionEnvironment(inputs: FunctionEnvironmentInputs): Record<string, string> {
  const { urls, workQueue, providerTimeoutMs } = inputs;
  const real = inputs.real ?? {};
  return {
    AWS_REGION: process.env['AWS_REGION'] ?? 'us-east-1',
    ...(real.ses
      ? {}
      : {
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL_SES: urls.ses,
          AWS_ENDPOINT_URL_SESV2: urls.ses,
        }),
    AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
    AWS_ENDPOINT_URL_SCHEDULER: urls.scheduler,
    AWS_ENDPOINT_URL_SFN: urls.sfn,
    TWILIO_STATUS_CALLBACK_URL: urls.statusCallbackUrl,
    TWILIO_SMS_WEBHOOK_URL: urls.smsWebhookUrl,
    // The email's links point at the API stand-in, which serves /act and /unsubscribe with the real handler.
    PUBLIC_API_URL: urls.apiUrl,
    ACTION_LINK_KEYS: LOCAL_CREDENTIALS.actionLinkKeys,
    SES_CONFIGURATION_SET: LOCAL_CONFIGURATION_SET,
    ...(providerTimeoutMs !== undefined ? { PROVIDER_TIMEOUT_MS: String(providerTimeoutMs) } : {}),
    AWS_ENDPOINT_URL_SQS: urls.sqs,
    WORK_QUEUE_URL: workQueue.url,
    DIGEST_TARGET_ARN: workQueue.arn,
    WORK_MAX_RECEIVE_COUNT: String(workQueue.maxReceiveCount),
    SCHEDULE_GROUP_NAME: LOCAL_REMINDERS.scheduleGroupName,
    STATE_MACHINE_ARN: LOCAL_REMINDERS.stateMachineArn,
    SCHEDULER_ROLE_ARN: LOCAL_REMINDERS.schedulerRoleArn,
    REMINDER_DEAD_LETTER_QUEUE_ARN: LOCAL_REMINDERS.deadLetterQueueArn,
    ...(real.slack
      ? {}
      : {
          SLACK_API_URL: urls.slackApi,
          SLACK_BOT_TOKEN: LOCAL_CREDENTIALS.slackBotToken,
          SLACK_SIGNING_SECRET: LOCAL_CREDENTIALS.slackSigningSecret,
        }),
    ...(real.twilio
      ? {}
      : {
          TWILIO_API_URL: urls.twilio,
          TWILIO_ACCOUNT_SID: LOCAL_CREDENTIALS.twilioAccountSid,
          TWILIO_AUTH_TOKEN: LOCAL_CREDENTIALS.twilioAuthToken,
          TWILIO_FROM_NUMBER: LOCAL_CREDENTIALS.twilioFromNumber,
        }),
    ...(real.ses ? {} : { SES_FROM_EMAIL: LOCAL_CREDENTIALS.sesFromEmail }),
    POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'SILENT',
    POWERTOOLS_METRICS_DISABLED: process.env['POWERTOOLS_METRICS_DISABLED'] ?? 'true',
    ...inputs.fromTemplate,
  };
}
