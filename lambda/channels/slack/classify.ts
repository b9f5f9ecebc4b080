/**
 * Error classification of the Slack Web API. Four answers: retry (the provider surely did not
 * act: refused before sending, or an explicit "try again"), rate limited, permanent (try the next channel now),
 * and outcome unknown (the request was sent and nothing proves it was rejected: a timeout, a dropped connection,
 * a 5xx; never retried blindly). Pure: no I/O, tested on the providers' real error shapes.
 */
import {
  ChannelError,
  ChannelOutcomeUnknownError,
  ChannelPermanentFailureError,
  ChannelRateLimitedError,
  ChannelTransientFailureError,
} from '../../shared/errors';
import { NOT_SENT_CODES } from '../not-sent';

/** Slack `ok:false` codes that say "not done, try again". */
const SLACK_TRY_AGAIN = new Set(['service_unavailable', 'rate_limited', 'ratelimited']);
/**
 * Slack `ok:false` codes after which the post may exist: Slack documents that "some aspect of the operation"
 * may have succeeded (`internal_error`, `fatal_error`), or the server gave up on a request it had received.
 */
const SLACK_MAYBE_DONE = new Set(['internal_error', 'fatal_error', 'request_timeout']);

interface SlackLikeError {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
  original?: { code?: string; name?: string; message?: string; cause?: { code?: string } };
}

/** Classifies an error thrown by `@slack/web-api`'s WebClient. */
export function classifySlackError(error: unknown): ChannelError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SlackLikeError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return new ChannelRateLimitedError('slack', e.retryAfter ?? 1, { cause: error });
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      if (SLACK_TRY_AGAIN.has(code)) return new ChannelTransientFailureError('slack', code, { cause: error });
      if (SLACK_MAYBE_DONE.has(code)) return new ChannelOutcomeUnknownError('slack', code, { cause: error });
      return new ChannelPermanentFailureError('slack', code, { cause: error });
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      const code = `http_${status}`;
      // 429 and 503 refuse the request ("try again"); other 5xx do not prove the post was not made.
      if (status === 429 || status === 503) return new ChannelTransientFailureError('slack', code, { cause: error });
      return status >= 500 || status === 408
        ? new ChannelOutcomeUnknownError('slack', code, { cause: error })
        : new ChannelPermanentFailureError('slack', code, { cause: error });
    }
    case 'slack_webapi_request_error': {
      // WebClient rewraps fetch's error as Error("TypeError: fetch failed (ECONNREFUSED)") (see fetchKeepingCause):
      // the socket code is on the original, its cause, or in its message.
      const fromMessage = /\((E[A-Z_]+|UND_ERR_[A-Z_]+)\)/.exec(e.original?.message ?? '')?.[1];
      const timedOut = /TimeoutError|AbortError/.test(e.original?.message ?? '') ? 'timeout' : undefined;
      const code = e.original?.code ?? e.original?.cause?.code ?? fromMessage ?? timedOut ?? 'request_error';
      return NOT_SENT_CODES.has(code)
        ? new ChannelTransientFailureError('slack', code, { cause: error })
        : new ChannelOutcomeUnknownError('slack', code, { cause: error });
    }
    default:
      return new ChannelOutcomeUnknownError('slack', e.code ?? 'unknown_error', { cause: error });
  }
}
