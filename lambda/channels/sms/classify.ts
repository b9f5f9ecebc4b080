/** Error classification of the Twilio client, in the four answers of slack/classify.ts. Pure. */
import {
  ChannelError,
  ChannelOutcomeUnknownError,
  ChannelPermanentFailureError,
  ChannelTransientFailureError,
} from '../../shared/errors';
import { NOT_SENT_CODES } from '../not-sent';

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
