/**
 * Stands in for Node's `http2` in the webhook's bundle (an esbuild alias set by the stack). The AWS SDK's HTTP handler
 * module loads it at start-up for its HTTP/2 handler, which only some services' streaming operations use; the
 * webhook's clients (DynamoDB, SQS, Scheduler, Secrets Manager) send over HTTP/1.1. Leaving it out spares the cold
 * start Node's HTTP/2 modules. Opening an HTTP/2 session is a bug, said loudly.
 */

/** Read when the handler module loads (its HTTP/2 header names), never used by an HTTP/1.1 request. */
export const constants = {};

export function connect(): never {
  throw new Error('HTTP/2 is not bundled in the webhook function: its AWS clients send over HTTP/1.1.');
}
