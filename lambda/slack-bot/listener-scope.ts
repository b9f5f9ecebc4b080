/**
 * What the webhook and every Bolt listener share about one request: its scope, where a listener records its error,
 * and {@link guarded}, which records it and always acknowledges. Its own module so that listener modules
 * (bolt-app.ts, app-home/home-listeners.ts) import it without importing each other.
 */
import type { AllMiddlewareArgs } from '@slack/bolt';
import type { AwsEvent } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';

/** Per-request state shared between the webhook and the listeners (Bolt hands it over as a custom property). */
export interface RequestScope {
  /** The listener's error, if it failed. */
  failure?: unknown;
}

/** An API Gateway event as the receiver takes it, with the request's scope. */
export type ScopedAwsEvent = AwsEvent & { readonly requestScope: RequestScope };

/** Bolt's acknowledgement. */
export type Ack<R> = (response?: R) => Promise<void>;

/**
 * Runs a listener's work, recording its error in the request scope before Bolt sees it. The request is always
 * acknowledged (a failed one with an empty answer; the webhook writes the real one), so Bolt's receiver neither
 * waits nor leaves its unacknowledged-request timer behind.
 */
export async function guarded<R>(
  context: AllMiddlewareArgs['context'],
  ack: Ack<R>,
  work: (ack: Ack<R>) => Promise<void>,
): Promise<void> {
  let acked = false;
  const once: Ack<R> = async (response) => {
    acked = true;
    await ack(response);
  };
  try {
    await work(once);
  } catch (error) {
    const scope = context['requestScope'] as RequestScope | undefined;
    if (scope) scope.failure = error;
    if (!acked) await ack();
    throw error;
  }
}
