/**
 * The committed stage files, `config/stages/<stage>.yaml`: the settings each may give (every one also a context key
 * that overrides it for one run) and which it must give. A stage's deploy is reproducible from the repository alone,
 * so a missing file or setting is a problem, not a default.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** Keys of a stage file, each also a context key that overrides it for one run (`-c key=value`). */
export const CONTEXT_KEYS = {
  stage: 'stage',
  meetingsTableName: 'meetingsTableName',
  usersTableName: 'usersTableName',
  chatSessionsTableName: 'chatSessionsTableName',
  tableEncryptionKeyArn: 'tableEncryptionKeyArn',
  slackSecretArn: 'slackSecretArn',
  twilioSecretArn: 'twilioSecretArn',
  secretsEncryptionKeyArn: 'secretsEncryptionKeyArn',
  sesFromEmail: 'sesFromEmail',
  enablePrepNotification: 'enablePrepNotification',
  alarmEmail: 'alarmEmail',
  logRetentionDays: 'logRetentionDays',
  retainData: 'retainData',
  apiThrottleRate: 'apiThrottleRate',
  apiThrottleBurst: 'apiThrottleBurst',
  routeThrottles: 'routeThrottles',
  webAcl: 'webAcl',
  webAclRateLimitPerIp: 'webAclRateLimitPerIp',
  smsReceiptWaitSeconds: 'smsReceiptWaitSeconds',
  emailReceiptWaitSeconds: 'emailReceiptWaitSeconds',
  alarmFailedExecutions: 'alarmFailedExecutions',
  alarmLambdaErrors: 'alarmLambdaErrors',
  alarmWebhook5xx: 'alarmWebhook5xx',
  alarmWebAclBlockedRequests: 'alarmWebAclBlockedRequests',
  alarms: 'alarms',
  dashboard: 'dashboard',
  customerManagedKeys: 'customerManagedKeys',
} as const;

/** The settings every stage file must give (the others may be left empty). */
export const REQUIRED_STAGE_KEYS = [
  'enablePrepNotification',
  'logRetentionDays',
  'retainData',
  'apiThrottleRate',
  'apiThrottleBurst',
  'routeThrottles',
  'webAcl',
  'smsReceiptWaitSeconds',
  'emailReceiptWaitSeconds',
  'alarmFailedExecutions',
  'alarmLambdaErrors',
  'alarmWebhook5xx',
  'alarms',
  'dashboard',
  'customerManagedKeys',
] as const;

/** The folder of the stage files, `<stage>.yaml` each. */
export const STAGES_DIR = path.join(__dirname, '..', 'config', 'stages');

/** Reads a stage file: its settings by key, or undefined (and a problem) when it is missing or malformed. */
export function readStageFile(
  stage: string,
  problems: string[],
  stagesDir = STAGES_DIR,
): Record<string, unknown> | undefined {
  const file = path.join(stagesDir, `${stage}.yaml`);
  const label = `config/stages/${stage}.yaml`;
  if (!fs.existsSync(file)) {
    problems.push(`${label} is missing: every stage's settings are committed there`);
    return undefined;
  }
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`${label} is not valid YAML: ${(error as Error).message}`);
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    problems.push(`${label} must be a mapping of setting: value`);
    return undefined;
  }
  const known = Object.keys(CONTEXT_KEYS).filter((k) => k !== 'stage');
  for (const key of Object.keys(doc)) {
    if (!known.includes(key)) problems.push(`${label}: unknown setting ${key} (known: ${known.join(', ')})`);
  }
  for (const key of REQUIRED_STAGE_KEYS) {
    const value = (doc as Record<string, unknown>)[key];
    if (value === undefined || value === null) problems.push(`${label}: ${key} must be set`);
  }
  return doc as Record<string, unknown>;
}
