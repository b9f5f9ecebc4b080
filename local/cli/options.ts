/**
 * The command line of `npm start`: one table of options (name, argument, help text, which commands take it), from
 * which both the parser and `--help` are made, so adding an option is adding a row. Every mistake is a
 * {@link UsageError}: one line, exit code 2.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseClockStart } from '../clock';
import { DEMO_USER } from '../demo';
import { FAIL_DRILLS, parseFailDrills } from '../fail-drills';

/** A mistake on the command line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The argument's placeholder in `--help`, for string options. */
  readonly arg?: string;
  readonly help: string;
  readonly for: 'serve' | 'client' | 'all';
  readonly short?: string;
}

/** Every option. */
export const OPTIONS = {
  port: {
    type: 'string',
    arg: 'N',
    help: 'port of the webhook and events API (default 3000; 0 picks a free one)',
    for: 'serve',
  },
  'dynamodb-port': {
    type: 'string',
    arg: 'N',
    help: 'port of DynamoDB (dynalite) (default: a free one, printed at start)',
    for: 'serve',
  },
  data: {
    type: 'string',
    arg: 'DIR',
    help: 'keep tables and pending reminders in DIR across restarts (default: in memory)',
    for: 'serve',
  },
  reset: { type: 'boolean', help: 'empty the --data folder first, then seed the demo into it', for: 'serve' },
  'time-scale': {
    type: 'string',
    arg: 'N',
    help: 'run reminders and quiet-hours waits N times faster (120: two hours in one minute)',
    for: 'serve',
  },
  now: {
    type: 'string',
    arg: 'TIME',
    help: "start the local clock at TIME: 2026-11-27T03:00 (the demo executive's zone, New York) or ISO with a zone",
    for: 'serve',
  },
  fail: {
    type: 'string',
    arg: 'DRILLS',
    help: `make stand-ins fail, e.g. --fail slack or --fail slack,sms (${Object.keys(FAIL_DRILLS).join(', ')})`,
    for: 'serve',
  },
  'no-demo': {
    type: 'boolean',
    help: 'start without the demo executive and meetings (seed your own: seed FILE)',
    for: 'serve',
  },
  url: { type: 'string', arg: 'URL', help: 'the running system (default http://localhost:3000)', for: 'client' },
  user: {
    type: 'string',
    arg: 'USER_ID',
    help: 'who clicks or types (default U024BE7LH, the demo executive)',
    for: 'client',
  },
  from: {
    type: 'string',
    arg: 'PHONE',
    help: "who texts (sms): an E.164 number (default +12125550143, the demo executive's phone)",
    for: 'client',
  },
  help: { type: 'boolean', short: 'h', help: 'this text', for: 'all' },
} as const satisfies Record<string, OptionSpec>;

/** The parsed options, by name. */
export type Values = {
  -readonly [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

/** A parsed command line. */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
  readonly values: Values;
}

/** Parses `argv` (without node and the script); unknown options and missing values are UsageErrors. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(OPTIONS).map(([name, spec]) => [
          name,
          { type: spec.type, ...('short' in spec ? { short: spec.short } : {}) },
        ]),
      ),
    });
  } catch (error) {
    // Node's messages are clear but long ("…To specify a positional argument starting with a '-'…"): the first sentence.
    throw new UsageError(((error as Error).message.split('. ')[0] ?? '').replace(/\.$/, ''));
  }
  const [command = 'serve', ...args] = parsed.positionals;
  return { command, args, values: parsed.values as Values };
}

/** A port: a whole number from 0 to 65535. */
export function portValue(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new UsageError(`--${name} must be a port number from 0 to 65535, got ${value}`);
  return n;
}

/** A positive number. */
export function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got ${value}`);
  return n;
}

/** The options of one kind, as `--help` lists them. */
export function optionsHelp(kind: 'serve' | 'client'): string {
  return Object.entries(OPTIONS)
    .filter(([, spec]) => spec.for === kind)
    .map(([name, spec]) => `  ${`--${name}${'arg' in spec ? ` ${spec.arg}` : ''}`.padEnd(19)}${spec.help}`)
    .join('\n');
}

/** Refuses options that do not belong to the command (`--port` on a client command, `--url` on serve). */
export function checkOptionsFor(command: 'serve' | 'client', values: Values): void {
  const wrong = Object.keys(values).filter((name) => {
    const spec = OPTIONS[name as keyof typeof OPTIONS];
    return spec.for !== 'all' && spec.for !== command;
  });
  if (wrong.length) {
    throw new UsageError(
      `${wrong.map((w) => `--${w}`).join(', ')} ${wrong.length > 1 ? 'are options' : 'is an option'} of ${command === 'serve' ? 'the client commands' : 'npm start itself (serve)'}, not of this command`,
    );
  }
}

/** The runtime options `npm start` (serve) takes from its command line. */
export interface ServeOptions {
  readonly port: number;
  readonly dynamodbPort?: number;
  readonly timeScale: number;
  readonly fail: readonly string[];
  readonly demo: boolean;
  readonly reset: boolean;
  readonly dataDir?: string;
  /** Where the local clock starts. @default real time */
  readonly now?: Date;
}

/** What `npm start` (serve) starts the runtime with, from its options; throws a UsageError on the first mistake. */
export function serveOptions(values: Values): ServeOptions {
  checkOptionsFor('serve', values);
  let fail: string[];
  try {
    fail = parseFailDrills(values.fail);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const dynamodbPort = portValue(values['dynamodb-port'], 'dynamodb-port');
  let now: Date | undefined;
  try {
    now = values.now === undefined ? undefined : parseClockStart(values.now, DEMO_USER.timezone ?? 'America/New_York');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.reset && !values.data)
    throw new UsageError('--reset empties a --data folder: give --data DIR too (without it, nothing is kept anyway)');
  return {
    port: portValue(values.port, 'port', 3000) as number,
    ...(dynamodbPort !== undefined ? { dynamodbPort } : {}),
    timeScale: positiveNumber(values['time-scale'], 'time-scale', 1),
    fail,
    demo: !values['no-demo'],
    reset: values.reset ?? false,
    ...(values.data ? { dataDir: path.resolve(values.data) } : {}),
    ...(now ? { now } : {}),
  };
}
