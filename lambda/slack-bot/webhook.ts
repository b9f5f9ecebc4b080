/**
 * The webhook's request flow, before Bolt: credentials, signature (every request, on the raw body, both API
 * Gateway shapes), body parsing (a signed but malformed body is a 400, never a crash), the two protocol checks
 * Slack makes (`url_verification`, `ssl_check`), then Bolt.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsEvent } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { SlackCredentials } from '../shared/secrets';
import { BoltHandler } from './bolt-app';
import { ApiGatewayEvent, ApiGatewayResult, jsonResult, normalizeRequest, parseSlackBody } from './http-event';
import { verifySlackSignature } from './verify-signature';

/** What the flow needs. */
export interface WebhookDeps {
  readonly credentials: () => Promise<SlackCredentials | undefined>;
  /** The Bolt handler for these credentials (built on first use). */
  readonly bolt: (credentials: SlackCredentials & { signingSecret: string }) => BoltHandler;
  readonly now: () => Date;
  readonly logger: Logger;
}

/** Handles one webhook request. */
export async function handleWebhook(event: ApiGatewayEvent, context: unknown, deps: WebhookDeps): Promise<ApiGatewayResult> {
  const credentials = await deps.credentials();
  if (!credentials?.signingSecret) {
    deps.logger.error('Slack is not configured: the bot token or signing secret is missing (SLACK_SECRET_ARN secret or SLACK_* variables)');
    return jsonResult(500, { error: 'not_configured' });
  }
  const request = normalizeRequest(event);
  const check = verifySlackSignature(credentials.signingSecret, request, deps.now());
  if (!check.ok) {
    deps.logger.warn('Rejected a request with a bad signature', { reason: check.reason });
    return jsonResult(401, { error: check.reason });
  }
  const parsed = parseSlackBody(request.rawBody, request.headers['content-type']);
  if (!parsed.ok) {
    deps.logger.warn('Rejected a signed request whose body does not parse', { problem: parsed.problem });
    return jsonResult(400, { error: 'malformed_body' });
  }
  if (parsed.body['ssl_check'] !== undefined) return { statusCode: 200, body: '' };
  if (parsed.body['type'] === 'url_verification') return jsonResult(200, { challenge: parsed.body['challenge'] });

  const boltEvent = {
    ...event,
    headers: { ...request.headers, 'content-type': parsed.contentType },
    multiValueHeaders: {},
    body: request.rawBody,
    isBase64Encoded: false,
  } as unknown as AwsEvent;
  const response = await deps.bolt({ ...credentials, signingSecret: credentials.signingSecret })(boltEvent, context);
  const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k, String(v)]));
  return { statusCode: response.statusCode, headers, body: response.body };
}
