/**
 * Error classification for the three providers, in one place: which failures are worth a retry (transient),
 * which mean "try the next channel now" (permanent). Pure: no I/O, tested on the providers' real error shapes.
 */
import { isTransientAwsError, awsErrorCode } from '../aws-errors';
import {
  ChannelError,
  ChannelPermanentFailureError,
  ChannelRateLimitedError,
  ChannelTransientFailureError,
} from '../errors';

/**
 * Slack `ok:false` error codes worth retrying. `fatal_error` is left out on purpose: Slack warns that part of
 * the operation may have succeeded, so a retry could post the reminder twice.
 */
const SLACK_TRANSIENT = new Set(['internal_error', 'service_unavailable', 'request_timeout', 'rate_limited', 'ratelimited']);

interface SlackLikeError {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
  original?: { code?: string; cause?: { code?: string } };
}

/** Classifies an error thrown by `@slack/web-api`'s WebClient. */
export function classifySlackError(error: unknown): ChannelError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SlackLikeError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return new ChannelRateLimitedError('slack', e.retryAfter ?? 1, { cause: error });
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      return SLACK_TRANSIENT.has(code)
        ? new ChannelTransientFailureError('slack', code, { cause: error })
        : new ChannelPermanentFailureError('slack', code, { cause: error });
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      const code = `http_${status}`;
      return status >= 500 || status === 408
        ? new ChannelTransientFailureError('slack', code, { cause: error })
        : new ChannelPermanentFailureError('slack', code, { cause: error });
    }
    case 'slack_webapi_request_error':
      // fetch wraps the socket error: the code (ECONNREFUSED…) is on the original error's cause.
      return new ChannelTransientFailureError('slack', e.original?.code ?? e.original?.cause?.code ?? 'request_error', { cause: error });
    default:
      return new ChannelTransientFailureError('slack', e.code ?? 'unknown_error', { cause: error });
  }
}

/** Twilio error codes that a retry may cure (queue overflow, rate limits, service errors). */
const TWILIO_TRANSIENT_CODES = new Set([20429, 20500, 20503, 30001]);

interface TwilioLikeError {
  status?: number;
  code?: number | string;
}

/** Classifies an error thrown by the `twilio` client (RestException, or a network error from its HTTP layer). */
export function classifyTwilioError(error: unknown): ChannelError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as TwilioLikeError;
  if (typeof e.status === 'number') {
    const code = typeof e.code === 'number' ? String(e.code) : `http_${e.status}`;
    if (e.status >= 500 || e.status === 429 || (typeof e.code === 'number' && TWILIO_TRANSIENT_CODES.has(e.code))) {
      return new ChannelTransientFailureError('sms', code, { cause: error });
    }
    return new ChannelPermanentFailureError('sms', code, { cause: error });
  }
  const code = typeof e.code === 'string' ? e.code : 'request_error';
  return new ChannelTransientFailureError('sms', code, { cause: error });
}

/** Classifies an error thrown by `@aws-sdk/client-ses` (MessageRejected and the like are permanent). */
export function classifySesError(error: unknown): ChannelError {
  const code = awsErrorCode(error);
  return isTransientAwsError(error)
    ? new ChannelTransientFailureError('email', code, { cause: error })
    : new ChannelPermanentFailureError('email', code, { cause: error });
}
