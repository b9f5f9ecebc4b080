/**
 * A loopback fake of the Step Functions API (AWS JSON 1.0 protocol): `StartExecution`, for the functions that start
 * executions (the rule's starter), and `SendTaskSuccess`/`SendTaskFailure`/`SendTaskHeartbeat`, for the receipt
 * functions that complete waiting tasks. It behaves like a Standard state machine: a name is used once; the same
 * name with the same input returns the existing execution (idempotent), with another input fails with
 * `ExecutionAlreadyExists`. Each new execution is handed to `onStart` (the local runner); task tokens are settled
 * through the {@link TaskTokenBroker} the runner waits on.
 */
import { FakeHttpServer, readBody, sendJson, startHttpServer } from './fake-http';
import { TaskTokenBroker } from './task-tokens';

/** Starts an execution locally. */
export type StartHandler = (name: string, input: unknown) => void;

/** The fake. */
export interface FakeSfn extends FakeHttpServer {
  /** Executions started, by name. */
  readonly started: ReadonlyMap<string, { readonly input: string; readonly executionArn: string }>;
  /** Every StartExecution request, duplicates included. */
  readonly requests: readonly { readonly name: string; readonly input: string }[];
  /** Every SendTaskSuccess/SendTaskFailure request, refused ones included (`refused` names the error). */
  readonly taskResponses: readonly { readonly operation: string; readonly error?: string; readonly refused?: string }[];
  /** Where executions go; replaceable (the local runtime sets it once it can run them). */
  onStart: StartHandler;
  reset(): void;
}

/** Starts the fake; `stateMachineArn` is the only state machine it knows. */
export async function startFakeSfn(stateMachineArn: string, onStart: StartHandler, tokens: TaskTokenBroker = new TaskTokenBroker()): Promise<FakeSfn> {
  const started = new Map<string, { input: string; executionArn: string }>();
  const requests: { name: string; input: string }[] = [];
  const error = (res: Parameters<typeof sendJson>[0], type: string, message: string) =>
    sendJson(res, 400, { __type: `com.amazonaws.swf.service.v2.model#${type}`, message }, { 'content-type': 'application/x-amz-json-1.0' });

  const taskResponses: { operation: string; error?: string; refused?: string }[] = [];
  const server = await startHttpServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse((await readBody(req)) || '{}') as {
      stateMachineArn?: string;
      name?: string;
      input?: string;
      taskToken?: string;
      output?: string;
      error?: string;
      cause?: string;
    };
    const operation = target.replace('AWSStepFunctions.', '');
    if (operation === 'SendTaskSuccess' || operation === 'SendTaskFailure' || operation === 'SendTaskHeartbeat') {
      if (!body.taskToken) return error(res, 'InvalidToken', 'Invalid Token: taskToken is required');
      if (operation === 'SendTaskHeartbeat') return sendJson(res, 200, {}, { 'content-type': 'application/x-amz-json-1.0' });
      if (operation === 'SendTaskSuccess') {
        let output: unknown;
        try {
          output = JSON.parse(body.output ?? '');
        } catch {
          return error(res, 'InvalidOutput', 'Invalid Output: the output is not valid JSON');
        }
        const refused = tokens.complete(body.taskToken, { kind: 'success', output });
        taskResponses.push({ operation, ...(refused ? { refused } : {}) });
        if (refused) return error(res, refused, refused === 'TaskTimedOut' ? 'Task Timed Out: Provided task does not exist anymore' : 'Invalid Token');
      } else {
        const refused = tokens.complete(body.taskToken, { kind: 'failure', error: body.error ?? '', ...(body.cause ? { cause: body.cause } : {}) });
        taskResponses.push({ operation, ...(body.error ? { error: body.error } : {}), ...(refused ? { refused } : {}) });
        if (refused) return error(res, refused, refused === 'TaskTimedOut' ? 'Task Timed Out: Provided task does not exist anymore' : 'Invalid Token');
      }
      return sendJson(res, 200, {}, { 'content-type': 'application/x-amz-json-1.0' });
    }
    if (target !== 'AWSStepFunctions.StartExecution') return error(res, 'UnknownOperationException', `${target} is not served locally`);
    if (body.stateMachineArn !== stateMachineArn) return error(res, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${body.stateMachineArn}'`);
    const name = body.name ?? `local-${Date.now()}`;
    const input = body.input ?? '{}';
    requests.push({ name, input });
    const existing = started.get(name);
    if (existing && existing.input !== input) return error(res, 'ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    const executionArn = existing?.executionArn ?? `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const startDate = Date.now() / 1000;
    if (!existing) {
      started.set(name, { input, executionArn });
      fake.onStart(name, JSON.parse(input) as unknown);
    }
    sendJson(res, 200, { executionArn, startDate }, { 'content-type': 'application/x-amz-json-1.0' });
  });
  const fake: FakeSfn = {
    ...server,
    started,
    requests,
    taskResponses,
    onStart,
    reset() {
      started.clear();
      requests.length = 0;
      taskResponses.length = 0;
    },
  };
  return fake;
}
