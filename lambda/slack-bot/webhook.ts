/**
 * The webhook's request flow, before Bolt: credentials, signature (every request, on the raw body, both API
 * Gateway shapes), body parsing, the two protocol checks Slack makes (`url_verification`, `ssl_check`), the
 * payload's shape (zod, `payload-schemas.ts`), the claim of a state-changing interaction's identity
 * (`interaction-identity.ts`), then Bolt, all under one deadline. What Slack gets back:
 * - 401 for a bad signature, 400 + `X-Slack-No-Retry: 1` for a signed body that does not parse;
 * - 200 and nothing done (logged, counted by reason) for anything the bot does not serve or cannot act on,
 *   `app_rate_limited` included, and for a replay: an interaction whose identity another request has claimed;
 * - 503 for our own transient failure (a throttled table, the deadline passed), where Slack's retry helps;
 * - 200 + `X-Slack-No-Retry: 1` for a deterministic failure (a retry would fail the same way).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { isTransientAwsError } from '../shared/aws-errors';
import { MetricNames, countMetric } from '../shared/metrics';
import type { RequestClaims } from '../shared/request-claims';
import { SlackCredentials } from '../shared/secrets';
import type { BoltHandler } from './bolt-app';
import type { RequestScope, ScopedAwsEvent } from './listener-scope';
import { ApiGatewayEvent, ApiGatewayResult, jsonResult, normalizeRequest, parseSlackBody } from './http-event';
import { classifyPayload } from './classify-payload';
import { interactionIdentity } from './interaction-identity';
import { verifySlackSignature } from './verify-signature';

/** The time allowed for everything before the answer; Slack gives up at 3 s, and the network needs its share. */
export const ANSWER_DEADLINE_MS = 2000;

/** The header that tells Slack not to retry a request. */
export const NO_RETRY = { 'X-Slack-No-Retry': '1' } as const;

/** What the flow needs. */
export interface WebhookDeps {
  readonly credentials: () => Promise<SlackCredentials | undefined>;
  /** The Bolt handler for these credentials (built on first use). */
  readonly bolt: (credentials: SlackCredentials & { signingSecret: string }) => BoltHandler;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Where state-changing interactions are claimed before acting (a replay finds its identity taken). */
  readonly claims: RequestClaims;
  /** @default {@link ANSWER_DEADLINE_MS} */
  readonly deadlineMs?: number;
}

/** Thrown when the work before the answer outlives the deadline. */
export class AnswerDeadlineError extends Error {
  override readonly name = 'AnswerDeadlineError';
}

/** How long giving a claim back may delay a failure's answer. */
const RELEASE_MS = 400;

const SORRY = "Sorry, I couldn't do that. The team has been told; please try again later.";

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AnswerDeadlineError(`no answer within ${ms} ms`)), ms);
  });
  // The work may still settle after the deadline: its outcome is no longer anyone's to report.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Handles one webhook request. Never throws. */
export async function handleWebhook(
  event: ApiGatewayEvent,
  context: unknown,
  deps: WebhookDeps,
): Promise<ApiGatewayResult> {
  let credentials: SlackCredentials | undefined;
  try {
    credentials = await deps.credentials();
  } catch (error) {
    deps.logger.error('Could not read the Slack credentials', { error });
    return jsonResult(503, { error: 'temporarily_unavailable' });
  }
  if (!credentials?.signingSecret) {
    deps.logger.error(
      'Slack is not configured: the bot token or signing secret is missing (SLACK_SECRET_ARN secret or SLACK_* variables)',
    );
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
    countMetric(MetricNames.SlackRequestsIgnored, { Reason: 'malformed_body' });
    return {
      ...jsonResult(400, { error: 'malformed_body' }),
      headers: { 'Content-Type': 'application/json', ...NO_RETRY },
    };
  }
  if (parsed.body['ssl_check'] !== undefined) return { statusCode: 200, body: '' };
  if (parsed.body['type'] === 'url_verification') return jsonResult(200, { challenge: parsed.body['challenge'] });

  const classified = classifyPayload(parsed.body);
  if (classified.kind === 'ignore') {
    deps.logger.info('Ignored a signed request', {
      reason: classified.reason,
      detail: classified.detail,
      retry_num: request.headers['x-slack-retry-num'],
    });
    countMetric(MetricNames.SlackRequestsIgnored, { Reason: classified.reason });
    return { statusCode: 200, body: '' };
  }

  const deadlineMs = deps.deadlineMs ?? ANSWER_DEADLINE_MS;
  const startedAt = Date.now();
  const identity = interactionIdentity(classified);
  const claimId = randomUUID();
  const fail = async (error: unknown): Promise<ApiGatewayResult> => {
    if (identity !== undefined) await giveBack(deps, identity, claimId);
    return failed(error, classified.kind, deps.logger);
  };
  const scope: RequestScope = {};
  const boltEvent = {
    ...event,
    headers: { ...request.headers, 'content-type': 'application/json' },
    multiValueHeaders: {},
    // Only the validated fields go on: Bolt reads some before its own error handling.
    body: JSON.stringify(classified.payload),
    isBase64Encoded: false,
    requestScope: scope,
  } as unknown as ScopedAwsEvent;
  try {
    if (identity !== undefined && !(await withDeadline(deps.claims.claim(identity, claimId), deadlineMs))) {
      deps.logger.warn('Ignored a replayed request: its interaction has been served', {
        reason: 'replayed',
        kind: classified.kind,
        retry_num: request.headers['x-slack-retry-num'],
      });
      countMetric(MetricNames.SlackRequestsIgnored, { Reason: 'replayed' });
      return { statusCode: 200, body: '' };
    }
    const bolt = deps.bolt({ ...credentials, signingSecret: credentials.signingSecret });
    const left = Math.max(0, deadlineMs - (Date.now() - startedAt));
    const response = await withDeadline(bolt(boltEvent, context), left);
    if (scope.failure !== undefined) return await fail(scope.failure);
    if (response.statusCode !== 200) {
      // Every validated payload has a listener; a miss is a routing bug, and Slack retrying it would not help.
      deps.logger.error('Bolt did not serve a validated request', {
        kind: classified.kind,
        status: response.statusCode,
      });
      countMetric(MetricNames.SlackRequestsFailed, { Kind: 'deterministic' });
      return { statusCode: 200, headers: { ...NO_RETRY }, body: '' };
    }
    const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k, String(v)]));
    return { statusCode: 200, headers, body: response.body };
  } catch (error) {
    return fail(error);
  }
}

/**
 * Gives a failed request's claim back, so Slack's retry (or the person's) acts; bounded, as the answer waits for it.
 * A claim left behind only makes the retry of this one request a no-op.
 */
async function giveBack(deps: WebhookDeps, identity: string, claimId: string): Promise<void> {
  try {
    await withDeadline(deps.claims.release(identity, claimId), RELEASE_MS);
  } catch (error) {
    deps.logger.warn('Could not give back the claim of a failed request', { error });
  }
}

function failed(error: unknown, kind: string, logger: Logger): ApiGatewayResult {
  if (error instanceof AnswerDeadlineError || isTransientAwsError(error)) {
    logger.error('A Slack request failed on a transient error; Slack may retry it', { kind, error });
    countMetric(MetricNames.SlackRequestsFailed, { Kind: 'transient' });
    return jsonResult(503, { error: 'temporarily_unavailable' });
  }
  logger.error('A Slack request failed on a deterministic error', { kind, error });
  countMetric(MetricNames.SlackRequestsFailed, { Kind: 'deterministic' });
  const body = kind === 'command' ? JSON.stringify({ response_type: 'ephemeral', text: SORRY }) : '';
  return { statusCode: 200, headers: { 'Content-Type': 'application/json', ...NO_RETRY }, body };
}
