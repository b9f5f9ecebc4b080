/**
 * Every HTTP call of this process timed through `node:diagnostics_channel`, for the benches: the code making the calls
 * (a bundled handler and its SDK, the real handlers) runs untouched. Used by bench/webhook-start-prep.ts and
 * bench/burst.ts.
 */
import * as dc from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One HTTP call this process made, timed at both ends. */
export interface TimedCall {
  /** `DynamoDB PutItem`, `SQS SendMessage` (from `X-Amz-Target`), or the method and path. */
  readonly name: string;
  /** The request created (the SDK has built and signed it), performance.now(). */
  readonly start: number;
  /** The response's last byte received; NaN until then. */
  end: number;
  /** The in-process server's own time for it, from the request's arrival to its response finished; NaN if none. */
  serverMs: number;
  /** The SDK's attempt (1 the first; 2 and more are its retries); 1 for a call of another client. */
  readonly attempt: number;
}

function callName(request: ClientRequest): string {
  const [service, operation] = String(request.getHeader('x-amz-target') ?? '').split('.');
  if (!operation) return `${request.method} ${request.path}`;
  return `${service?.startsWith('DynamoDB') ? 'DynamoDB' : service === 'AmazonSQS' ? 'SQS' : service} ${operation}`;
}

/** A fetch request as undici's diagnostics channels give it. */
interface FetchRequest {
  readonly method: string;
  readonly path: string;
}

/** An SDK attempt's identity, on the client's request and the server's alike: invocation id and attempt. */
function attemptOf(header: (name: string) => unknown): string | undefined {
  const id = header('amz-sdk-invocation-id');
  return id === undefined ? undefined : `${String(id)} ${String(header('amz-sdk-request'))}`;
}

/**
 * Times every HTTP call of this process (`node:http`, and fetch's undici): on the client, from the request created to the response's end; on
 * the in-process servers (dynalite, the fakes), from the request's arrival to the response finished, matched to the
 * client's call by the SDK's invocation id and attempt. A few microseconds a call.
 */
export class CallTimer {
  readonly calls: TimedCall[] = [];
  private readonly byRequest = new WeakMap<ClientRequest, TimedCall>();
  private readonly byFetch = new WeakMap<FetchRequest, TimedCall>();
  private readonly byAttempt = new Map<string, TimedCall>();
  private readonly arrivals = new WeakMap<ServerResponse, number>();
  private readonly channels: [string, (message: unknown) => void][] = [
    [
      'http.client.request.created',
      (message) => {
        const { request } = message as { request: ClientRequest };
        const attempt = Number(/attempt=(\d+)/.exec(String(request.getHeader('amz-sdk-request')))?.[1] ?? 1);
        const call: TimedCall = { name: callName(request), start: performance.now(), end: NaN, serverMs: NaN, attempt };
        this.calls.push(call);
        this.byRequest.set(request, call);
        const id = attemptOf((name) => request.getHeader(name));
        if (id) this.byAttempt.set(id, call);
      },
    ],
    [
      'http.client.response.finish',
      (message) => {
        const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
        const call = this.byRequest.get(request);
        if (call) response.once('end', () => (call.end = performance.now()));
      },
    ],
    // fetch (the Slack client's) is undici's: timed on the client only.
    [
      'undici:request:create',
      (message) => {
        const { request } = message as { request: FetchRequest };
        const call: TimedCall = {
          name: `${request.method} ${request.path}`,
          start: performance.now(),
          end: NaN,
          serverMs: NaN,
          attempt: 1,
        };
        this.calls.push(call);
        this.byFetch.set(request, call);
      },
    ],
    [
      'undici:request:trailers',
      (message) => {
        const call = this.byFetch.get((message as { request: FetchRequest }).request);
        if (call) call.end = performance.now();
      },
    ],
    [
      'http.server.request.start',
      (message) => this.arrivals.set((message as { response: ServerResponse }).response, performance.now()),
    ],
    [
      'http.server.response.finish',
      (message) => {
        const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
        const arrived = this.arrivals.get(response);
        const attempt = attemptOf((name) => request.headers[name]);
        const call = attempt === undefined ? undefined : this.byAttempt.get(attempt);
        if (call && arrived !== undefined) call.serverMs = performance.now() - arrived;
      },
    ],
  ];

  start(): this {
    for (const [name, listener] of this.channels) dc.subscribe(name, listener);
    return this;
  }

  stop(): void {
    for (const [name, listener] of this.channels) dc.unsubscribe(name, listener);
  }

  /** The calls that began between `from` and `to`. */
  within(from: number, to: number): TimedCall[] {
    return this.calls.filter((c) => c.start >= from && c.start <= to);
  }
}
