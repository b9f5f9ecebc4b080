/**
 * The task tokens of waiting Task states (`.waitForTaskToken`), locally: aws-local-stepfunctions does not implement
 * the callback pattern, so the runner asks this broker for a fresh token, hands it to the task's function, and
 * waits here until the Step Functions stand-in receives `SendTaskSuccess` or `SendTaskFailure` for it.
 */
import { randomBytes } from 'node:crypto';

/** How a waiting task ended. */
export type TaskOutcome =
  | { readonly kind: 'success'; readonly output: unknown }
  | { readonly kind: 'failure'; readonly error: string; readonly cause?: string };

/** Why completing a token was refused, named as Step Functions names it. */
export type CompletionRefusal = 'InvalidToken' | 'TaskTimedOut';

interface Waiter {
  readonly resolve: (outcome: TaskOutcome) => void;
  readonly state: string;
}

/** Issues tokens and settles the tasks waiting on them. */
export class TaskTokenBroker {
  private readonly waiting = new Map<string, Waiter>();
  private readonly finished = new Set<string>();

  /** A new token for a task of `state`, and the promise of its outcome. */
  issue(state: string): { token: string; outcome: Promise<TaskOutcome> } {
    // Shaped like a real token (opaque base64), long enough to be unguessable.
    const token = `AQC${randomBytes(48).toString('base64')}`;
    const outcome = new Promise<TaskOutcome>((resolve) => this.waiting.set(token, { resolve, state }));
    return { token, outcome };
  }

  /** Settles the task; refused when the token was never issued or its task no longer waits. */
  complete(token: string, outcome: TaskOutcome): CompletionRefusal | undefined {
    const waiter = this.waiting.get(token);
    if (!waiter) return this.finished.has(token) ? 'TaskTimedOut' : 'InvalidToken';
    this.waiting.delete(token);
    this.finished.add(token);
    waiter.resolve(outcome);
    return undefined;
  }

  /** Stops waiting on a token (its task timed out or the execution ended): later completions are refused. */
  expire(token: string): void {
    if (this.waiting.delete(token)) this.finished.add(token);
  }

  /** States whose tasks wait right now. */
  get pending(): readonly string[] {
    return [...this.waiting.values()].map((w) => w.state);
  }
}
