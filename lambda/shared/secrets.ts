/**
 * Integration credentials. Values given directly in the environment (`SLACK_BOT_TOKEN`, `TWILIO_AUTH_TOKEN`, …)
 * take precedence, for local runs; on AWS they come from Secrets Manager (the stack never sets those variables,
 * only the secret's ARN). A secret that does not hold the expected JSON yet means "not configured": the caller
 * skips the integration instead of crashing.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientConfig } from './client-config';
import { optionalEnv } from './env';

/** Slack app credentials. */
export interface SlackCredentials {
  readonly botToken: string;
  readonly signingSecret?: string;
}

/** Twilio credentials and sender. */
export interface TwilioCredentials {
  readonly accountSid: string;
  readonly authToken: string;
  readonly fromNumber: string;
}

const CACHE_MS = 5 * 60_000;
let client: SecretsManagerClient | undefined;
const cache = new Map<string, { at: number; value: Record<string, unknown> | undefined }>();

async function readSecretJson(arn: string, maxAgeMs = CACHE_MS): Promise<Record<string, unknown> | undefined> {
  const hit = cache.get(arn);
  if (hit && Date.now() - hit.at < maxAgeMs) return hit.value;
  client ??= new SecretsManagerClient(awsClientConfig({ maxAttempts: 2, requestTimeoutMs: 1000 }));
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  let value: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(out.SecretString ?? '');
    value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    value = undefined;
  }
  cache.set(arn, { at: Date.now(), value });
  return value;
}

function str(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = record?.[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Slack credentials, or undefined when Slack is not configured. */
export async function slackCredentials(): Promise<SlackCredentials | undefined> {
  const envToken = optionalEnv('SLACK_BOT_TOKEN');
  if (envToken) {
    const signingSecret = optionalEnv('SLACK_SIGNING_SECRET');
    return { botToken: envToken, ...(signingSecret ? { signingSecret } : {}) };
  }
  const arn = optionalEnv('SLACK_SECRET_ARN');
  if (!arn) return undefined;
  const secret = await readSecretJson(arn);
  const botToken = str(secret, 'bot_token');
  if (!botToken) return undefined;
  const signingSecret = str(secret, 'signing_secret');
  return { botToken, ...(signingSecret ? { signingSecret } : {}) };
}

/** Twilio credentials, or undefined when Twilio is not configured. */
export async function twilioCredentials(): Promise<TwilioCredentials | undefined> {
  const fromEnv = {
    accountSid: optionalEnv('TWILIO_ACCOUNT_SID'),
    authToken: optionalEnv('TWILIO_AUTH_TOKEN'),
    fromNumber: optionalEnv('TWILIO_FROM_NUMBER'),
  };
  if (fromEnv.accountSid && fromEnv.authToken && fromEnv.fromNumber) {
    return { accountSid: fromEnv.accountSid, authToken: fromEnv.authToken, fromNumber: fromEnv.fromNumber };
  }
  const arn = optionalEnv('TWILIO_SECRET_ARN');
  if (!arn) return undefined;
  const secret = await readSecretJson(arn);
  const accountSid = str(secret, 'account_sid');
  const authToken = str(secret, 'auth_token');
  const fromNumber = str(secret, 'from_number');
  return accountSid && authToken && fromNumber ? { accountSid, authToken, fromNumber } : undefined;
}

/** The SES sender address: `SES_FROM_EMAIL` locally, else the address the stack configured. */
export function emailSender(): string | undefined {
  return optionalEnv('SES_FROM_EMAIL') ?? optionalEnv('EMAIL_FROM_ADDRESS');
}

/**
 * The raw JSON of the email links' signing keys (parse it with `parseSigningKeys`): `ACTION_LINK_KEYS` locally, else
 * the secret named by `ACTION_LINK_SECRET_ARN`; undefined when neither is set. `maxAgeMs` bounds how old a cached
 * value may be (a verifier that meets an unknown key id re-reads sooner: the key may have just been rotated).
 */
export async function linkSigningKeysJson(maxAgeMs = CACHE_MS): Promise<unknown> {
  const fromEnv = optionalEnv('ACTION_LINK_KEYS');
  if (fromEnv) return JSON.parse(fromEnv) as unknown;
  const arn = optionalEnv('ACTION_LINK_SECRET_ARN');
  return arn ? readSecretJson(arn, maxAgeMs) : undefined;
}

/** Forgets cached secret values (tests; a rotated secret is picked up within five minutes anyway). */
export function clearSecretCache(): void {
  cache.clear();
}
