/**
 * The public methods of the project's REST API, named as the stage files name them (`POST /slack/webhook`): each has
 * a throttle of its own (`routeThrottles` in `config/stages/<stage>.yaml`), so no caller can spend another's budget.
 * The constructs that add the methods keep their own path constants; the stack checks at synth that the API serves
 * exactly these routes, so a route added without a throttle fails the synth (`lib/constructs/route-throttles.ts`).
 */

/** Every public method, as `<HTTP method> <path>`, in the order the stage files list them. */
export const PUBLIC_ROUTES = [
  'POST /slack/webhook',
  'POST /twilio/status',
  'POST /twilio/sms',
  'GET /act',
  'POST /act',
  'GET /unsubscribe',
  'POST /unsubscribe',
] as const;
export type PublicRoute = (typeof PUBLIC_ROUTES)[number];

/** One method's throttle: steady requests per second, and the burst (token bucket size) above it. */
export interface RouteThrottle {
  readonly rate: number;
  readonly burst: number;
}

/**
 * API Gateway's own ceilings: a stage or method limit above the account's (10,000 req/s, burst 5,000 by default in
 * every region) has no effect.
 */
export const MAX_THROTTLE_RATE = 10_000;
export const MAX_THROTTLE_BURST = 5_000;

/** The key API Gateway's method settings use for a route (`/slack/webhook/POST`). */
export function methodSettingsPath(route: string): string {
  const [method, path] = route.split(' ');
  return `${path}/${method}`;
}
