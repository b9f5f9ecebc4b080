/**
 * A loopback proxy in front of a local emulator that can fail requests on demand: the emulator stays real, the
 * failures are the service's own error responses. Used for SES (aws-ses-v2-local) and DynamoDB (dynalite).
 */
import * as http from 'node:http';
import { FailurePlan, FakeHttpServer, flattenHeaders, readBody, startHttpServer } from './fake-http';

/** A failure the proxy answers instead of forwarding. */
export interface ProxyFailure {
  readonly times?: number;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions<S extends ProxyFailure> {
  /** The emulator's port on 127.0.0.1. */
  readonly targetPort: number;
  /** The failure plan's target for a request (an operation name), or undefined to never fail it. */
  readonly targetOf: (req: http.IncomingMessage) => string | undefined;
  /** How a failure is answered (the request tells which API dialect to answer in); `undefined` holds it unanswered (a timeout). */
  readonly answer: (spec: S, req: http.IncomingMessage) => { status: number; headers: Record<string, string>; body: string } | undefined;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Told of each forwarded request and the emulator's answer, after the answer was sent. */
  readonly onForwarded?: (request: { readonly url: string; readonly body: string }, response: { readonly status: number; readonly body: string }) => void;
}

/** A request as it reached the proxy. */
export interface ProxiedRequest {
  /** Its failure-plan target (the operation), if it has one. */
  readonly target: string | undefined;
  readonly body: string;
}

/** The running proxy. */
export interface FaultProxy<S extends ProxyFailure> extends FakeHttpServer {
  /** Queues a failure for requests to `target` (or any, with `*`). */
  fail(target: string, spec: S): void;
  clearFailures(): void;
  /** Starts recording the requests that reach the proxy (failed ones too); the function returned stops and returns them. */
  record(): () => ProxiedRequest[];
}

/** Starts a fault proxy. */
export async function startFaultProxy<S extends ProxyFailure>(options: FaultProxyOptions<S>): Promise<FaultProxy<S>> {
  const plan = new FailurePlan<S>();
  const held = new Set<http.ServerResponse>();
  const recordings = new Set<ProxiedRequest[]>();
  const server = await startHttpServer(async (req, res) => {
    const body = await readBody(req);
    const target = options.targetOf(req);
    for (const recording of recordings) recording.push({ target, body });
    const failure = target === undefined ? undefined : plan.take(target);
    if (failure) {
      const answer = options.answer(failure, req);
      if (!answer) {
        held.add(res);
        return;
      }
      res.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const forward = http.request(
        { host: '127.0.0.1', port: options.targetPort, method: req.method, path: req.url, headers: flattenHeaders(req.headers) },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          const chunks: Buffer[] = [];
          if (options.onForwarded) upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
          upstream.pipe(res);
          upstream.on('end', () => {
            resolve();
            options.onForwarded?.({ url: req.url ?? '/', body }, { status: upstream.statusCode ?? 502, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      forward.on('error', reject);
      forward.end(body);
    });
  }, options.port);
  return {
    ...server,
    fail: (target, spec) => plan.add(target, spec),
    clearFailures: () => plan.clear(),
    record() {
      const recording: ProxiedRequest[] = [];
      recordings.add(recording);
      return () => {
        recordings.delete(recording);
        return recording;
      };
    },
    async close() {
      for (const res of held) res.destroy();
      await server.close();
    },
  };
}
