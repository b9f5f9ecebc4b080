/**
 * The errors the prep workflow's Lambdas throw. Each class's `name` is the error name that the state machine's
 * Retry and Catch clauses match (`state-machines/prep-notification.asl.json`): this module is the one place
 * they are defined. Errors are thrown, never returned, so Step Functions sees them.
 */

/** Error names as the ASL file spells them. */
export const ErrorNames = {
  InvalidEvent: 'InvalidEvent',
  MeetingNotFound: 'MeetingNotFound',
  UserNotFound: 'UserNotFound',
  TransientDataError: 'TransientDataError',
  PrepAlreadyScheduled: 'PrepAlreadyScheduled',
  ChannelUnavailable: 'ChannelUnavailable',
  ChannelPermanentFailure: 'ChannelPermanentFailure',
  ChannelTransientFailure: 'ChannelTransientFailure',
  ChannelRateLimited: 'ChannelRateLimited',
  ChannelOutcomeUnknown: 'ChannelOutcomeUnknown',
} as const;

/** The input is not a well-formed MeetingPrepRequired (or reminder) envelope. Never retried. */
export class InvalidEventError extends Error {
  override readonly name = ErrorNames.InvalidEvent;
  constructor(readonly problems: readonly string[]) {
    super(`Invalid event: ${problems.join('; ')}`);
  }
}

/** The meeting named by the event does not exist. Never retried. */
export class MeetingNotFoundError extends Error {
  override readonly name = ErrorNames.MeetingNotFound;
  constructor(readonly meetingId: string) {
    super(`Meeting ${meetingId} not found`);
  }
}

/** The meeting's owner is not in the users table. Never retried. */
export class UserNotFoundError extends Error {
  override readonly name = ErrorNames.UserNotFound;
  constructor(readonly userId: string) {
    super(`User ${userId} not found`);
  }
}

/** DynamoDB throttled or failed on its side: the state machine retries with backoff. */
export class TransientDataError extends Error {
  override readonly name = ErrorNames.TransientDataError;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The meeting could not be claimed for notification: another execution claimed it first, or its status moved
 * on since it was loaded. The execution skips quietly.
 */
export class PrepAlreadyScheduledError extends Error {
  override readonly name = ErrorNames.PrepAlreadyScheduled;
  constructor(
    readonly meetingId: string,
    readonly detail: string,
  ) {
    super(`Meeting ${meetingId} not claimed: ${detail}`);
  }
}

/** Why a channel could not even be tried. */
export type UnavailableReason =
  | 'no_phone_number'
  | 'invalid_phone_number'
  | 'no_email'
  | 'not_configured'
  | 'channel_disabled';

/** The user cannot receive this channel: skipped at once, the next channel is tried. */
export class ChannelUnavailableError extends Error {
  override readonly name = ErrorNames.ChannelUnavailable;
  constructor(
    readonly channel: string,
    readonly reason: UnavailableReason,
  ) {
    super(`${channel} skipped: ${reason}`);
  }
}

/** The provider refused for good (unknown user, invalid number, rejected mail): the next channel is tried at once. */
export class ChannelPermanentFailureError extends Error {
  override readonly name = ErrorNames.ChannelPermanentFailure;
  constructor(
    readonly channel: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`${channel} failed permanently: ${code}`, options);
  }
}

/** The provider failed in a way worth retrying (5xx, timeout, throttling): retried with backoff and jitter. */
export class ChannelTransientFailureError extends Error {
  override readonly name = ErrorNames.ChannelTransientFailure;
  constructor(
    readonly channel: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`${channel} failed transiently: ${code}`, options);
  }
}

/**
 * The provider rate-limited the call. The Lambda has already waited the provider's `Retry-After` before throwing,
 * so the state machine's retry comes no sooner than the provider asked.
 */
export class ChannelRateLimitedError extends Error {
  override readonly name = ErrorNames.ChannelRateLimited;
  constructor(
    readonly channel: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(`${channel} rate limited (retry after ${retryAfterSeconds}s)`, options);
  }
}

/**
 * The request reached the provider but no answer proves what it did (a timeout after sending, a dropped
 * connection, a 5xx that does not say "rejected"). Never retried as transient: a retry first checks whether the
 * send went through (Slack, Twilio), and SES, which has no lookup, records it unconfirmed and never resends.
 */
export class ChannelOutcomeUnknownError extends Error {
  override readonly name = ErrorNames.ChannelOutcomeUnknown;
  constructor(
    readonly channel: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`${channel} outcome unknown: ${code}`, options);
  }
}

/** Any of the channel errors, with the code recorded in the meeting's attempt list. */
export type ChannelError =
  | ChannelUnavailableError
  | ChannelPermanentFailureError
  | ChannelTransientFailureError
  | ChannelRateLimitedError
  | ChannelOutcomeUnknownError;

/** The error code recorded for a channel error. */
export function channelErrorCode(error: ChannelError): string {
  if (error instanceof ChannelUnavailableError) return error.reason;
  if (error instanceof ChannelRateLimitedError) return 'ratelimited';
  return error.code;
}

/** Whether a value is one of the channel errors. */
export function isChannelError(error: unknown): error is ChannelError {
  return (
    error instanceof ChannelUnavailableError ||
    error instanceof ChannelPermanentFailureError ||
    error instanceof ChannelTransientFailureError ||
    error instanceof ChannelRateLimitedError ||
    error instanceof ChannelOutcomeUnknownError
  );
}
