/**
 * A loopback proxy in front of a local emulator that can fail requests on demand: the emulator stays real, the
 * failures are the service's own error responses. Used for SES (aws-ses-v2-local) and DynamoDB (dynalite).
 */
import * as http from 'node:http';
import { FailurePlan, FakeHttpServer, flattenHeaders, readBody, startHttpServer } from './fake-http';

/** {@link FaultProxyOptions.answer}'s value for a request the emulator acts on but whose answer is lost. */
export const APPLY_THEN_HOLD = 'apply-then-hold';
/** Internal: a request with no failure is passed on and answered. */
const APPLY_THEN_FORWARD = 'apply-then-forward';

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
  /**
   * How a failure is answered (the request tells which API dialect to answer in): `undefined` holds it unanswered
   * (a timeout); {@link APPLY_THEN_HOLD} passes it on to the emulator, which acts on it, and holds the emulator's
   * answer (the service accepted the request, the answer never came back).
   */
  readonly answer: (
    spec: S,
    req: http.IncomingMessage,
  ) => { status: number; headers: Record<string, string>; body: string } | typeof APPLY_THEN_HOLD | undefined;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Told of each forwarded request and the emulator's answer, after the answer was sent. */
  readonly onForwarded?: (
    request: { readonly url: string; readonly body: string },
    response: { readonly status: number; readonly body: string },
  ) => void;
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
    const action = failure ? options.answer(failure, req) : APPLY_THEN_FORWARD;
    if (action === undefined) {
      held.add(res);
      return;
    }
    if (typeof action === 'object') {
      res.writeHead(action.status, action.headers).end(action.body);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const forward = http.request(
        {
          host: '127.0.0.1',
          port: options.targetPort,
          method: req.method,
          path: req.url,
          headers: flattenHeaders(req.headers),
        },
        (upstream) => {
          if (action === APPLY_THEN_HOLD) {
            held.add(res);
            upstream.resume().on('end', resolve);
            return;
          }
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          const chunks: Buffer[] = [];
          if (options.onForwarded) upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
          upstream.pipe(res);
          upstream.on('end', () => {
            resolve();
            options.onForwarded?.(
              { url: req.url ?? '/', body },
              { status: upstream.statusCode ?? 502, body: Buffer.concat(chunks).toString('utf8') },
            );
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
