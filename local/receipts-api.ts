/**
 * The provider-facing routes of the project's API, locally: `POST /twilio/status` served by the real status-callback
 * handler and `POST /twilio/sms` by the real SMS reply handler (each given the REST API's Lambda proxy event), the
 * email's links (`GET|POST /act`, `/unsubscribe`) by the real email-link handler, and the SES events rule's target
 * (the real SES events handler, invoked as EventBridge invokes it). Used by the local environment (tests) and by
 * `npm start`.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { TWILIO_STATUS_PATH } from '../lib/constructs/delivery-receipts';
import { EMAIL_LINK_PATHS } from '../lib/constructs/email-actions';
import { TWILIO_SMS_PATH } from '../lib/constructs/sms-replies';
import { FakeHttpServer, flattenHeaders, readBody, startHttpServer } from './fake-http';
import type { LocalRequest, LocalResponse } from './local-api';
import { refuseNonLoopback } from './loopback-guard';
import { loadHandler } from './workflow-runner';

type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
type EventHandler = (event: unknown) => Promise<unknown>;

/** The email links' routes, `METHOD path` as the local API keys them. */
export const EMAIL_LINK_ROUTES: readonly string[] = Object.values(EMAIL_LINK_PATHS).flatMap((path) => [
  `GET ${path}`,
  `POST ${path}`,
]);

/**
 * The provider-facing routes served here, `METHOD path` → the real handler's entry, each loaded on first use (after
 * the environment is set, as a cold start would).
 */
const PROXY_ROUTES: Readonly<Record<string, string>> = {
  [`POST ${TWILIO_STATUS_PATH}`]: 'lambda/channels/sms/status.ts',
  [`POST ${TWILIO_SMS_PATH}`]: 'lambda/actions/sms-reply.ts',
  ...Object.fromEntries(EMAIL_LINK_ROUTES.map((route) => [route, 'lambda/actions/email-link.ts'])),
};
const loaded = new Map<string, ProxyHandler>();
let sesEvents: EventHandler | undefined;

/** The REST API (v1) Lambda proxy event for a request, as API Gateway builds it. */
export function restProxyEvent(
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: string,
): APIGatewayProxyEvent {
  const query = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : null;
  const multiQuery =
    url.searchParams.size > 0
      ? Object.fromEntries([...new Set(url.searchParams.keys())].map((k) => [k, url.searchParams.getAll(k)]))
      : null;
  return {
    resource: url.pathname,
    path: url.pathname,
    httpMethod: method,
    headers: { ...headers },
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      stage: 'local',
      requestId: `local-${Date.now()}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: url.pathname,
    },
    body,
    isBase64Encoded: false,
  };
}

/**
 * A provider-facing route (Twilio's, the email links') with its real handler, as API Gateway's Lambda proxy
 * integration would call it; undefined when the request is for no such route.
 */
export async function proxyRoute(request: LocalRequest): Promise<LocalResponse | undefined> {
  const entry = PROXY_ROUTES[`${request.method} ${request.url.pathname}`];
  if (!entry) return undefined;
  const handler = loaded.get(entry) ?? loadHandler<ProxyHandler>(entry);
  loaded.set(entry, handler);
  const result = await handler(restProxyEvent(request.method, request.url, request.headers, request.body));
  return {
    status: result.statusCode,
    headers: { ...(result.headers as Record<string, string> | undefined) },
    body: result.body,
  };
}

/** {@link proxyRoute} for a route the local API registered (so it exists). */
export async function servedRoute(request: LocalRequest): Promise<LocalResponse> {
  const answer = await proxyRoute(request);
  if (!answer) throw new Error(`no provider route ${request.method} ${request.url.pathname}`);
  return answer;
}

/** The SES events rule's target: the real handler, as EventBridge invokes it. */
export async function deliverSesEvent(event: unknown): Promise<void> {
  sesEvents ??= loadHandler<EventHandler>('lambda/channels/email/events.ts');
  await sesEvents(event);
}

/**
 * A loopback server with Twilio's routes and the email links' (the workflow tests' stand-in of the API), behind the
 * loopback guard as `npm start`'s API is.
 */
export async function startReceiptsApi(): Promise<
  FakeHttpServer & { readonly statusCallbackUrl: string; readonly smsWebhookUrl: string }
> {
  const server = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = flattenHeaders(req.headers);
    // Like npm start's API: a loopback Host and Origin only (local/loopback-guard.ts).
    const refused = refuseNonLoopback({ method: req.method ?? 'GET', path: url.pathname, headers });
    if (refused) {
      req.resume();
      res.writeHead(refused.status, { ...refused.headers }).end(refused.body);
      return;
    }
    const answer = await proxyRoute({
      method: req.method ?? 'GET',
      url,
      headers,
      body: await readBody(req),
      sourceIp: '127.0.0.1',
    });
    if (!answer) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(answer.status, { ...answer.headers }).end(answer.body);
  });
  return {
    ...server,
    statusCallbackUrl: `${server.url}${TWILIO_STATUS_PATH}`,
    smsWebhookUrl: `${server.url}${TWILIO_SMS_PATH}`,
  };
}
