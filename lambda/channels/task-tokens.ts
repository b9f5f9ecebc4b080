/**
 * Completing a waiting Step Functions task (the callback pattern): `SendTaskSuccess` with the delivery, or
 * `SendTaskFailure` with a channel error name the state's Catch routes on. The endpoint comes from
 * `AWS_ENDPOINT_URL_SFN` when set. The Step Functions client is loaded on first use: the notifiers need it only
 * when a receipt is already known at send time, and should not pay for it at every cold start.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { NotifyResult } from './notify-io';

let client: Promise<{ sfn: SFNClient; sdk: typeof import('@aws-sdk/client-sfn') }> | undefined;

function sfn(): NonNullable<typeof client> {
  client ??= import('@aws-sdk/client-sfn').then((sdk) => ({ sfn: new sdk.SFNClient({ maxAttempts: 3 }), sdk }));
  return client;
}

/** What completing a task did: `completed`, or `gone` when the task no longer waits (timed out, finished, unknown). */
export type Completion = 'completed' | 'gone';

const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

function goneOrThrow(error: unknown): Completion {
  if (GONE.has((error as { name?: string })?.name ?? '')) return 'gone';
  throw error;
}

/** Completes the task with the delivery as its output. */
export async function succeedTask(taskToken: string, result: NotifyResult): Promise<Completion> {
  const { sfn: client, sdk } = await sfn();
  try {
    await client.send(new sdk.SendTaskSuccessCommand({ taskToken, output: JSON.stringify(result) }));
    return 'completed';
  } catch (error) {
    return goneOrThrow(error);
  }
}

/** Fails the task with `error` (an ErrorNames value) and a JSON cause. */
export async function failTask(taskToken: string, error: string, cause: Record<string, unknown>): Promise<Completion> {
  const { sfn: client, sdk } = await sfn();
  try {
    await client.send(new sdk.SendTaskFailureCommand({ taskToken, error, cause: JSON.stringify(cause) }));
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
