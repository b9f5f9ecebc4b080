/**
 * The app's configuration, read once from CDK context by `bin/app.ts` and passed down as readonly props.
 * The stack itself reads no environment and no context.
 */
import * as fs from 'node:fs';
import {
  AGENTS_CONFIG_PATH,
  type ChannelName,
  readMinimumLeadMinutes,
  readNotificationChannels,
} from './agents-config';
import { settingReader } from './config-settings';
import { type WebAclSettings, readPublicBudget } from './public-budget-settings';
import type { PublicRoute, RouteThrottle } from './public-routes';
import { CONTEXT_KEYS, STAGES_DIR, readStageFile } from './stage-file';

export type { ChannelName } from './agents-config';

/** Deployment stages. */
export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** Names of tables that already exist; the stack imports them instead of creating its own. */
export interface ExistingTables {
  readonly meetingsTableName: string;
  readonly usersTableName: string;
  readonly chatSessionsTableName: string;
  /** The KMS key the existing tables are encrypted with, if customer-managed. */
  readonly encryptionKeyArn?: string;
}

/** Settings that follow from the stage (its file in `config/stages/`). */
export interface StageSettings {
  readonly logRetentionDays: number;
  /** Whether data (tables, keys) outlives the stack. */
  readonly retainData: boolean;
  /**
   * The API stage's default throttle: it applies to a method without a throttle of its own, and every public method
   * has one (`routeThrottles`), so it is the fallback, not a budget the routes share.
   */
  readonly apiThrottle: { readonly rate: number; readonly burst: number };
  /** Each public method's own throttle, sized to its caller (docs/DEPLOY.md, "The public API's budget"). */
  readonly routeThrottles: Readonly<Record<PublicRoute, RouteThrottle>>;
  /** The AWS WAF web ACL on the API stage; absent when the stage has none (`webAcl: false`). */
  readonly webAcl?: WebAclSettings;
  /**
   * How long NotifyViaSms and NotifyViaEmail wait for the provider's receipt, in seconds; none in time → the send is
   * recorded UNCONFIRMED, never resent.
   */
  readonly receiptWaitSeconds: { readonly sms: number; readonly email: number };
  /**
   * Whether the stack creates its CloudWatch alarms (and the alarm topic they notify, with its key). Off, the
   * metrics are still emitted, but nothing reads them and nobody is paged.
   */
  readonly alarmsEnabled: boolean;
  /** Whether the stack creates its CloudWatch dashboard. */
  readonly dashboardEnabled: boolean;
  /**
   * Whether the tables the stack creates are encrypted with a customer-managed KMS key (else DynamoDB's AWS-managed
   * key). The alarm topic keeps its own key whenever there are alarms: CloudWatch cannot publish to a topic
   * encrypted with the AWS-managed `aws/sns` key.
   */
  readonly customerManagedKeys: boolean;
  /** Alarm thresholds: how many in one 5-minute period raise the alarm. */
  readonly alarms: {
    /** Failed or timed-out executions (AllChannelsFailed included). */
    readonly failedExecutions: number;
    /** Lambda errors, per function. */
    readonly lambdaErrors: number;
    /** Webhook 5xx responses. */
    readonly webhook5xx: number;
  };
}

/** Everything the stack is built from. */
export interface AppConfig {
  readonly stage: Stage;
  /** @default undefined: the stack creates its tables */
  readonly existingTables?: ExistingTables;
  /** Slack secret to import (JSON `{"bot_token","signing_secret"}`). @default a secret the stack creates */
  readonly slackSecretArn?: string;
  /** Twilio secret to import (JSON `{"account_sid","auth_token","from_number"}`). @default a secret the stack creates */
  readonly twilioSecretArn?: string;
  /**
   * The customer-managed KMS key the imported secrets are encrypted with: the functions reading them may decrypt
   * with it through Secrets Manager only. @default undefined: the secrets use the AWS-managed key
   */
  readonly secretsEncryptionKeyArn?: string;
  /** Verified SES sender address. @default undefined: email is skipped as not configured */
  readonly sesFromEmail?: string;
  /** Channels in the order they are tried, from `config/agents.yaml`. */
  readonly notificationChannels: readonly ChannelName[];
  /**
   * The least time before the meeting a notification held back by quiet hours must still arrive, in minutes
   * (`meeting_coordinator.quiet_hours_minimum_lead_minutes` in `config/agents.yaml`). @default 120
   */
  readonly minimumLeadMinutes?: number;
  /**
   * Whether the prep workflow, its rule and the Slack bot are deployed. `false` is the rollback path: they are
   * removed, the tables and their data stay. @default true
   */
  readonly enablePrepNotification: boolean;
  /** Where alarm notifications are emailed. @default undefined: the alarm topic has no subscription */
  readonly alarmEmail?: string;
  /** Retention, throttling and alarm thresholds of the stage. */
  readonly settings: StageSettings;
}

/** CloudWatch Logs' retention periods, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/;
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Builds the config: the stage from context (default `dev`), its committed file `config/stages/<stage>.yaml`, any
 * `-c key=value` override on top, and the channel order from agents.yaml. Throws one error that lists every
 * problem found (one line each, naming the file or context key), so a bad deploy fails at synth with all of them.
 */
export function loadConfig(
  context: (key: string) => unknown,
  agentsYaml = fs.readFileSync(AGENTS_CONFIG_PATH, 'utf8'),
  stagesDir = STAGES_DIR,
): AppConfig {
  const problems: string[] = [];
  const stageValue = context(CONTEXT_KEYS.stage);
  const stage = stageValue === undefined || stageValue === null || stageValue === '' ? 'dev' : stageValue;
  const validStage = typeof stage === 'string' && (STAGES as readonly string[]).includes(stage);
  if (!validStage) problems.push(`context stage must be one of ${STAGES.join(', ')}, got ${JSON.stringify(stage)}`);
  const file = validStage ? (readStageFile(stage, problems, stagesDir) ?? {}) : {};
  const fileLabel = `config/stages/${String(stage)}.yaml:`;

  const reader = settingReader(context, file, fileLabel, problems);
  const { setting, str, bool, int } = reader;

  const names = {
    meetingsTableName: str(CONTEXT_KEYS.meetingsTableName, TABLE_NAME, 'a valid DynamoDB table name'),
    usersTableName: str(CONTEXT_KEYS.usersTableName, TABLE_NAME, 'a valid DynamoDB table name'),
    chatSessionsTableName: str(CONTEXT_KEYS.chatSessionsTableName, TABLE_NAME, 'a valid DynamoDB table name'),
  };
  const tableKeys = [CONTEXT_KEYS.meetingsTableName, CONTEXT_KEYS.usersTableName, CONTEXT_KEYS.chatSessionsTableName];
  const givenCount = tableKeys.filter((key) => setting(key) !== undefined).length;
  if (givenCount > 0 && givenCount < 3) {
    problems.push(
      'to import existing tables, give all three of meetingsTableName, usersTableName, chatSessionsTableName',
    );
  }
  const encryptionKeyArn = str(CONTEXT_KEYS.tableEncryptionKeyArn, KMS_ARN, 'a KMS key ARN');
  if (setting(CONTEXT_KEYS.tableEncryptionKeyArn) && givenCount === 0) {
    problems.push(
      'tableEncryptionKeyArn is only used with imported tables: give meetingsTableName, usersTableName, chatSessionsTableName too',
    );
  }
  const slackSecretArn = str(CONTEXT_KEYS.slackSecretArn, SECRET_ARN, 'a Secrets Manager ARN');
  const twilioSecretArn = str(CONTEXT_KEYS.twilioSecretArn, SECRET_ARN, 'a Secrets Manager ARN');
  const secretsEncryptionKeyArn = str(CONTEXT_KEYS.secretsEncryptionKeyArn, KMS_ARN, 'a KMS key ARN');
  if (
    setting(CONTEXT_KEYS.secretsEncryptionKeyArn) &&
    !setting(CONTEXT_KEYS.slackSecretArn) &&
    !setting(CONTEXT_KEYS.twilioSecretArn)
  ) {
    problems.push(
      'secretsEncryptionKeyArn is only used with imported secrets: give slackSecretArn or twilioSecretArn too',
    );
  }
  const sesFromEmail = str(CONTEXT_KEYS.sesFromEmail, EMAIL, 'an email address');
  const alarmEmail = str(CONTEXT_KEYS.alarmEmail, EMAIL, 'an email address');
  const enablePrepNotification = bool(CONTEXT_KEYS.enablePrepNotification, true);
  const positive = (n: number) => n > 0;
  // A receipt wait is a task timeout: at least a minute (Twilio's and SES's receipts take seconds to minutes), at most
  // the execution's own day.
  const receiptWait = (n: number) => n >= 60 && n <= 86_400;
  const settings: StageSettings = {
    logRetentionDays: int(
      CONTEXT_KEYS.logRetentionDays,
      (n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n),
      `one of CloudWatch Logs' retention periods (${LOG_RETENTION_DAYS.join(', ')})`,
    ),
    retainData: bool(CONTEXT_KEYS.retainData, true),
    apiThrottle: {
      rate: int(CONTEXT_KEYS.apiThrottleRate, positive, 'a positive whole number of requests per second'),
      burst: int(CONTEXT_KEYS.apiThrottleBurst, positive, 'a positive whole number of requests'),
    },
    ...readPublicBudget(reader, fileLabel, problems),
    receiptWaitSeconds: {
      sms: int(CONTEXT_KEYS.smsReceiptWaitSeconds, receiptWait, 'a whole number of seconds from 60 to 86400'),
      email: int(CONTEXT_KEYS.emailReceiptWaitSeconds, receiptWait, 'a whole number of seconds from 60 to 86400'),
    },
    alarmsEnabled: bool(CONTEXT_KEYS.alarms, true),
    dashboardEnabled: bool(CONTEXT_KEYS.dashboard, true),
    customerManagedKeys: bool(CONTEXT_KEYS.customerManagedKeys, true),
    alarms: {
      failedExecutions: int(CONTEXT_KEYS.alarmFailedExecutions, positive, 'a positive whole number'),
      lambdaErrors: int(CONTEXT_KEYS.alarmLambdaErrors, positive, 'a positive whole number'),
      webhook5xx: int(CONTEXT_KEYS.alarmWebhook5xx, positive, 'a positive whole number'),
    },
  };
  if (alarmEmail && !settings.alarmsEnabled) {
    problems.push(
      'alarmEmail is only used with alarms: true (with alarms off there is no alarm topic to subscribe to)',
    );
  }
  const notificationChannels = readNotificationChannels(agentsYaml, problems);
  const minimumLeadMinutes = readMinimumLeadMinutes(agentsYaml, problems);

  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return {
    stage: stage as Stage,
    ...(names.meetingsTableName && names.usersTableName && names.chatSessionsTableName
      ? {
          existingTables: {
            meetingsTableName: names.meetingsTableName,
            usersTableName: names.usersTableName,
            chatSessionsTableName: names.chatSessionsTableName,
            ...(encryptionKeyArn ? { encryptionKeyArn } : {}),
          },
        }
      : {}),
    ...(slackSecretArn ? { slackSecretArn } : {}),
    ...(twilioSecretArn ? { twilioSecretArn } : {}),
    ...(secretsEncryptionKeyArn ? { secretsEncryptionKeyArn } : {}),
    ...(sesFromEmail ? { sesFromEmail } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    notificationChannels,
    minimumLeadMinutes,
    enablePrepNotification,
    settings,
  };
}
