/**
 * Error classification for the three providers, in one place. Four answers: retry (the provider surely did not
 * act: refused before sending, or an explicit "try again"), rate limited, permanent (try the next channel now),
 * and outcome unknown (the request was sent and nothing proves it was rejected: a timeout, a dropped connection,
 * a 5xx; never retried blindly). Pure: no I/O, tested on the providers' real error shapes.
 */
import { awsErrorCode, sendOutcomeOf } from '../aws-errors';
import {
  ChannelError,
  ChannelOutcomeUnknownError,
  ChannelPermanentFailureError,
  ChannelRateLimitedError,
  ChannelTransientFailureError,
} from '../errors';

/** Socket errors raised before a request was sent: nothing reached the provider. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

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

/**
 * Twilio REST error codes that say "not done, try again" (https://www.twilio.com/docs/api/errors): 20429 too many
 * requests, 14107 SMS send rate exceeded, 21611 the sender's queue is full, 30001 queue overflow.
 */
const TWILIO_TRY_AGAIN_CODES = new Set([14107, 20429, 21611, 30001]);
/** Twilio codes of a server-side failure after the request was received (20500 internal error). */
const TWILIO_MAYBE_DONE_CODES = new Set([20500]);

interface TwilioLikeError {
  status?: number;
  code?: number | string;
}

/** Classifies an error thrown by the `twilio` client (RestException, or a network error from its HTTP layer). */
export function classifyTwilioError(error: unknown): ChannelError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as TwilioLikeError;
  if (typeof e.status === 'number') {
    const numeric = typeof e.code === 'number' ? e.code : undefined;
    const code = numeric !== undefined ? String(numeric) : `http_${e.status}`;
    if (e.status === 429 || e.status === 503 || (numeric !== undefined && TWILIO_TRY_AGAIN_CODES.has(numeric))) {
      return new ChannelTransientFailureError('sms', code, { cause: error });
    }
    if (e.status >= 500 || (numeric !== undefined && TWILIO_MAYBE_DONE_CODES.has(numeric))) {
      return new ChannelOutcomeUnknownError('sms', code, { cause: error });
    }
    return new ChannelPermanentFailureError('sms', code, { cause: error });
  }
  const code = typeof e.code === 'string' ? e.code : 'request_error';
  return NOT_SENT_CODES.has(code)
    ? new ChannelTransientFailureError('sms', code, { cause: error })
    : new ChannelOutcomeUnknownError('sms', code, { cause: error });
}

/**
 * Classifies an error thrown by `@aws-sdk/client-sesv2`: throttling and refused connections are retried,
 * MessageRejected and the like are permanent, a timeout or a 5xx is outcome unknown.
 */
export function classifySesError(error: unknown): ChannelError {
  const code = awsErrorCode(error);
  switch (sendOutcomeOf(error)) {
    case 'retry':
      return new ChannelTransientFailureError('email', code, { cause: error });
    case 'unknown':
      return new ChannelOutcomeUnknownError('email', code, { cause: error });
    default:
      return new ChannelPermanentFailureError('email', code, { cause: error });
  }
}
