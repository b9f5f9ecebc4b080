/** Classification of AWS SDK errors: transient (retry) or not. Pure. */

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // The repositories' wrapper of any of the above (errors.ts): a caller classifying it must see it as transient.
  'TransientDataError',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

interface SdkLikeError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** True when an AWS SDK error is worth retrying: throttling, a 5xx, a timeout, a dropped connection. */
export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkLikeError;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

/** The error's name, for recording. */
export function awsErrorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as SdkLikeError;
    return e.name ?? e.code ?? 'UnknownError';
  }
  return 'UnknownError';
}

/** Errors raised before a request left this machine: nothing reached the service. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** Answers in which the service says "not done, try again". */
const TRY_AGAIN_NAMES = new Set([
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/**
 * What a failed request that is not idempotent (a send) tells about the send: `retry` (it surely did not happen:
 * refused before sending, or an explicit "try again": throttling, 429, 503), `unknown` (sent, and nothing proves it
 * was rejected: a timeout, a dropped connection, a 500/502/504), `rejected` (the service refused it for good).
 */
export function sendOutcomeOf(error: unknown): 'retry' | 'unknown' | 'rejected' {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const e = error as SdkLikeError & { cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (code && NOT_SENT_CODES.has(code)) return 'retry';
  if (e.name && TRY_AGAIN_NAMES.has(e.name)) return 'retry';
  const status = e.$metadata?.httpStatusCode;
  // 429 and 503 are refusals: the service says it did not take the request.
  if (status === 429 || status === 503) return 'retry';
  if (e.name && TRANSIENT_NAMES.has(e.name)) return 'unknown';
  if (code && NETWORK_CODES.has(code)) return 'unknown';
  if (status === undefined || status >= 500) return 'unknown';
  return 'rejected';
}
