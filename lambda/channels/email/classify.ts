/** Error classification of SES v2, in the four answers of slack/classify.ts. Pure. */
import { awsErrorCode, sendOutcomeOf } from '../../shared/aws-errors';
import {
  ChannelError,
  ChannelOutcomeUnknownError,
  ChannelPermanentFailureError,
  ChannelTransientFailureError,
} from '../../shared/errors';

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
