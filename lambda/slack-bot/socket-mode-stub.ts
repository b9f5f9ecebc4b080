/**
 * Stands in for `@slack/socket-mode` in the webhook's bundle (an esbuild alias set by the stack). Bolt's `App`
 * module loads its Socket Mode receiver eagerly, which pulls in `undici` (~0.5 MB) that an HTTP webhook never uses;
 * leaving it out cuts the cold start. Constructing it is a bug, said loudly.
 */
export class SocketModeClient {
  constructor() {
    throw new Error('Socket Mode is not bundled in the webhook function; it serves Slack over HTTP only.');
  }
}
