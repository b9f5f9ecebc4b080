/**
 * Runs the synthesized prep state machine locally with aws-local-stepfunctions, invoking the real handler code
 * of each Task's function in this process. The definition is the deployed one; only Lambda invocation is local.
 */
import * as path from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { PROJECT_ROOT } from '../lib/constructs/house-function';
import { LocalDefinition } from './synth';

/** One entry of the execution's event history. */
export interface HistoryEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: string;
  readonly stateType?: string;
  readonly error?: string;
  readonly cause?: unknown;
  readonly retryAttempt?: number;
}

/** A finished execution. */
export interface LocalExecution {
  readonly name: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: unknown;
  readonly history: readonly HistoryEvent[];
}

/** Options of one run. */
export interface RunOptions {
  /** @default a generated name */
  readonly executionName?: string;
  /** Milliseconds to wait between retries, per state (0 in tests). @default the ASL's own backoff */
  readonly retryIntervalMs?: number;
  /** Called with each history event as it happens (the local trace). */
  readonly onEvent?: (event: HistoryEvent) => void;
}

type Handler = (input: unknown, context?: unknown) => Promise<unknown>;

/**
 * A Lambda entry's exported `handler`, loaded from the source (`lambda/…ts`, relative to the project root). Load it
 * after the environment is set: handlers read it at load time, like a cold start.
 */
export function loadHandler<H = Handler>(entry: string): H {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late on purpose (see above)
  const mod = require(path.join(PROJECT_ROOT, entry)) as { handler?: unknown };
  if (typeof mod.handler !== 'function') throw new Error(`${entry} exports no handler`);
  return mod.handler as H;
}

let counter = 0;

/** The prep workflow, runnable locally. Handlers are loaded on first run, after the caller has set the environment. */
export class LocalWorkflow {
  private readonly machine: StateMachine;
  private handlers?: Record<string, Handler>;

  constructor(private readonly local: LocalDefinition) {
    this.machine = new StateMachine(local.definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
  }

  private loadHandlers(): Record<string, Handler> {
    if (!this.handlers) {
      const handlers: Record<string, Handler> = {};
      for (const [state, entry] of Object.entries(this.local.taskEntries)) handlers[state] = loadHandler(entry);
      this.handlers = handlers;
    }
    return this.handlers;
  }

  /** Runs one execution to its end and returns its status, output or error, and its event history. */
  async run(input: unknown, options: RunOptions = {}): Promise<LocalExecution> {
    const handlers = this.loadHandlers();
    const name = options.executionName ?? `local-${Date.now()}-${++counter}`;
    const taskResourceLocalHandlers = Object.fromEntries(
      Object.entries(handlers).map(([state, handler]) => [
        state,
        // As Lambda does: the task sees and returns plain JSON, and an error reaches Step Functions as its
        // name (errorType) and message (errorMessage) only.
        async (taskInput: unknown) => {
          try {
            return JSON.parse(JSON.stringify((await handler(structuredClone(taskInput))) ?? null));
          } catch (thrown) {
            const error = thrown instanceof Error ? thrown : new Error(String(thrown));
            throw Object.assign(new Error(error.message), { name: error.name });
          }
        },
      ]),
    );
    const retryIntervalOverrides =
      options.retryIntervalMs === undefined
        ? undefined
        : Object.fromEntries(Object.keys(this.local.definition.States).map((s) => [s, options.retryIntervalMs as number]));
    const execution = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: taskResourceLocalHandlers as never,
        ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
      },
      context: {
        Execution: {
          Id: `arn:aws:states:us-east-1:123456789012:execution:PrepNotification:${name}`,
          Name: name,
          Input: input as never,
          StartTime: new Date().toISOString(),
        },
      },
    });
    const history: HistoryEvent[] = [];
    const collecting = (async () => {
      for await (const e of execution.eventLogs) {
        const event: HistoryEvent = {
          type: e.type,
          timestamp: e.timestamp,
          ...('state' in e ? { state: e.state.name, stateType: e.state.type } : {}),
          ...('Error' in e ? { error: e.Error, cause: e.Cause } : {}),
          ...('retry' in e ? { retryAttempt: e.retry.attempt } : {}),
        };
        history.push(event);
        options.onEvent?.(event);
      }
    })();
    let result: LocalExecution;
    try {
      const output = await execution.result;
      await collecting;
      result = { name, status: 'SUCCEEDED', output, history };
    } catch {
      await collecting;
      const failed = history.find((e) => e.type === 'ExecutionFailed');
      result = { name, status: 'FAILED', ...(failed ? { error: failed.error, cause: failed.cause } : {}), history };
    }
    return result;
  }
}

/** The names of the states entered, in order (a retried state appears once per attempt). */
export function statesEntered(execution: LocalExecution): string[] {
  return execution.history.filter((e) => e.type === 'StateEntered').map((e) => e.state as string);
}
