/**
 * The EventBridge rule's target: starts one prep execution per event, named after the meeting
 * (`lambda/shared/execution-name.ts`). StartExecution is idempotent for a Standard state machine when the name and
 * input repeat, so EventBridge's at-least-once redelivery of the same event starts nothing new.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { awsClientConfig } from '../shared/aws-clients';
import { requiredEnv } from '../shared/env';
import { executionNameFor } from '../shared/execution-name';
import { createLogger } from '../shared/logger';

const logger = createLogger('start-execution');
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');
const sfn = new SFNClient(awsClientConfig());

/** Lambda entry point (asynchronous invocation by EventBridge; errors are retried, then sent to the DLQ). */
export async function handler(event: unknown): Promise<{ executionName: string; executionArn?: string }> {
  const name = executionNameFor(event);
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(event) }));
    logger.info('execution started', { execution: name, executionArn: out.executionArn });
    return { executionName: name, ...(out.executionArn ? { executionArn: out.executionArn } : {}) };
  } catch (error) {
    // Same name, different input: a different event reused an id. Nothing to start; say so loudly.
    if (error instanceof ExecutionAlreadyExists) {
      logger.error('an execution of this name exists with another input; event not started', { execution: name });
      return { executionName: name };
    }
    throw error;
  }
}
