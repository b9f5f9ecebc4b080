/**
 * Running `npm start` commands in this process, as bin/local.ts runs them (parse the command line, run it, report a
 * failure as one line and an exit code), with what they print captured: the in-process counterpart of spawning
 * bin/local.ts, for the tests that do not need a process of their own.
 */
import { format } from 'node:util';
import { runClientCommand } from '../../local/cli/client';
import { failureOf } from '../../local/cli/failure';
import { parseCommandLine, serveOptions } from '../../local/cli/options';
import { ServeProcess, serve } from '../../local/cli/serve';

/** What a command printed and the exit code it ends with (0: it returned). */
export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command with what `console.log` and `console.error` print captured, and a failure reported. */
async function capturing(run: () => Promise<void>): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const log = jest.spyOn(console, 'log').mockImplementation((...values: unknown[]) => {
    stdout += `${format(...values)}\n`;
  });
  const error = jest.spyOn(console, 'error').mockImplementation((...values: unknown[]) => {
    stderr += `${format(...values)}\n`;
  });
  try {
    await run();
    return { code: 0, stdout, stderr };
  } catch (thrown) {
    const { printed, code } = failureOf(thrown);
    stderr += `${format(printed)}\n`;
    return { code, stdout, stderr };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** Runs a client command (`meetings`, `click`…) in-process. */
export function clientInProcess(args: readonly string[]): Promise<Ran> {
  return capturing(() => runClientCommand(parseCommandLine([...args])));
}

/**
 * A process for {@link serve} to run in: signals are sent with `signal`, the parent's end with `orphan`, and
 * `exited` resolves with the code serve exits with.
 */
export class FakeProcess implements ServeProcess {
  readonly pid = process.pid;
  ppid = process.ppid;
  readonly exited: Promise<number>;
  private readonly listeners = new Map<string, (() => void)[]>();
  private resolveExit: (code: number) => void = () => undefined;

  constructor() {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  on(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', listener: () => void): this {
    this.listeners.set(signal, [...(this.listeners.get(signal) ?? []), listener]);
    return this;
  }

  exit(code: number): void {
    this.resolveExit(code);
  }

  signal(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): void {
    for (const listener of this.listeners.get(signal) ?? []) listener();
  }

  /** The parent (npm) is gone: the process is re-parented, as after a `kill -9` of npm. */
  orphan(): void {
    this.ppid = -1;
  }
}

/** What an in-process serve printed so far, and how it ended. */
export interface Served {
  readonly host: FakeProcess;
  /** What serve printed until it returned (its banner is out) or failed to start, and its exit code then. */
  readonly started: Ran;
  /** Everything printed so far, the banner and the stopping included. */
  output(): string;
  /** Stops capturing (call once serve has exited). */
  release(): void;
}

/**
 * Runs `npm start [-- serve] ARGS` in-process (bin/local.ts's serve path) until its banner is out or it failed, and
 * keeps capturing what it prints until `release`.
 */
export async function serveInProcess(args: readonly string[]): Promise<Served> {
  const host = new FakeProcess();
  let printed = '';
  let stderr = '';
  const log = jest.spyOn(console, 'log').mockImplementation((...values: unknown[]) => {
    printed += `${format(...values)}\n`;
  });
  const error = jest.spyOn(console, 'error').mockImplementation((...values: unknown[]) => {
    printed += `${format(...values)}\n`;
    stderr += `${format(...values)}\n`;
  });
  const release = () => {
    log.mockRestore();
    error.mockRestore();
  };
  let started: Ran;
  try {
    const line = parseCommandLine([...args]);
    await serve(serveOptions(line.values), host);
    started = { code: 0, stdout: printed, stderr };
  } catch (thrown) {
    const { printed: line, code } = failureOf(thrown);
    started = { code, stdout: printed, stderr: `${stderr}${format(line)}\n` };
  }
  return { host, started, output: () => printed, release };
}
