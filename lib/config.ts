/**
 * The app's configuration, read once from CDK context by `bin/app.ts` and passed down as readonly props.
 * The stack itself reads no environment and no context.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** Deployment stages. */
export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** Notification channels, as `config/agents.yaml` names them. */
export const CHANNEL_NAMES = ['slack', 'sms', 'email'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** Names of tables that already exist; the stack imports them instead of creating its own. */
export interface ExistingTables {
  readonly meetingsTableName: string;
  readonly usersTableName: string;
  readonly chatSessionsTableName: string;
  /** The KMS key the existing tables are encrypted with, if customer-managed. */
  readonly encryptionKeyArn?: string;
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
  /** Verified SES sender address. @default undefined: email is skipped as not configured */
  readonly sesFromEmail?: string;
  /** Channels in the order they are tried, from `config/agents.yaml`. */
  readonly notificationChannels: readonly ChannelName[];
  /**
   * Whether the prep workflow, its rule and the Slack bot are deployed. `false` is the rollback path: they are
   * removed, the tables and their data stay. @default true
   */
  readonly enablePrepNotification: boolean;
  /** Where alarm notifications are emailed. @default undefined: the alarm topic has no subscription */
  readonly alarmEmail?: string;
}

/** Context keys the app reads (documented in the README). */
export const CONTEXT_KEYS = {
  stage: 'stage',
  meetingsTableName: 'meetingsTableName',
  usersTableName: 'usersTableName',
  chatSessionsTableName: 'chatSessionsTableName',
  tableEncryptionKeyArn: 'tableEncryptionKeyArn',
  slackSecretArn: 'slackSecretArn',
  twilioSecretArn: 'twilioSecretArn',
  sesFromEmail: 'sesFromEmail',
  enablePrepNotification: 'enablePrepNotification',
  alarmEmail: 'alarmEmail',
} as const;

/** The default location of the agents configuration. */
export const AGENTS_CONFIG_PATH = path.join(__dirname, '..', 'config', 'agents.yaml');

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/;
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Reads and validates the channel order from an agents.yaml document. */
export function readNotificationChannels(yamlText: string, problems: string[]): ChannelName[] {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (error) {
    problems.push(`config/agents.yaml is not valid YAML: ${(error as Error).message}`);
    return [];
  }
  const list = (doc as { meeting_coordinator?: { notification_channels?: unknown } } | null)?.meeting_coordinator
    ?.notification_channels;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push('config/agents.yaml: meeting_coordinator.notification_channels must be a non-empty list');
    return [];
  }
  const channels: ChannelName[] = [];
  for (const item of list) {
    if (!(CHANNEL_NAMES as readonly unknown[]).includes(item)) {
      problems.push(`config/agents.yaml: unknown notification channel ${JSON.stringify(item)} (known: ${CHANNEL_NAMES.join(', ')})`);
    } else if (channels.includes(item as ChannelName)) {
      problems.push(`config/agents.yaml: channel ${item} is listed twice`);
    } else {
      channels.push(item as ChannelName);
    }
  }
  return channels;
}

/**
 * Builds the config from context values (`tryGetContext`) and the agents file. Throws one error that lists every
 * problem found, so a bad deploy fails at synth with all of them at once.
 */
export function loadConfig(context: (key: string) => unknown, agentsYaml = fs.readFileSync(AGENTS_CONFIG_PATH, 'utf8')): AppConfig {
  const problems: string[] = [];
  const str = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      problems.push(`context ${key} must be a string, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  };
  const stage = str(CONTEXT_KEYS.stage) ?? 'dev';
  if (!(STAGES as readonly string[]).includes(stage)) {
    problems.push(`context stage must be one of ${STAGES.join(', ')}, got ${JSON.stringify(stage)}`);
  }
  const names = {
    meetingsTableName: str(CONTEXT_KEYS.meetingsTableName),
    usersTableName: str(CONTEXT_KEYS.usersTableName),
    chatSessionsTableName: str(CONTEXT_KEYS.chatSessionsTableName),
  };
  const given = Object.entries(names).filter(([, v]) => v !== undefined);
  if (given.length > 0 && given.length < 3) {
    problems.push('to import existing tables, give all three of meetingsTableName, usersTableName, chatSessionsTableName');
  }
  for (const [key, value] of given) {
    if (value && !TABLE_NAME.test(value)) problems.push(`context ${key} is not a valid DynamoDB table name: ${value}`);
  }
  const encryptionKeyArn = str(CONTEXT_KEYS.tableEncryptionKeyArn);
  if (encryptionKeyArn && !KMS_ARN.test(encryptionKeyArn)) problems.push(`context tableEncryptionKeyArn is not a KMS key ARN: ${encryptionKeyArn}`);
  if (encryptionKeyArn && given.length === 0) {
    problems.push('context tableEncryptionKeyArn is only used with imported tables: give meetingsTableName, usersTableName, chatSessionsTableName too');
  }
  const slackSecretArn = str(CONTEXT_KEYS.slackSecretArn);
  if (slackSecretArn && !SECRET_ARN.test(slackSecretArn)) problems.push(`context slackSecretArn is not a Secrets Manager ARN: ${slackSecretArn}`);
  const twilioSecretArn = str(CONTEXT_KEYS.twilioSecretArn);
  if (twilioSecretArn && !SECRET_ARN.test(twilioSecretArn)) problems.push(`context twilioSecretArn is not a Secrets Manager ARN: ${twilioSecretArn}`);
  const sesFromEmail = str(CONTEXT_KEYS.sesFromEmail);
  if (sesFromEmail && !EMAIL.test(sesFromEmail)) problems.push(`context sesFromEmail is not an email address: ${sesFromEmail}`);
  const alarmEmail = str(CONTEXT_KEYS.alarmEmail);
  if (alarmEmail && !EMAIL.test(alarmEmail)) problems.push(`context alarmEmail is not an email address: ${alarmEmail}`);
  const flag = context(CONTEXT_KEYS.enablePrepNotification);
  let enablePrepNotification = true;
  if (flag === false || flag === 'false') enablePrepNotification = false;
  else if (!(flag === undefined || flag === null || flag === true || flag === 'true')) {
    problems.push(`context enablePrepNotification must be true or false, got ${JSON.stringify(flag)}`);
  }
  const notificationChannels = readNotificationChannels(agentsYaml, problems);

  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return {
    stage: stage as Stage,
    ...(given.length === 3
      ? {
          existingTables: {
            meetingsTableName: names.meetingsTableName as string,
            usersTableName: names.usersTableName as string,
            chatSessionsTableName: names.chatSessionsTableName as string,
            ...(encryptionKeyArn ? { encryptionKeyArn } : {}),
          },
        }
      : {}),
    ...(slackSecretArn ? { slackSecretArn } : {}),
    ...(twilioSecretArn ? { twilioSecretArn } : {}),
    ...(sesFromEmail ? { sesFromEmail } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    notificationChannels,
    enablePrepNotification,
  };
}

/** Settings that follow from the stage. */
export interface StageSettings {
  readonly logRetentionDays: 7 | 14 | 30;
  /** Whether data (tables, keys) outlives the stack. */
  readonly retainData: boolean;
  /** Steady-state requests per second and burst of the webhook's API stage. */
  readonly apiThrottle: { readonly rate: number; readonly burst: number };
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

/** Stage → settings: dev is cheap, disposable and quiet; prod keeps data and logs longer and alarms on the first failure. */
export function stageSettings(stage: Stage): StageSettings {
  switch (stage) {
    case 'dev':
      return { logRetentionDays: 7, retainData: false, apiThrottle: { rate: 10, burst: 20 }, alarms: { failedExecutions: 5, lambdaErrors: 5, webhook5xx: 5 } };
    case 'staging':
      return { logRetentionDays: 14, retainData: true, apiThrottle: { rate: 25, burst: 50 }, alarms: { failedExecutions: 1, lambdaErrors: 3, webhook5xx: 3 } };
    case 'prod':
      return { logRetentionDays: 30, retainData: true, apiThrottle: { rate: 50, burst: 100 }, alarms: { failedExecutions: 1, lambdaErrors: 1, webhook5xx: 1 } };
  }
}
