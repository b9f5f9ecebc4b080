/**
 * A loopback fake of the Step Functions API's `StartExecution` (AWS JSON 1.0 protocol), for the functions that
 * start executions (the rule's starter). It behaves like a Standard state machine: a name is used once; the same
 * name with the same input returns the existing execution (idempotent), with another input fails with
 * `ExecutionAlreadyExists`. Each new execution is handed to `onStart` (the local runner).
 */
import { FakeHttpServer, readBody, sendJson, startHttpServer } from './fake-http';

/** Starts an execution locally. */
export type StartHandler = (name: string, input: unknown) => void;

/** The fake. */
export interface FakeSfn extends FakeHttpServer {
  /** Executions started, by name. */
  readonly started: ReadonlyMap<string, { readonly input: string; readonly executionArn: string }>;
  /** Every StartExecution request, duplicates included. */
  readonly requests: readonly { readonly name: string; readonly input: string }[];
  reset(): void;
}

/** Starts the fake; `stateMachineArn` is the only state machine it knows. */
export async function startFakeSfn(stateMachineArn: string, onStart: StartHandler): Promise<FakeSfn> {
  const started = new Map<string, { input: string; executionArn: string }>();
  const requests: { name: string; input: string }[] = [];
  const error = (res: Parameters<typeof sendJson>[0], type: string, message: string) =>
    sendJson(res, 400, { __type: `com.amazonaws.swf.service.v2.model#${type}`, message }, { 'content-type': 'application/x-amz-json-1.0' });

  const server = await startHttpServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse((await readBody(req)) || '{}') as { stateMachineArn?: string; name?: string; input?: string };
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
      onStart(name, JSON.parse(input) as unknown);
    }
    sendJson(res, 200, { executionArn, startDate }, { 'content-type': 'application/x-amz-json-1.0' });
  });
  return {
    ...server,
    started,
    requests,
    reset() {
      started.clear();
      requests.length = 0;
    },
  };
}
