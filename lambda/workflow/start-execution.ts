/**
 * The EventBridge rule's target: starts one prep execution per event, named after the meeting
 * (`lambda/shared/execution-name.ts`). StartExecution is idempotent for a Standard state machine while the execution
 * runs (same name, same input), so EventBridge's at-least-once redelivery of the same event starts nothing new. Once
 * the execution has finished, the same request fails with ExecutionAlreadyExists: the existing execution is then
 * described, and a redelivery (same input) is normal, while another input under the same name is reported.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { awsClientConfig } from '../shared/client-config';
import { requiredEnv } from '../shared/env';
import { executionNameFor } from '../shared/execution-name';
import { createLogger } from '../shared/logger';

const logger = createLogger('start-execution');
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');
const sfn = new SFNClient(awsClientConfig());

/** What became of the event. */
export type StartOutcome = 'started' | 'redelivered' | 'name-conflict';

/** The ARN of a state machine's execution of this name. */
export function executionArnOf(machineArn: string, name: string): string {
  return `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

function sameInput(existingInput: string | undefined, event: unknown): boolean {
  if (existingInput === undefined) return false;
  try {
    return isDeepStrictEqual(JSON.parse(existingInput), event);
  } catch {
    return false;
  }
}

/** Lambda entry point (asynchronous invocation by EventBridge; errors are retried, then sent to the DLQ). */
export async function handler(
  event: unknown,
): Promise<{ executionName: string; executionArn?: string; outcome: StartOutcome }> {
  const name = executionNameFor(event);
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(event) }));
    logger.info('execution started', { execution: name, executionArn: out.executionArn });
    return { executionName: name, ...(out.executionArn ? { executionArn: out.executionArn } : {}), outcome: 'started' };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    const executionArn = executionArnOf(stateMachineArn, name);
    const existing = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (sameInput(existing.input, event)) {
      logger.info('event delivered again after its execution finished; nothing to start', {
        execution: name,
        status: existing.status,
      });
      return { executionName: name, executionArn, outcome: 'redelivered' };
    }
    // Same name, different input: a different event reused an id. Nothing to start; say so loudly.
    logger.error('an execution of this name exists with another input; event not started', {
      execution: name,
      status: existing.status,
    });
    return { executionName: name, outcome: 'name-conflict' };
  }
}
