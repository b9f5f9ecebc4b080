/**
 * The Slack Web API client as every function here needs it: pointed at `SLACK_API_URL` when set (a loopback fake
 * locally), no retries of its own and rate-limited calls rejected at once (the caller decides what to retry).
 */
import { WebClient } from '@slack/web-api';
import { optionalEnv } from '../../shared/env';

/** `SLACK_API_URL` with the trailing slash WebClient expects, or undefined for Slack itself. */
export function slackApiUrl(): string | undefined {
  const url = optionalEnv('SLACK_API_URL');
  return url ? (url.endsWith('/') ? url : `${url}/`) : undefined;
}

/** A WebClient for a bot token with the house settings, the given per-call timeout and, optionally, a fetch. */
export function createSlackWebClient(botToken: string, timeoutMs: number, fetch?: typeof globalThis.fetch): WebClient {
  const apiUrl = slackApiUrl();
  return new WebClient(botToken, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    ...(fetch ? { fetch } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
  });
}
