/**
 * The provider-facing routes of the project's API, locally: `POST /twilio/status` served by the real status-callback
 * handler and `POST /twilio/sms` by the real SMS reply handler (each given the REST API's Lambda proxy event), the
 * email's links (`GET|POST /act`, `/unsubscribe`) by the real email-link handler, and the SES events rule's target
 * (the real SES events handler, invoked as EventBridge invokes it). Used by the local environment (tests) and by
 * `npm start`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { TWILIO_STATUS_PATH } from '../lib/constructs/delivery-receipts';
import { TWILIO_SMS_PATH } from '../lib/constructs/sms-replies';
import { FakeHttpServer, flattenHeaders, readBody, startHttpServer } from './fake-http';
import type { LocalRequest, LocalResponse } from './local-api';
import { loadHandler } from './workflow-runner';

type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
type EventHandler = (event: unknown) => Promise<unknown>;

let twilioStatus: ProxyHandler | undefined;
let twilioSms: ProxyHandler | undefined;
let emailLink: ProxyHandler | undefined;

/** The email links' routes (lambda/actions/email-link.ts). */
export const EMAIL_LINK_PATHS: readonly string[] = ['/act', '/unsubscribe'];
let sesEvents: EventHandler | undefined;

/** The handler of a Twilio route, loaded on first use (after the environment is set, as a cold start would). */
function twilioHandler(pathName: string): ProxyHandler | undefined {
  if (pathName === TWILIO_STATUS_PATH) return (twilioStatus ??= loadHandler<ProxyHandler>('lambda/workflow/twilio-status.ts'));
  if (pathName === TWILIO_SMS_PATH) return (twilioSms ??= loadHandler<ProxyHandler>('lambda/actions/sms-reply.ts'));
  return undefined;
}

/** The REST API (v1) Lambda proxy event for a request, as API Gateway builds it. */
export function restProxyEvent(method: string, url: URL, headers: Readonly<Record<string, string>>, body: string): APIGatewayProxyEvent {
  const query = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : null;
  const multiQuery = url.searchParams.size > 0 ? Object.fromEntries([...new Set(url.searchParams.keys())].map((k) => [k, url.searchParams.getAll(k)])) : null;
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

/** Serves `POST /twilio/status` and `POST /twilio/sms` with the real handlers; false when the request is for another route. */
export async function serveTwilioRoutes(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const handler = req.method === 'POST' ? twilioHandler(url.pathname) : undefined;
  if (!handler) return false;
  const result = await handler(restProxyEvent('POST', url, flattenHeaders(req.headers), await readBody(req)));
  res.writeHead(result.statusCode, { ...(result.headers as Record<string, string> | undefined) }).end(result.body);
  return true;
}

async function twilioRoute(pathName: string, request: LocalRequest): Promise<LocalResponse> {
  const handler = twilioHandler(pathName);
  if (!handler) throw new Error(`no Twilio route ${pathName}`);
  const result = await handler(restProxyEvent('POST', request.url, request.headers, request.body));
  return { status: result.statusCode, headers: { ...(result.headers as Record<string, string> | undefined) }, body: result.body };
}

/** `POST /twilio/status` as a route of the local API (`npm start`). */
export function twilioStatusRoute(request: LocalRequest): Promise<LocalResponse> {
  return twilioRoute(TWILIO_STATUS_PATH, request);
}

/** `POST /twilio/sms` as a route of the local API (`npm start`). */
export function twilioSmsRoute(request: LocalRequest): Promise<LocalResponse> {
  return twilioRoute(TWILIO_SMS_PATH, request);
}

/** `GET|POST /act` and `/unsubscribe` with the real handler, as API Gateway's Lambda proxy integration would call it. */
export async function emailLinkRoute(request: LocalRequest): Promise<LocalResponse> {
  emailLink ??= loadHandler<ProxyHandler>('lambda/actions/email-link.ts');
  const result = await emailLink(restProxyEvent(request.method, request.url, request.headers, request.body));
  return { status: result.statusCode, headers: { ...(result.headers as Record<string, string> | undefined) }, body: result.body };
}

/** The SES events rule's target: the real handler, as EventBridge invokes it. */
export async function deliverSesEvent(event: unknown): Promise<void> {
  sesEvents ??= loadHandler<EventHandler>('lambda/workflow/ses-events.ts');
  await sesEvents(event);
}

/** A loopback server with Twilio's routes and the email links' (the workflow tests' stand-in of the API). */
export async function startReceiptsApi(): Promise<FakeHttpServer & { readonly statusCallbackUrl: string; readonly smsWebhookUrl: string }> {
  const server = await startHttpServer(async (req, res) => {
    if (await serveTwilioRoutes(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if ((req.method === 'GET' || req.method === 'POST') && EMAIL_LINK_PATHS.includes(url.pathname)) {
      const answer = await emailLinkRoute({ method: req.method, url, headers: flattenHeaders(req.headers), body: await readBody(req), sourceIp: '127.0.0.1' });
      res.writeHead(answer.status, { ...answer.headers }).end(answer.body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  return { ...server, statusCallbackUrl: `${server.url}${TWILIO_STATUS_PATH}`, smsWebhookUrl: `${server.url}${TWILIO_SMS_PATH}` };
}
