/**
 * The error handling every repository shares: a failed condition stays itself (callers decide what it means), a
 * transient DynamoDB failure becomes {@link TransientDataError} so the state machine retries it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { isTransientAwsError } from './aws-errors';
import { TransientDataError } from './errors';

/** Runs one DynamoDB call, `what` naming it in the transient error. */
export async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    if (isTransientAwsError(error)) throw new TransientDataError(`${what}: ${(error as Error).name}`, { cause: error });
    throw error;
  }
}
