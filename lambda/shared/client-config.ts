/**
 * How every AWS SDK client of the project is configured: the one place they get their network settings, so no call
 * can hang past its budget (the SDK's default has no request timeout at all). No client is built here, so a function
 * that builds one client (Scheduler, SES, Step Functions) bundles only that client's SDK.
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

/** Settings of one client. */
export interface AwsClientSettings {
  /** Time for one HTTP attempt, from sending to the whole response. @default {@link DEFAULT_REQUEST_TIMEOUT_MS} */
  readonly requestTimeoutMs?: number;
  /** Attempts per call, the first included. @default 3 */
  readonly maxAttempts?: number;
  /**
   * A fixed wait before each retry, in place of the SDK's exponential backoff (whose throttling base is 500 ms, so
   * its waits alone can outlast a 2 s answer). @default the SDK's backoff
   */
  readonly retryDelayMs?: number;
}

/** Per-attempt budget of a call from a Lambda behind Slack's 3 s or a Step Functions task. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 1500;
/** Time to open a connection: on loopback or in-region it is a few milliseconds, so a slow one is a failed one. */
export const CONNECTION_TIMEOUT_MS = 500;

/**
 * The clients a person (or Slack) waits on before an answer: two short attempts, 100 ms apart — at most
 * {@link worstCaseCallMs} = 1.7 s per call, inside the webhook's 2 s deadline, so no call is still retrying after
 * the answer went out.
 */
export const ANSWER_PATH_CLIENT: AwsClientSettings = { maxAttempts: 2, requestTimeoutMs: 800, retryDelayMs: 100 };

/** The longest one call can take with these settings (every attempt timing out), when the retry delay is fixed. */
export function worstCaseCallMs(settings: AwsClientSettings): number {
  const attempts = settings.maxAttempts ?? 3;
  if (settings.retryDelayMs === undefined) return Infinity;
  return attempts * (settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) + (attempts - 1) * settings.retryDelayMs;
}

/** The constructor options every AWS SDK client of the project takes (`new XClient(awsClientConfig())`). */
export function awsClientConfig(settings: AwsClientSettings = {}): {
  maxAttempts: number;
  requestHandler: { requestTimeout: number; connectionTimeout: number; throwOnRequestTimeout: true };
  retryStrategy?: ConfiguredRetryStrategy;
} {
  const requestTimeout = settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(requestTimeout > 0)) throw new Error(`requestTimeoutMs must be positive, got ${requestTimeout}`);
  const maxAttempts = settings.maxAttempts ?? 3;
  const delay = settings.retryDelayMs;
  if (delay !== undefined && !(delay >= 0)) throw new Error(`retryDelayMs must be zero or more, got ${delay}`);
  return {
    maxAttempts,
    // Without throwOnRequestTimeout the handler only logs a warning when the timeout passes and keeps waiting.
    requestHandler: {
      requestTimeout,
      connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, requestTimeout),
      throwOnRequestTimeout: true,
    },
    ...(delay !== undefined ? { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => delay) } : {}),
  };
}
