/**
 * A loopback fake of the Step Functions API's `StartExecution` and `DescribeExecution` (AWS JSON 1.0 protocol), for
 * the functions that start executions (the rule's starter). It behaves like a Standard state machine: a name is used
 * once; while its execution runs, the same name with the same input returns it (idempotent); with another input, or
 * once the execution has finished (`finish`), StartExecution fails with `ExecutionAlreadyExists`. Each new execution
 * is handed to `onStart` (the local runner).
 */
import { FakeHttpServer, readBody, sendJson, startHttpServer } from './fake-http';

/** Starts an execution locally. */
export type StartHandler = (name: string, input: unknown) => void;

/** The fake. */
export interface FakeSfn extends FakeHttpServer {
  /** Executions started, by name. */
  readonly started: ReadonlyMap<string, { readonly input: string; readonly executionArn: string; readonly status: string }>;
  /** Every StartExecution request, duplicates included. */
  readonly requests: readonly { readonly name: string; readonly input: string }[];
  /** Marks an execution finished (`SUCCEEDED` unless told otherwise), as Step Functions would when it ends. */
  finish(name: string, status?: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'): void;
  reset(): void;
}

/** Starts the fake; `stateMachineArn` is the only state machine it knows. */
export async function startFakeSfn(stateMachineArn: string, onStart: StartHandler): Promise<FakeSfn> {
  const started = new Map<string, { input: string; executionArn: string; status: string; startDate: number; stopDate?: number }>();
  const requests: { name: string; input: string }[] = [];
  const error = (res: Parameters<typeof sendJson>[0], type: string, message: string) =>
    sendJson(res, 400, { __type: `com.amazonaws.swf.service.v2.model#${type}`, message }, { 'content-type': 'application/x-amz-json-1.0' });

  const server = await startHttpServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse((await readBody(req)) || '{}') as { stateMachineArn?: string; name?: string; input?: string; executionArn?: string };
    if (target === 'AWSStepFunctions.DescribeExecution') {
      const found = [...started.entries()].find(([, e]) => e.executionArn === body.executionArn);
      if (!found) return error(res, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${body.executionArn}'`);
      const [name, e] = found;
      return sendJson(
        res,
        200,
        { executionArn: e.executionArn, stateMachineArn, name, status: e.status, input: e.input, startDate: e.startDate, ...(e.stopDate ? { stopDate: e.stopDate } : {}) },
        { 'content-type': 'application/x-amz-json-1.0' },
      );
    }
    if (target !== 'AWSStepFunctions.StartExecution') return error(res, 'UnknownOperationException', `${target} is not served locally`);
    if (body.stateMachineArn !== stateMachineArn) return error(res, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${body.stateMachineArn}'`);
    const name = body.name ?? `local-${Date.now()}`;
    const input = body.input ?? '{}';
    requests.push({ name, input });
    const existing = started.get(name);
    if (existing && (existing.input !== input || existing.status !== 'RUNNING')) return error(res, 'ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    const executionArn = existing?.executionArn ?? `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const startDate = Date.now() / 1000;
    if (!existing) {
      started.set(name, { input, executionArn, status: 'RUNNING', startDate });
      onStart(name, JSON.parse(input) as unknown);
    }
    sendJson(res, 200, { executionArn, startDate }, { 'content-type': 'application/x-amz-json-1.0' });
  });
  return {
    ...server,
    started,
    requests,
    finish(name, status = 'SUCCEEDED') {
      const execution = started.get(name);
      if (!execution) throw new Error(`no execution ${name}`);
      started.set(name, { ...execution, status, stopDate: Date.now() / 1000 });
    },
    reset() {
      started.clear();
      requests.length = 0;
    },
  };
}
