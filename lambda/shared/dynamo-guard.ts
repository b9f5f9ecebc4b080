/**
 * The error handling every repository shares: a transient DynamoDB failure becomes {@link TransientDataError} so the
 * state machine (or the caller's retry) retries it, and a failed condition is a result, not an error: this module is
 * the one place that knows DynamoDB's `ConditionalCheckFailedException`.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { isTransientAwsError } from './aws-errors';
import { TransientDataError } from './errors';

/** Runs one DynamoDB call, `what` naming it in the transient error. A failed condition is thrown as it is. */
export async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    if (isTransientAwsError(error)) throw new TransientDataError(`${what}: ${(error as Error).name}`, { cause: error });
    throw error;
  }
}

/** What a conditional write did: `written` with the call's output, or not, its condition having failed. */
export type ConditionalWrite<T> = { readonly written: true; readonly output: T } | { readonly written: false };

/**
 * Runs one conditional DynamoDB write (a put or an update with a `ConditionExpression`) through {@link guarded}: a
 * failed condition comes back as `{ written: false }`; a transient failure is thrown as {@link TransientDataError},
 * any other error as it is.
 */
export async function conditionalWrite<T>(what: string, work: () => Promise<T>): Promise<ConditionalWrite<T>> {
  try {
    return { written: true, output: await guarded(what, work) };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { written: false };
    throw error;
  }
}
