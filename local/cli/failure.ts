/**
 * How `npm start` reports a command that failed: mistakes (a bad option, a busy port, a data folder in use, an
 * unreachable system) are one line on stderr and a non-zero exit code, anything else the error as Node prints it.
 * Kept apart from bin/local.ts so the tests can run a command in-process and check the same line and code.
 */
import { StartupError } from '../data-folder';
import { SeedError } from '../seed';
import { UsageError } from './options';

/** What a failed command prints on stderr and the exit code it ends with. */
export interface Failure {
  /** What to hand `console.error`: the message line, or the error itself when it is not a known mistake. */
  readonly printed: unknown;
  readonly code: number;
}

/** The report of an error a command threw. */
export function failureOf(error: unknown): Failure {
  if (error instanceof UsageError) {
    return { printed: `${error.message} (npm start -- --help lists the commands and options)`, code: 2 };
  }
  if (error instanceof SeedError) return { printed: error.message, code: 2 };
  if (error instanceof StartupError || (error instanceof Error && error.name === 'ClientError')) {
    return { printed: error.message, code: 1 };
  }
  return { printed: error, code: 1 };
}
