import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running loopback HTTP server. */
export interface FakeHttpServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:51234`. */
  readonly url: string;
  /** The ephemeral port the server listens on. */
  readonly port: number;
  /** Stops listening and destroys every open socket, including kept-alive and held ones. */
  close(): Promise<void>;
}

/** Handles one request; a rejected promise becomes an HTTP 500. */
export type FakeRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Starts an HTTP server on 127.0.0.1 with an ephemeral port.
 * @param handler - called for every request
 */
export async function startHttpServer(handler: FakeRequestHandler, listenPort = 0): Promise<FakeHttpServer> {
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, {
          error: 'fake_server_error',
          message: error instanceof Error ? error.message : String(error),
        });
      } else {
        res.destroy(error instanceof Error ? error : undefined);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Kept-alive sockets (fetch, axios) and requests held by a `timeout` failure would keep close() pending.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** Reads the whole request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}

/** Flattens Node's incoming headers to lower-case single values. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Answer with an HTTP status; `body` and `headers` default to the fake's usual error for that status. */
export interface StatusFailure {
  readonly kind: 'status';
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** How many matching requests fail. @default 1 (`Infinity` for always) */
  readonly times?: number;
}

/** Hold the request and never answer; the socket is destroyed when the fake closes. */
export interface TimeoutFailure {
  readonly kind: 'timeout';
  /** How many matching requests hang. @default 1 */
  readonly times?: number;
}

/** A failure every fake can inject. */
export type FailureSpec = StatusFailure | TimeoutFailure;

/** Selects every request of a fake, whatever its method or operation. */
export const ANY_REQUEST = '*';

interface QueuedFailure<S> {
  readonly target: string;
  readonly spec: S;
  remaining: number;
}

/**
 * Failures queued for a fake, consumed one per matching request in the order they were queued.
 * @typeParam S - the failure specs the fake understands
 */
export class FailurePlan<S extends { readonly times?: number }> {
  private readonly queue: QueuedFailure<S>[] = [];

  /**
   * Queues a failure.
   * @param target - the method or operation it applies to, or {@link ANY_REQUEST}
   * @param spec - what to answer
   */
  add(target: string, spec: S): void {
    const times = spec.times ?? 1;
    if (!(times >= 1)) throw new RangeError(`times must be >= 1, got ${String(spec.times)}`);
    this.queue.push({ target, spec, remaining: times });
  }

  /** Consumes and returns the next failure for a request to `target`, if one is queued. */
  take(target: string): S | undefined {
    const index = this.queue.findIndex((f) => f.target === target || f.target === ANY_REQUEST);
    if (index < 0) return undefined;
    const failure = this.queue[index];
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.queue.splice(index, 1);
    return failure.spec;
  }

  /** Number of queued failure entries (an `Infinity` entry counts once). */
  get pending(): number {
    return this.queue.length;
  }

  /** Drops every queued failure. */
  clear(): void {
    this.queue.length = 0;
  }
}

/**
 * Applies a shared failure: a `timeout` leaves the request unanswered, a `status` is written with the
 * given body and headers, falling back to the fake's own error for that status.
 */
export function applyFailure(
  res: ServerResponse,
  spec: FailureSpec,
  defaults: (status: number) => { readonly body: unknown; readonly headers?: Readonly<Record<string, string>> },
): void {
  if (spec.kind === 'timeout') return;
  const fallback = defaults(spec.status);
  sendJson(res, spec.status, spec.body ?? fallback.body, { ...fallback.headers, ...spec.headers });
}

/**
 * The UTC offset of an IANA time zone at an instant, in seconds (negative west of Greenwich).
 * @throws RangeError for an unknown time zone
 */
export function timeZoneOffsetSeconds(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name ?? '');
  if (!match) return 0; // "GMT" alone: the zone is at UTC
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}
