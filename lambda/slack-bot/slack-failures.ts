/**
 * How the worker reads a failed Slack call: worth another try later (with a delay when Slack said how long), or
 * never going to work (a retry would only delay the user's answer). Pure.
 */

/** A failed Slack call, classified. */
export type SlackFailure =
  | { readonly retry: true; readonly code: string; readonly retryAfterSeconds?: number }
  | { readonly retry: false; readonly code: string };

/** Slack `ok:false` codes that a later try may cure. `fatal_error` is not one: part of the call may have happened. */
const TRANSIENT_CODES = new Set([
  'internal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'rate_limited',
  'team_added_to_org',
]);

interface SlackLikeError {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
}

/** An error `respond()` throws for a `response_url` answer that was not 2xx. */
export class ResponseUrlError extends Error {
  override readonly name = 'ResponseUrlError';
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`response_url answered ${status}: ${body.slice(0, 200)}`);
  }
}

/** Classifies an error from `@slack/web-api`'s WebClient or from a `response_url` post. */
export function classifySlackFailure(error: unknown): SlackFailure {
  if (error instanceof ResponseUrlError) {
    const transient = error.status >= 500 || error.status === 429 || error.status === 408;
    return transient
      ? { retry: true, code: `http_${error.status}` }
      : { retry: false, code: error.body.trim().slice(0, 64) || `http_${error.status}` };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as SlackLikeError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { retry: true, code: 'ratelimited', retryAfterSeconds: e.retryAfter ?? 1 };
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      return TRANSIENT_CODES.has(code) ? { retry: true, code } : { retry: false, code };
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      return status >= 500 || status === 408 || status === 429
        ? { retry: true, code: `http_${status}` }
        : { retry: false, code: `http_${status}` };
    }
    default:
      // Timeouts, dropped connections and anything unknown: another try is the safe side.
      return { retry: true, code: e.code ?? (error instanceof Error ? error.name : 'unknown_error') };
  }
}
