/**
 * What keeps a web page the developer visits away from the local servers (`npm start`'s API and the email links'
 * and Twilio's stand-in API): DNS rebinding and cross-site requests. Every request they serve goes through
 * {@link refuseNonLoopback} first:
 * - its `Host` must be a loopback name (`localhost`, a `127.x.x.x` address or `[::1]`, any port), so a page whose
 *   own name was re-pointed at 127.0.0.1 cannot read `/local/mail` (live link tokens) or drive the routes: 403;
 * - an `Origin`, when there is one, must be a loopback origin (`http://localhost:PORT`, `http://127.x.x.x:PORT`,
 *   `http://[::1]:PORT`): a cross-site `fetch` or form post is refused, 403. `null` is refused too, unless the
 *   browser itself says the request is same-origin (`Sec-Fetch-Site: same-origin`, which no page can set): that is
 *   what the email link pages' own button sends, since they are served with `Referrer-Policy: no-referrer`; a
 *   cross-site page, a sandboxed frame or a redirect that sends `null` is `cross-site`;
 * - a local route that changes something (`POST /local/…`, and `POST /events`, the EventBridge stand-in) takes
 *   `Content-Type: application/json` only (415 otherwise), which no cross-site form or simple `fetch` can send
 *   without a CORS preflight, and the servers approve none (they never send `Access-Control-Allow-*`).
 * A route signed with a secret only a real provider knows (the Slack webhook when `npm start` talks to real Slack,
 * through a tunnel whose name is not loopback) may be given as a tunnel route: any `Host`, the `Origin` rule still.
 */

/** What the guard reads of a request: method, path and lower-case headers. */
export interface GuardedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** A refusal, as plain text (the local API's `LocalResponse`). */
export interface Refusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Options of {@link refuseNonLoopback}. */
export interface LoopbackGuardOptions {
  /** Routes (`'POST /slack/webhook'`) that take any `Host`: reached through a tunnel, signed by a real provider. */
  readonly tunnelRoutes?: ReadonlySet<string>;
}

const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HOST_AND_PORT = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/;

/** Whether a `Host` value (`localhost:3000`, `127.0.0.1`, `[::1]:3000`) names this machine's loopback. */
export function isLoopbackHost(host: string | undefined): boolean {
  const match = HOST_AND_PORT.exec((host ?? '').trim().toLowerCase());
  if (!match) return false;
  const [, name, port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  if (name === 'localhost' || name === '[::1]') return true;
  const ipv4 = IPV4_LOOPBACK.exec(name ?? '');
  return ipv4?.slice(1).every((octet) => Number(octet) <= 255) ?? false;
}

/** Whether an `Origin` value is a page served from loopback over http (`null` and anything else: no). */
export function isLoopbackOrigin(origin: string): boolean {
  const value = origin.trim().toLowerCase();
  return value.startsWith('http://') && isLoopbackHost(value.slice('http://'.length));
}

/** Whether the route changes local state and so takes JSON only: `POST /local/…` and `POST /events`. */
export function takesJsonOnly(method: string, path: string): boolean {
  return method === 'POST' && (path.startsWith('/local/') || path === '/events');
}

/** The media type of a `Content-Type` value, lower-case, without parameters (`application/json`). */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const refusal = (status: number, message: string): Refusal => ({
  status,
  headers: {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  },
  body: `${message}\n`,
});

/** The refusal for a request the local servers must not serve, or undefined when it may go on to its route. */
export function refuseNonLoopback(request: GuardedRequest, options: LoopbackGuardOptions = {}): Refusal | undefined {
  const route = `${request.method} ${request.path}`;
  const host = request.headers['host'];
  if (!options.tunnelRoutes?.has(route) && !isLoopbackHost(host))
    return refusal(
      403,
      `Forbidden: this local server answers only requests addressed to loopback (localhost, 127.0.0.1 or [::1]), and this one was addressed to ${host === undefined ? 'no Host at all' : JSON.stringify(host)}. Open it as http://localhost:PORT.`,
    );
  const origin = request.headers['origin'];
  const ownNoReferrerPage = origin === 'null' && request.headers['sec-fetch-site'] === 'same-origin';
  if (origin !== undefined && !ownNoReferrerPage && !isLoopbackOrigin(origin))
    return refusal(
      403,
      `Forbidden: this local server answers only pages served from loopback (http://localhost:PORT, http://127.0.0.1:PORT or http://[::1]:PORT), and this request came from Origin ${JSON.stringify(origin)}.`,
    );
  if (takesJsonOnly(request.method, request.path) && mediaType(request.headers['content-type']) !== 'application/json')
    return refusal(
      415,
      `Unsupported Media Type: ${route} takes Content-Type: application/json only, and this request sent ${JSON.stringify(request.headers['content-type'] ?? '(none)')}.`,
    );
  return undefined;
}
