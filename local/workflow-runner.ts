/**
 * Runs the synthesized prep state machine locally with aws-local-stepfunctions, invoking the real handler code
 * of each Task's function in this process. The definition is the deployed one; only Lambda invocation is local.
 */
import * as path from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { PROJECT_ROOT } from '../lib/constructs/house-function';
import { advanceLocalClock, localNow } from './clock';
import { LAMBDA_WAIT_FOR_TASK_TOKEN, LocalDefinition } from './synth';
import { TaskTokenBroker } from './task-tokens';

/** One entry of the execution's event history. */
export interface HistoryEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: string;
  readonly stateType?: string;
  readonly error?: string;
  readonly cause?: unknown;
  readonly retryAttempt?: number;
  /** A Wait state's timestamp (`WaitScheduled`). */
  readonly until?: string;
  /** Why it waits (`WaitScheduled`: the route's hold reason). */
  readonly reason?: string;
  /** How long the wait really takes here, in ms (`WaitScheduled`, after the time scale). */
  readonly realMs?: number;
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
  /**
   * How long a waiting task (`.waitForTaskToken`) waits for its token, in milliseconds, instead of the state's
   * `TimeoutSeconds` (tests use a short wait for the "no receipt" case). @default the state's TimeoutSeconds
   */
  readonly waitTimeoutMs?: number;
  /** How much faster than real time a waiting task's `TimeoutSeconds` runs (ignored with `waitTimeoutMs`). @default 1 */
  readonly waitTimeScale?: number;
  /**
   * Per state, how many of its invocations report `Lambda.ServiceException` after the function ran (as a Lambda
   * service failure after the handler finished would): the state's Retry then runs the handler again.
   */
  readonly lambdaFaultsAfterRun?: Readonly<Record<string, number>>;
  /**
   * How many times faster a Wait state's time passes (Infinity: at once). The local clock (local/clock.ts) jumps
   * by the part not waited, so the handlers after the wait see the time the Wait state waited for. @default 1
   */
  readonly timeScale?: number;
  /**
   * Runs before a Task state's handler (each attempt). Tests use it to change the world at a precise point, e.g. to
   * cancel the meeting while the execution waits out quiet hours (before CheckStillDue).
   */
  readonly beforeTask?: (state: string) => Promise<void>;
}

/** The timestamp and reason of a route's hold in a task's output (`route.hold` or `hold`), when it waits. */
function holdIn(output: unknown): { until: string; reason: string } | undefined {
  const o = output as { route?: { hold?: unknown }; hold?: unknown } | null;
  const hold = (o?.route?.hold ?? o?.hold) as { wait?: unknown; until?: unknown; reason?: unknown } | undefined;
  return hold?.wait === true && typeof hold.until === 'string'
    ? { until: hold.until, reason: String(hold.reason) }
    : undefined;
}

/** A Task error as Step Functions matches it: by name. */
function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** A Task's function as the runner invokes it. */
export type Handler = (input: unknown, context?: unknown) => Promise<unknown>;

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

/**
 * The prep workflow, runnable locally. Handlers are loaded on first run, after the caller has set the environment.
 * A waiting task gets a fresh token from `tokens`, and waits there for SendTaskSuccess/SendTaskFailure (the Step
 * Functions stand-in settles it) or its timeout; its history shows the wait (TaskSubmitted) and how it ended
 * (TaskSucceeded, TaskFailed, TaskTimedOut), as the Step Functions console does.
 */
export class LocalWorkflow {
  private readonly machine: StateMachine;

  /**
   * @param handlers - a function per Task state in place of its entry's handler: only a benchmark's calibration passes
   *   them (the runner's own cost, without the handlers'); otherwise every Task runs its real handler code
   */
  constructor(
    private readonly local: LocalDefinition,
    private readonly tokens: TaskTokenBroker = new TaskTokenBroker(),
    private handlers?: Readonly<Record<string, Handler>>,
  ) {
    const missing = Object.keys(local.taskEntries).filter((state) => handlers && !handlers[state]);
    if (missing.length > 0) throw new Error(`no handler given for ${missing.join(', ')}`);
    this.machine = new StateMachine(local.definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
  }

  private loadHandlers(): Readonly<Record<string, Handler>> {
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
    const history: HistoryEvent[] = [];
    const record = (event: HistoryEvent) => {
      history.push(event);
      options.onEvent?.(event);
    };
    // As Lambda does: the task sees and returns plain JSON, and an error reaches Step Functions as its
    // name (errorType) and message (errorMessage) only.
    const faults = { ...options.lambdaFaultsAfterRun };
    // The hold of the latest route a task returned: what a Wait state's TimestampPath reads.
    let lastHold: { until: string; reason: string } | undefined;
    const invoke = async (handler: Handler, taskInput: unknown, state?: string): Promise<unknown> => {
      let output: unknown;
      if (state) await options.beforeTask?.(state);
      try {
        output = JSON.parse(JSON.stringify((await handler(structuredClone(taskInput))) ?? null));
      } catch (thrown) {
        const error = thrown instanceof Error ? thrown : new Error(String(thrown));
        throw namedError(error.name, error.message);
      }
      const hold = holdIn(output);
      if (hold) lastHold = hold;
      if (state && (faults[state] ?? 0) > 0) {
        faults[state] = (faults[state] ?? 0) - 1;
        throw namedError('Lambda.ServiceException', 'Lambda was unable to return the function result (local fault)');
      }
      return output;
    };
    const waitForToken = async (state: string, handler: Handler, taskInput: unknown): Promise<unknown> => {
      const payload = (taskInput as { Payload?: Record<string, unknown> }).Payload ?? {};
      const { token, outcome } = this.tokens.issue(state);
      try {
        await invoke(handler, { ...payload, token }, state);
      } catch (error) {
        this.tokens.expire(token);
        throw error;
      }
      record({ type: 'TaskSubmitted', timestamp: Date.now(), state, stateType: 'Task' });
      const seconds = this.local.definition.States[state]?.TimeoutSeconds;
      const waitMs =
        options.waitTimeoutMs ?? (seconds === undefined ? undefined : (seconds * 1000) / (options.waitTimeScale ?? 1));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        if (waitMs !== undefined) timer = setTimeout(() => resolve('timeout'), waitMs);
      });
      const ended = await Promise.race([outcome, timedOut]);
      clearTimeout(timer);
      if (ended === 'timeout') {
        this.tokens.expire(token);
        record({ type: 'TaskTimedOut', timestamp: Date.now(), state, stateType: 'Task', error: 'States.Timeout' });
        throw namedError('States.Timeout', `${state} received no task token response within ${waitMs} ms`);
      }
      if (ended.kind === 'failure') {
        record({
          type: 'TaskFailed',
          timestamp: Date.now(),
          state,
          stateType: 'Task',
          error: ended.error,
          cause: ended.cause,
        });
        throw namedError(ended.error, ended.cause ?? ended.error);
      }
      record({ type: 'TaskSucceeded', timestamp: Date.now(), state, stateType: 'Task' });
      return ended.output;
    };
    const taskResourceLocalHandlers = Object.fromEntries(
      Object.entries(handlers).map(([state, handler]) => [
        state,
        this.local.definition.States[state]?.Resource === LAMBDA_WAIT_FOR_TASK_TOKEN
          ? (taskInput: unknown) => waitForToken(state, handler, taskInput)
          : (taskInput: unknown) => invoke(handler, taskInput, state),
      ]),
    );
    const retryIntervalOverrides =
      options.retryIntervalMs === undefined
        ? undefined
        : Object.fromEntries(
            Object.keys(this.local.definition.States).map((s) => [s, options.retryIntervalMs as number]),
          );
    // aws-local-stepfunctions reads a Wait state's override when the state runs: the wait is computed then, on the
    // local clock, and scaled; the clock jumps by the part not waited.
    const scale = options.timeScale ?? 1;
    const waitTimeOverrides: Record<string, number> = {};
    for (const [state, def] of Object.entries(this.local.definition.States)) {
      if (def.Type !== 'Wait') continue;
      Object.defineProperty(waitTimeOverrides, state, {
        enumerable: true,
        get: () => {
          if (!lastHold) return undefined;
          const remaining = Math.max(0, Date.parse(lastHold.until) - localNow().getTime());
          const realMs = scale === Infinity ? 0 : Math.round(remaining / scale);
          advanceLocalClock(remaining - realMs);
          record({
            type: 'WaitScheduled',
            timestamp: Date.now(),
            state,
            stateType: 'Wait',
            until: lastHold.until,
            reason: lastHold.reason,
            realMs,
          });
          return realMs;
        },
      });
    }
    const execution = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: taskResourceLocalHandlers as never,
        waitTimeOverrides,
        ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
      },
      context: {
        // Replaced by a fresh token for each waiting task (aws-local-stepfunctions has no callback pattern).
        Task: { Token: 'local-task-token-placeholder' },
        Execution: {
          Id: `arn:aws:states:us-east-1:123456789012:execution:PrepNotification:${name}`,
          Name: name,
          Input: input as never,
          StartTime: localNow().toISOString(),
        },
      },
    });
    const collecting = (async () => {
      for await (const e of execution.eventLogs) {
        const event: HistoryEvent = {
          type: e.type,
          timestamp: e.timestamp,
          ...('state' in e ? { state: e.state.name, stateType: e.state.type } : {}),
          ...('Error' in e ? { error: e.Error, cause: e.Cause } : {}),
          ...('retry' in e ? { retryAttempt: e.retry.attempt } : {}),
        };
        record(event);
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
