/**
 * The project's public API on 127.0.0.1, as API Gateway would front it: each route hands the request to a handler
 * (the real Lambda handlers, adapted) and writes back its answer. `npm start` adds its routes (`POST /slack/webhook`,
 * `POST /events`…); a request to any other path gets 404 listing the routes.
 */
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/slack-bot/http-event';
import { flattenHeaders, readBody, startHttpServer } from './fake-http';
import { type LoopbackGuardOptions, refuseNonLoopback } from './loopback-guard';

/** A request as a route sees it: method, path, query, lower-case headers and the raw body. */
export interface LocalRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly sourceIp: string;
}

/** A route's answer. */
export interface LocalResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One route: `"POST /slack/webhook"` → its handler. */
export type LocalRoute = (request: LocalRequest) => Promise<LocalResponse>;

/** The running API. */
export interface LocalApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A JSON answer. */
export function jsonResponse(status: number, body: unknown): LocalResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The API Gateway HTTP API (v2) event the deployed API would hand a Lambda for this request. */
export function toApiGatewayEvent(request: LocalRequest): ApiGatewayEvent {
  const routeKey = `${request.method} ${request.url.pathname}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: request.url.pathname,
    rawQueryString: request.url.search.slice(1),
    headers: { ...request.headers },
    requestContext: {
      http: { method: request.method, path: request.url.pathname, sourceIp: request.sourceIp },
      stage: '$default',
    },
    body: request.body,
    isBase64Encoded: false,
  };
}

/** Writes a Lambda proxy result back as the route's answer. */
export function fromApiGatewayResult(result: ApiGatewayResult): LocalResponse {
  return {
    status: result.statusCode,
    headers: { 'content-type': 'application/json', ...result.headers },
    body: result.body,
  };
}

/**
 * Serves `routes` on 127.0.0.1:`port` (0 picks a free port). Every request passes the loopback guard first
 * (local/loopback-guard.ts: a loopback Host and Origin, JSON for the local routes that change something), whose
 * `tunnelRoutes` may take any Host; a refusal is reported through `onRefused`. A route that throws answers 500 and is reported through `onError`; listening
 * errors (a busy port) reject.
 */
export async function startLocalApi(
  port: number,
  routes: Readonly<Record<string, LocalRoute>>,
  onError: (error: Error) => void,
  guard: LoopbackGuardOptions & { readonly onRefused?: (line: string) => void } = {},
): Promise<LocalApi> {
  const server = await startHttpServer(async (req, res) => {
    const send = (answer: LocalResponse): void =>
      void res.writeHead(answer.status, { ...answer.headers }).end(answer.body);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = flattenHeaders(req.headers);
    const refused = refuseNonLoopback({ method: req.method ?? 'GET', path: url.pathname, headers }, guard);
    if (refused) {
      guard.onRefused?.(`Refused ${req.method} ${url.pathname} (${refused.status}): ${refused.body.trim()}`);
      // The body is drained, not read: the refusal is the whole answer.
      req.resume();
      return send(refused);
    }
    const route = routes[`${req.method ?? 'GET'} ${url.pathname}`];
    if (!route)
      return send(
        jsonResponse(404, { message: `no route for ${req.method} ${url.pathname}`, routes: Object.keys(routes) }),
      );
    const request = {
      method: req.method ?? 'GET',
      url,
      headers,
      body: await readBody(req),
      sourceIp: req.socket.remoteAddress ?? '',
    };
    try {
      send(await route(request));
    } catch (error) {
      onError(error as Error);
      throw error;
    }
  }, port);
  return { url: `http://localhost:${server.port}`, port: server.port, close: () => server.close() };
}
