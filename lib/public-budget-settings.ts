/**
 * The stage settings that share the public API's budget out among its callers: each route's own throttle
 * (`routeThrottles`) and the optional AWS WAF web ACL in front of the stage (`webAcl`, its per-IP rate limit and the
 * blocked-requests alarm's threshold). Read like every other setting (the context's value over the stage file's);
 * each mistake is one problem line naming the file or context key and the route, so one synth reports them all.
 */
import type { SettingReader } from './config-settings';
import { CONTEXT_KEYS } from './stage-file';
import {
  MAX_THROTTLE_BURST,
  MAX_THROTTLE_RATE,
  PUBLIC_ROUTES,
  type PublicRoute,
  type RouteThrottle,
} from './public-routes';

/** The web ACL of a stage that has one. */
export interface WebAclSettings {
  /**
   * Requests one source IP may send in 5 minutes, all routes together; above it, that IP is answered 429 until its
   * rate falls back under the limit.
   */
  readonly rateLimitPerIp: number;
  /** Requests blocked by one rule within 5 minutes that raise that rule's alarm. */
  readonly blockedRequestsAlarm: number;
}

/** What {@link readPublicBudget} reads. */
export interface PublicBudgetSettings {
  readonly routeThrottles: Readonly<Record<PublicRoute, RouteThrottle>>;
  /** Absent when the stage has no web ACL (`webAcl: false`). */
  readonly webAcl?: WebAclSettings;
}

/** AWS WAF's bounds of a rate-based rule's limit. */
export const WAF_RATE_LIMIT_MIN = 10;
export const WAF_RATE_LIMIT_MAX = 2_000_000_000;

const ROUTE_LIST = PUBLIC_ROUTES.join(', ');

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One route's `{ rate, burst }`, or undefined (and its problems) when it is not a valid throttle. */
function readThrottle(value: unknown, where: string, problems: string[]): RouteThrottle | undefined {
  if (!isMapping(value)) {
    problems.push(`${where} must be { rate: <requests per second>, burst: <requests> }, got ${JSON.stringify(value)}`);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(value)) {
    if (key !== 'rate' && key !== 'burst') problems.push(`${where} has an unknown key ${key} (rate and burst only)`);
  }
  const { rate, burst } = value;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_THROTTLE_RATE) {
    problems.push(
      `${where}.rate must be a positive number of requests per second, at most ${MAX_THROTTLE_RATE}, got ${JSON.stringify(rate)}`,
    );
  }
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1 || burst > MAX_THROTTLE_BURST) {
    problems.push(
      `${where}.burst must be a positive whole number of requests, at most ${MAX_THROTTLE_BURST}, got ${JSON.stringify(burst)}`,
    );
  }
  if (problems.length > before) return undefined;
  const throttle = { rate: rate as number, burst: burst as number };
  if (throttle.burst < throttle.rate) {
    problems.push(
      `${where}: burst (${throttle.burst}) must be at least rate (${throttle.rate}), or the route could never take one second of its own rate at once`,
    );
    return undefined;
  }
  return throttle;
}

/** `routeThrottles`: every public route, and nothing else, with a valid throttle. */
function readRouteThrottles(reader: SettingReader, problems: string[]): Record<PublicRoute, RouteThrottle> {
  const throttles: Partial<Record<PublicRoute, RouteThrottle>> = {};
  // Not given at all: the stage file's required-settings check has already said so.
  const found = reader.setting(CONTEXT_KEYS.routeThrottles);
  if (!found) return throttles as Record<PublicRoute, RouteThrottle>;
  let value = found.value;
  // `-c routeThrottles=…` gives a string: the same mapping as JSON.
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      problems.push(`${found.source} given as a string must be JSON, got ${JSON.stringify(value)}`);
      return throttles as Record<PublicRoute, RouteThrottle>;
    }
  }
  if (!isMapping(value)) {
    problems.push(
      `${found.source} must map each public route (${ROUTE_LIST}) to { rate, burst }, got ${JSON.stringify(value)}`,
    );
    return throttles as Record<PublicRoute, RouteThrottle>;
  }
  for (const [route, entry] of Object.entries(value)) {
    if (!(PUBLIC_ROUTES as readonly string[]).includes(route)) {
      problems.push(`${found.source} has an unknown route "${route}" (the public routes are ${ROUTE_LIST})`);
      continue;
    }
    const throttle = readThrottle(entry, `${found.source}."${route}"`, problems);
    if (throttle) throttles[route as PublicRoute] = throttle;
  }
  const missing = PUBLIC_ROUTES.filter((route) => !(route in value));
  if (missing.length > 0) {
    problems.push(
      `${found.source} lacks ${missing.join(', ')}: every public route needs its own rate and burst, or it would share the stage's default with the others`,
    );
  }
  return throttles as Record<PublicRoute, RouteThrottle>;
}

/**
 * Reads `routeThrottles`, `webAcl`, `webAclRateLimitPerIp` and `alarmWebAclBlockedRequests` through the run's
 * readers; `fileLabel` names the stage file in the problems (`config/stages/prod.yaml:`).
 */
export function readPublicBudget(reader: SettingReader, fileLabel: string, problems: string[]): PublicBudgetSettings {
  const routeThrottles = readRouteThrottles(reader, problems);
  if (!reader.bool(CONTEXT_KEYS.webAcl, false)) return { routeThrottles };
  // Only a stage with a web ACL needs these; one without ignores them, so `-c webAcl=false` alone turns it off.
  const required = (key: string, check: (n: number) => boolean, expected: string): number => {
    if (reader.setting(key)) return reader.int(key, check, expected);
    problems.push(`${fileLabel} ${key} must be set when webAcl is true`);
    return 0;
  };
  const rateLimitPerIp = required(
    CONTEXT_KEYS.webAclRateLimitPerIp,
    (n) => n >= WAF_RATE_LIMIT_MIN && n <= WAF_RATE_LIMIT_MAX,
    `a whole number of requests per source IP per 5 minutes, from ${WAF_RATE_LIMIT_MIN} to ${WAF_RATE_LIMIT_MAX}`,
  );
  const blockedRequestsAlarm = required(
    CONTEXT_KEYS.alarmWebAclBlockedRequests,
    (n) => n > 0,
    'a positive whole number',
  );
  return { routeThrottles, webAcl: { rateLimitPerIp, blockedRequestsAlarm } };
}
