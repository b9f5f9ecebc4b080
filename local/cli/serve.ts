/**
 * `npm start` itself: starts the runtime, prints where everything is and what to try next, and stops everything
 * however it is asked to: Ctrl-C, SIGINT/SIGTERM/SIGHUP to this process or (forwarded by npm) to npm, or npm
 * itself going away (a `kill -9` of npm leaves this process re-parented: it notices and stops).
 */
import { DEMO_USER } from '../demo';
import { RealIntegrations, realIntegrationsFromEnv } from '../real-integrations';
import { Runtime, startRuntime } from '../runtime';
import type { RuntimeContents } from '../runtime-tables';
import type { ServeOptions } from './options';

/** How often the runtime checks that its parent (npm) is still there. */
const PARENT_CHECK_MS = 500;
/** How long stopping may take before the process exits anyway. */
const STOP_DEADLINE_MS = 10_000;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "1 user, 4 meetings, 1 chat session, 1 pending reminder". */
export function describeContents(c: RuntimeContents): string {
  return [
    plural(c.users.length, 'user'),
    plural(c.meetings.length, 'meeting'),
    plural(c.chatSessions, 'chat session'),
    plural(c.pendingReminders, 'pending reminder'),
  ].join(', ');
}

/** The banner's "Data:" line: where the data lives and what this start did with it. */
export function describeData(runtime: Runtime, contents: RuntimeContents): string {
  const seeded = runtime.seededDemo ? `; seeded the demo (${DEMO_USER.name}, ${DEMO_USER.user_id})` : '';
  switch (runtime.data.state) {
    case 'memory':
      return `in memory, gone when stopped (keep it with --data DIR)${seeded}`;
    case 'kept':
      return `${runtime.data.dir}, kept from the last run: ${describeContents(contents)} (the demo is not re-seeded; --reset starts over)`;
    case 'reset':
      return `${runtime.data.dir}, emptied by --reset${seeded}`;
    case 'new':
      return `${runtime.data.dir}, new${seeded}`;
  }
}

/**
 * What to try next, for what is in the tables: the demo executive's (or the first user's) meetings, with `--user` and
 * `--url` written out when they differ from the client's defaults.
 */
export function suggestions(contents: RuntimeContents, url: string): string[] {
  const urlOption = url === 'http://localhost:3000' ? '' : ` --url ${url}`;
  const user = contents.users.find((u) => u.user_id === DEMO_USER.user_id) ?? contents.users[0];
  if (!user) {
    return aligned([
      [`npm start -- seed examples/seed.yaml${urlOption}`, 'your own Slack user and meetings (copy and edit it first)'],
      [`npm start -- meetings --user <user_id>${urlOption}`, 'then: their meetings, with ids and buttons'],
    ]);
  }
  const userOption = user.user_id === DEMO_USER.user_id ? '' : ` --user ${user.user_id}`;
  const opts = `${userOption}${urlOption}`;
  const now = new Date().toISOString();
  const upcoming = contents.meetings.filter((m) => m.user_id === user.user_id && m.start_time > now);
  const open = upcoming.filter(
    (m) => m.status === 'DISCOVERED' || m.status === 'CLASSIFIED' || m.status === 'PREP_SCHEDULED',
  );
  const lines: [string, string][] = [
    [`npm start -- meetings${opts}`, `/meetings as ${user.name ?? user.user_id}: ids and buttons`],
  ];
  const [first, second] = open;
  if (first)
    lines.push([
      `npm start -- click start_prep ${first.meeting_id}${opts}`,
      `Start Prep on "${first.title ?? first.meeting_id}"`,
    ]);
  lines.push([`npm start -- dm "ready"${opts}`, 'the next step of the prep session']);
  if (second)
    lines.push([
      `npm start -- click remind_later ${second.meeting_id}${opts}`,
      'a reminder (--time-scale 120 to watch it fire)',
    ]);
  const unclaimed = upcoming
    .filter((m) => m !== first && (m.status === 'DISCOVERED' || m.status === 'CLASSIFIED'))
    .at(-1);
  if (unclaimed)
    lines.push([`npm start -- notify ${unclaimed.meeting_id}${opts}`, 'publish MeetingPrepRequired for it']);
  return aligned(lines);
}

function aligned(lines: readonly [string, string][]): string[] {
  const width = Math.max(...lines.map(([command]) => command.length)) + 2;
  return lines.map(([command, comment]) => `${command.padEnd(width)}# ${comment}`);
}

function banner(
  pid: number,
  runtime: Runtime,
  contents: RuntimeContents,
  failing: readonly string[],
  realOnes: RealIntegrations,
): string {
  const real = Object.entries(realOnes)
    .filter(([, on]) => on)
    .map(([name]) => name);
  const width = Math.max(...runtime.endpoints.map((e) => e.name.length)) + 2;
  return [
    '',
    `Running on ${runtime.url}  (PID ${pid}; Ctrl-C or kill ${pid} stops it)`,
    `  Slack webhook:  ${runtime.webhookUrl}`,
    `  Events:         ${runtime.eventsUrl}`,
    `  Data:           ${describeData(runtime, contents)}`,
    `  Integrations:   ${real.length ? `real ${real.join(', ')}, local stand-ins for the rest` : 'local stand-ins'}${failing.length ? `; failing: ${failing.join(', ')}` : ''}`,
    'Every endpoint, on 127.0.0.1:',
    ...runtime.endpoints.map((e) => `  ${e.name.padEnd(width)}${e.url}`),
    '',
    'Try next, in another terminal:',
    ...suggestions(contents, runtime.url).map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/**
 * What serve needs of the process it runs in: its PIDs, its stop signals, and exiting. `process` itself, but for
 * tests that run serve in-process and stop it as a signal or the parent's end would.
 */
export interface ServeProcess {
  readonly pid: number;
  /** Read on each check: it changes when the parent ends and the process is re-parented. */
  readonly ppid: number;
  on(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', listener: () => void): unknown;
  exit(code: number): void;
}

/** Runs `npm start` (the serve command) until it is stopped. */
export async function serve(options: ServeOptions, host: ServeProcess = process): Promise<void> {
  const failing = options.fail;
  // Listening for stop requests comes first: a signal that arrives while starting (or the instant the banner is
  // out) must stop what has started, not kill the process with the data folder still locked.
  let runtime: Runtime | undefined;
  let stopping = false;
  let deadline: NodeJS.Timeout | undefined;
  let parentCheck: NodeJS.Timeout | undefined;
  const finish = (started: Runtime) =>
    started.close().then(
      () => exit(0),
      (error: unknown) => {
        console.error(`Stopping failed: ${(error as Error).message}`);
        exit(1);
      },
    );
  // Timers are cleared first so that an in-process serve leaves none behind; a real process exits anyway.
  const exit = (code: number) => {
    clearTimeout(deadline);
    clearInterval(parentCheck);
    host.exit(code);
  };
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nStopping (${why})…`);
    deadline = setTimeout(() => {
      console.error(`Still not stopped after ${STOP_DEADLINE_MS / 1000} s: exiting anyway.`);
      exit(1);
    }, STOP_DEADLINE_MS).unref();
    if (runtime) void finish(runtime);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) host.on(signal, () => stop(signal));
  const parent = host.ppid;
  parentCheck = setInterval(() => {
    if (host.ppid !== parent) stop(`its parent process ${parent} ended`);
  }, PARENT_CHECK_MS).unref();

  // Read before starting: the runtime puts the stand-ins' credentials in the environment.
  const real = realIntegrationsFromEnv();
  try {
    runtime = await startRuntime({ ...options, real });
  } catch (error) {
    clearInterval(parentCheck);
    throw error;
  }
  if (stopping) return void finish(runtime);
  const contents = await runtime.contents();
  if (!stopping) console.log(banner(host.pid, runtime, contents, failing, real));
}
