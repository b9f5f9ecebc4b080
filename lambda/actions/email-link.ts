/**
 * `GET|POST /act` and `GET|POST /unsubscribe` on the project's API: the email's one-click links (link-flow.ts).
 * GET shows a confirmation page and changes nothing; POST acts. The token comes in the query (`?t=`, as the
 * links and RFC 8058's one-click POST carry it) or in the form body (`t=`, as the confirmation page posts it).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDocumentClient } from '../shared/clients';
import { ANSWER_PATH_CLIENT } from '../shared/client-config';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { UsersRepository } from '../shared/users-repository';
import { linkSigningKeysJson } from '../shared/secrets';
import { now } from '../shared/time';
import { runPrepAction } from './core';
import { prepActionDepsFromEnv } from './deps';
import { LinkKeys, LinkKeysUnavailableError } from '../channels/email/link-keys';
import { LinkFlowDeps, LinkRoute, followLink, showLink } from './link-flow';
import { PAGE_HEADERS, Page, renderMessagePage } from './link-pages';

const logger = createLogger('email-link');
const keys = new LinkKeys(linkSigningKeysJson);
const prepDeps = prepActionDepsFromEnv(logger);

// A person waits on the page: the answer path's short attempts, as the action core's own clients.
const db = dynamoDocumentClient(ANSWER_PATH_CLIENT);

const deps: LinkFlowDeps = {
  verify: (token, at) => keys.verify(token, at),
  // The action core's meetings repository: the same client, and the link's single use recorded on the meeting.
  meetings: prepDeps.meetings,
  users: new UsersRepository(db, requiredEnv('USERS_TABLE_NAME')),
  act: (request) => runPrepAction(prepDeps, request),
  now,
  logger,
};

const ROUTES: Readonly<Record<string, LinkRoute>> = { '/act': 'act', '/unsubscribe': 'unsubscribe' };

function answer(page: Page, extra: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: page.status, headers: { ...PAGE_HEADERS, ...extra }, body: page.html };
}

/** The token from the form body (a page's button) or else the query (the link itself; an RFC 8058 one-click POST). */
export function tokenOf(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'queryStringParameters'>,
): string | undefined {
  const body = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  return new URLSearchParams(body).get('t') ?? event.queryStringParameters?.['t'] ?? undefined;
}

/** Lambda entry point (API Gateway REST API, Lambda proxy integration). */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const route = ROUTES[event.resource] ?? ROUTES[event.path];
  if (!route) return answer(renderMessagePage(404, 'Page not found', 'There is nothing here.'));
  try {
    if (event.httpMethod === 'GET')
      return answer(await showLink(deps, event.queryStringParameters?.['t'] ?? undefined, route));
    if (event.httpMethod === 'POST') return answer(await followLink(deps, tokenOf(event), route));
    return answer(renderMessagePage(405, 'Not allowed', 'Open the link from the email.'), { allow: 'GET, POST' });
  } catch (error) {
    logger.error('email link failed', {
      route,
      method: event.httpMethod,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    const what =
      error instanceof LinkKeysUnavailableError ? 'Links are not set up yet.' : 'Something went wrong on our side.';
    return answer(
      renderMessagePage(
        503,
        'Please try again',
        `${what} It may not have been done; the link still works, so try it again in a minute, or use Slack.`,
      ),
      { 'retry-after': '60' },
    );
  }
}
