/**
 * A loopback fake of the Step Functions API (AWS JSON 1.0 protocol): `StartExecution` and `DescribeExecution`, for
 * the functions that start executions (the rule's starter), and `SendTaskSuccess`/`SendTaskFailure`/
 * `SendTaskHeartbeat`, for the receipt functions that complete waiting tasks. It behaves like a Standard state
 * machine: a name is used once; while its execution runs, the same name with the same input returns it
 * (idempotent); with another input, or once the execution has finished (`finish`), StartExecution fails with
 * `ExecutionAlreadyExists`. Each new execution is handed to `onStart` (the local runner); task tokens are settled
 * through the {@link TaskTokenBroker} the runner waits on.
 */
import type { ServerResponse } from 'node:http';
import { FakeHttpServer, readBody, sendJson, startHttpServer } from './fake-http';
import { TaskTokenBroker } from './task-tokens';

/** Starts an execution locally. */
export type StartHandler = (name: string, input: unknown) => void;

/** A SendTaskSuccess/SendTaskFailure request as the fake answered it. */
export interface TaskResponse {
  readonly operation: string;
  readonly error?: string;
  /** The error Step Functions answered with (TaskTimedOut, InvalidToken), when the token was refused. */
  readonly refused?: string;
}

/** The fake. */
export interface FakeSfn extends FakeHttpServer {
  /** Executions started, by name. */
  readonly started: ReadonlyMap<
    string,
    { readonly input: string; readonly executionArn: string; readonly status: string }
  >;
  /** Every StartExecution request, duplicates included. */
  readonly requests: readonly { readonly name: string; readonly input: string }[];
  /** Every SendTaskSuccess/SendTaskFailure request, refused ones included. */
  readonly taskResponses: readonly TaskResponse[];
  /** Where executions go; replaceable (the local runtime sets it once it can run them). */
  onStart: StartHandler;
  /** Marks an execution finished (`SUCCEEDED` unless told otherwise), as Step Functions would when it ends. */
  finish(name: string, status?: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'): void;
  reset(): void;
}

interface RequestBody {
  stateMachineArn?: string;
  name?: string;
  input?: string;
  executionArn?: string;
  taskToken?: string;
  output?: string;
  error?: string;
  cause?: string;
}

const JSON_1_0 = { 'content-type': 'application/x-amz-json-1.0' };

function sendError(res: ServerResponse, type: string, message: string): void {
  sendJson(res, 400, { __type: `com.amazonaws.swf.service.v2.model#${type}`, message }, JSON_1_0);
}

/** SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat against the broker's tokens. */
function answerTask(
  res: ServerResponse,
  operation: string,
  body: RequestBody,
  tokens: TaskTokenBroker,
  log: TaskResponse[],
): void {
  if (!body.taskToken) return sendError(res, 'InvalidToken', 'Invalid Token: taskToken is required');
  if (operation === 'SendTaskHeartbeat') return sendJson(res, 200, {}, JSON_1_0);
  let refused: string | undefined;
  if (operation === 'SendTaskSuccess') {
    let output: unknown;
    try {
      output = JSON.parse(body.output ?? '');
    } catch {
      return sendError(res, 'InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    refused = tokens.complete(body.taskToken, { kind: 'success', output });
  } else {
    refused = tokens.complete(body.taskToken, {
      kind: 'failure',
      error: body.error ?? '',
      ...(body.cause ? { cause: body.cause } : {}),
    });
  }
  log.push({ operation, ...(body.error ? { error: body.error } : {}), ...(refused ? { refused } : {}) });
  if (refused)
    return sendError(
      res,
      refused,
      refused === 'TaskTimedOut' ? 'Task Timed Out: Provided task does not exist anymore' : 'Invalid Token',
    );
  sendJson(res, 200, {}, JSON_1_0);
}

/** Starts the fake; `stateMachineArn` is the only state machine it knows. */
export async function startFakeSfn(
  stateMachineArn: string,
  onStart: StartHandler,
  tokens: TaskTokenBroker = new TaskTokenBroker(),
): Promise<FakeSfn> {
  const started = new Map<
    string,
    { input: string; executionArn: string; status: string; startDate: number; stopDate?: number }
  >();
  const requests: { name: string; input: string }[] = [];
  const taskResponses: TaskResponse[] = [];

  const server = await startHttpServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse((await readBody(req)) || '{}') as RequestBody;
    const operation = target.replace('AWSStepFunctions.', '');
    if (operation.startsWith('SendTask')) return answerTask(res, operation, body, tokens, taskResponses);
    if (operation === 'DescribeExecution') {
      const found = [...started.entries()].find(([, e]) => e.executionArn === body.executionArn);
      if (!found) return sendError(res, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${body.executionArn}'`);
      const [name, e] = found;
      return sendJson(
        res,
        200,
        {
          executionArn: e.executionArn,
          stateMachineArn,
          name,
          status: e.status,
          input: e.input,
          startDate: e.startDate,
          ...(e.stopDate ? { stopDate: e.stopDate } : {}),
        },
        JSON_1_0,
      );
    }
    if (operation !== 'StartExecution')
      return sendError(res, 'UnknownOperationException', `${target} is not served locally`);
    if (body.stateMachineArn !== stateMachineArn)
      return sendError(res, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${body.stateMachineArn}'`);
    const name = body.name ?? `local-${Date.now()}`;
    const input = body.input ?? '{}';
    requests.push({ name, input });
    const existing = started.get(name);
    if (existing && (existing.input !== input || existing.status !== 'RUNNING'))
      return sendError(res, 'ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    const executionArn =
      existing?.executionArn ?? `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const startDate = Date.now() / 1000;
    if (!existing) {
      started.set(name, { input, executionArn, status: 'RUNNING', startDate });
      fake.onStart(name, JSON.parse(input) as unknown);
    }
    sendJson(res, 200, { executionArn, startDate }, JSON_1_0);
  });
  const fake: FakeSfn = {
    ...server,
    started,
    requests,
    taskResponses,
    onStart,
    finish(name, status = 'SUCCEEDED') {
      const execution = started.get(name);
      if (!execution) throw new Error(`no execution ${name}`);
      started.set(name, { ...execution, status, stopDate: Date.now() / 1000 });
    },
    reset() {
      started.clear();
      requests.length = 0;
      taskResponses.length = 0;
    },
  };
  return fake;
}
