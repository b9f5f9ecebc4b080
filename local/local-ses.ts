/**
 * SES on loopback: aws-ses-v2-local (a real SES API emulator that keeps the mail it receives), behind a small
 * proxy that can fail on demand so email failures can be exercised too.
 */
import { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import { FakeHttpServer } from './fake-http';
import { startFaultProxy } from './fault-proxy';

/** How the proxy fails a request. `rejected` answers SES's own `MessageRejected` (a permanent error). */
export type SesFailureSpec =
  | { readonly kind: 'status'; readonly status: number; readonly times?: number }
  | { readonly kind: 'rejected'; readonly times?: number }
  | { readonly kind: 'timeout'; readonly times?: number };

/** A mail the emulator received. */
export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  readonly at: number;
}

/** SES on loopback. */
export interface LocalSes extends FakeHttpServer {
  /** Mail accepted so far. */
  emails(): Promise<StoredEmail[]>;
  fail(spec: SesFailureSpec): void;
  clearFailures(): void;
  /** Clears the failures and the stored mail. */
  reset(): Promise<void>;
}

function sesError(code: string, message: string, type: 'Sender' | 'Receiver'): string {
  return (
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type>` +
    `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>local-${Date.now()}</RequestId></ErrorResponse>`
  );
}

/** Starts the emulator and its proxy on 127.0.0.1 (ephemeral ports unless `port` is given for the proxy). */
export async function startLocalSes(options: { port?: number } = {}): Promise<LocalSes> {
  const backend = await sesLocal({ host: '127.0.0.1', port: 0 });
  const backendPort = (backend.address() as AddressInfo).port;
  const proxy = await startFaultProxy<SesFailureSpec>({
    targetPort: backendPort,
    // The emulator's own store endpoints never fail.
    targetOf: (req) => (req.url?.startsWith('/store') || req.url?.startsWith('/clear-store') ? undefined : 'SendEmail'),
    answer: (failure) => {
      if (failure.kind === 'timeout') return undefined;
      const xml =
        failure.kind === 'rejected'
          ? sesError('MessageRejected', 'Email address is not verified.', 'Sender')
          : sesError(failure.status >= 500 ? 'ServiceUnavailable' : 'BadRequest', `Local failure ${failure.status}`, failure.status >= 500 ? 'Receiver' : 'Sender');
      return { status: failure.kind === 'rejected' ? 400 : failure.status, headers: { 'content-type': 'text/xml' }, body: xml };
    },
    ...(options.port !== undefined ? { port: options.port } : {}),
  });

  const storeUrl = `http://127.0.0.1:${backendPort}`;
  return {
    url: proxy.url,
    port: proxy.port,
    async emails() {
      const res = await fetch(`${storeUrl}/store`);
      const json = (await res.json()) as { emails: StoredEmail[] };
      return json.emails;
    },
    fail: (spec) => proxy.fail('SendEmail', spec),
    clearFailures: () => proxy.clearFailures(),
    async reset() {
      proxy.clearFailures();
      await fetch(`${storeUrl}/clear-store`, { method: 'POST' });
    },
    async close() {
      await proxy.close();
      await new Promise<void>((resolve) => {
        backend.closeAllConnections();
        backend.close(() => resolve());
      });
    },
  };
}
