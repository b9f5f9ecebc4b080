/**
 * The one place AWS SDK clients get their network settings: every client in the project is built with
 * {@link awsClientConfig}, so no call can hang past its budget (the SDK's default has no request timeout at all).
 * The standard `AWS_ENDPOINT_URL_<SERVICE>` variables still point clients at local emulators.
 */

/** Settings of one client. */
export interface AwsClientSettings {
  /** Time for one HTTP attempt, from sending to the whole response. @default {@link DEFAULT_REQUEST_TIMEOUT_MS} */
  readonly requestTimeoutMs?: number;
  /** Attempts per call, the first included. @default 3 */
  readonly maxAttempts?: number;
}

/** Per-attempt budget of a call from a Lambda behind Slack's 3 s or a Step Functions task. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 1500;
/** Time to open a connection: on loopback or in-region it is a few milliseconds, so a slow one is a failed one. */
export const CONNECTION_TIMEOUT_MS = 500;

/** The constructor options every AWS SDK client of the project takes (`new XClient(awsClientConfig())`). */
export function awsClientConfig(settings: AwsClientSettings = {}): {
  maxAttempts: number;
  requestHandler: { requestTimeout: number; connectionTimeout: number; throwOnRequestTimeout: true };
} {
  const requestTimeout = settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(requestTimeout > 0)) throw new Error(`requestTimeoutMs must be positive, got ${requestTimeout}`);
  return {
    maxAttempts: settings.maxAttempts ?? 3,
    // Without throwOnRequestTimeout the handler only logs a warning when the timeout passes and keeps waiting.
    requestHandler: { requestTimeout, connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, requestTimeout), throwOnRequestTimeout: true },
  };
}
