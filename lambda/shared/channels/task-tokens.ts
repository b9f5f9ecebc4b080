/**
 * Completing a waiting Step Functions task (the callback pattern): `SendTaskSuccess` with the delivery, or
 * `SendTaskFailure` with a channel error name the state's Catch routes on. The endpoint comes from
 * `AWS_ENDPOINT_URL_SFN` when set.
 */
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, InvalidToken } from '@aws-sdk/client-sfn';
import type { NotifyResult } from '../../workflow/task-io';

let client: SFNClient | undefined;

function sfn(): SFNClient {
  client ??= new SFNClient({ maxAttempts: 3 });
  return client;
}

/** What completing a task did: `completed`, or `gone` when the task no longer waits (timed out, finished, unknown). */
export type Completion = 'completed' | 'gone';

function goneOrThrow(error: unknown): Completion {
  if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken) return 'gone';
  throw error;
}

/** Completes the task with the delivery as its output. */
export async function succeedTask(taskToken: string, result: NotifyResult): Promise<Completion> {
  try {
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(result) }));
    return 'completed';
  } catch (error) {
    return goneOrThrow(error);
  }
}

/** Fails the task with `error` (an ErrorNames value) and a JSON cause. */
export async function failTask(taskToken: string, error: string, cause: Record<string, unknown>): Promise<Completion> {
  try {
    await sfn().send(new SendTaskFailureCommand({ taskToken, error, cause: JSON.stringify(cause) }));
    return 'completed';
  } catch (thrown) {
    return goneOrThrow(thrown);
  }
}

/** The completion the notifiers use when a receipt is already known at send time. */
export const stepFunctionsTasks = {
  async succeed(taskToken: string, result: NotifyResult): Promise<void> {
    await succeedTask(taskToken, result);
  },
};
