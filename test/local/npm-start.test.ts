/**
 * `npm start` as a user runs it: a child `npm start` process, stopped by its PID (npm's, or the runtime's) with the
 * signal a user or a supervisor would send; afterwards every port the banner printed is free. Start-up mistakes are
 * one line on stderr and a non-zero exit code.
 */
import { FAIL_DRILLS } from '../../local/fail-drills';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const TIMEOUT = 90_000;

/** The environment of a user's shell: no integration credentials, no endpoints left by other tests. */
function shellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(SLACK_|TWILIO_|SES_|AWS_ENDPOINT_URL|MEETINGS_|USERS_|CHAT_SESSIONS_|npm_)/.test(k),
    ),
  );
}

interface Started {
  readonly npm: ChildProcess;
  readonly banner: string;
  readonly runtimePid: number;
  readonly ports: number[];
  /** Resolves when every process writing to the output pipe (npm and the runtime) has exited. */
  readonly ended: Promise<void>;
  output(): string;
}

function startNpm(args: readonly string[]): Promise<Started> {
  const npm = spawn('npm', ['start', '--', ...args], { cwd: ROOT, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ended = new Promise<void>((resolve) => npm.stdout?.on('close', () => resolve()));
  return new Promise((resolve, reject) => {
    npm.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    npm.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const banner = /Running on [\s\S]*?Try next[^\n]*\n[\s\S]*?\n\n/.exec(out)?.[0];
      if (!banner) return;
      npm.stdout?.removeAllListeners('data');
      npm.stdout?.on('data', (more: Buffer) => (out += more.toString()));
      resolve({
        npm,
        banner,
        runtimePid: Number(/\(PID (\d+);/.exec(banner)?.[1]),
        ports: [...banner.matchAll(/(?:127\.0\.0\.1|localhost):(\d+)/g)].map((m) => Number(m[1])),
        ended,
        output: () => out,
      });
    });
    npm.on('exit', (code) => reject(new Error(`npm start exited (${code}) before its banner:\n${out}`)));
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('npm start, stopped by PID', () => {
  // The one real `npm start`: npm, the runtime it starts, the Slack path through HTTP, and npm's own signal path.
  it(
    'SIGTERM to the npm process stops everything and frees every port it printed',
    async () => {
      const data = fs.mkdtempSync(path.join(os.tmpdir(), 'i11-npm-start-'));
      const started = await startNpm(['--port', '0', '--no-demo', '--data', data]);
      // The API, DynamoDB (and its fault proxy), Slack, Twilio, SES, Scheduler and Step Functions stand-ins.
      expect(new Set(started.ports).size).toBeGreaterThanOrEqual(8);
      expect(started.runtimePid).not.toBe(started.npm.pid);
      // Nothing seeded (--no-demo): the banner says how to seed, not the demo's commands.
      expect(started.banner).toMatch(new RegExp(`Data: +${data}, new\n`));
      expect(started.banner).toMatch(/DynamoDB \(dynalite\) +http:\/\/127\.0\.0\.1:\d+/);
      expect(started.banner).toContain('npm start -- seed examples/seed.yaml --url http://localhost:');
      expect(started.banner).not.toContain('m-1on1');

      // The Slack path, as a user drives it from another terminal: seed, then /meetings through the signed webhook.
      const url = /Running on (\S+)/.exec(started.banner)?.[1] ?? '';
      expect((await runLocal(['seed', 'examples/seed.yaml', '--url', url])).code).toBe(0);
      const meetings = await runLocal(['meetings', '--user', 'U07SAMPLE1', '--url', url]);
      expect(meetings.code).toBe(0);
      expect(meetings.stdout).toMatch(/^The bot answered \(only visible to you\):\n/);
      expect(meetings.stdout).toContain('│   ↳ npm start -- click start_prep m-board');

      process.kill(started.npm.pid as number, 'SIGTERM');
      await started.ended;

      const busy = [];
      for (const port of new Set(started.ports)) if (!(await isFree(port))) busy.push(port);
      expect(busy).toEqual([]);
      expect(fs.existsSync(path.join(data, 'npm-start.lock'))).toBe(false);
      expect(started.output()).toMatch(/Stopping \(SIG(TERM|INT)\)/);
      fs.rmSync(data, { recursive: true, force: true });
    },
    TIMEOUT,
  );
});

/** Runs bin/local.ts directly (what `npm start` execs) and waits for it to exit. */
function runLocal(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', ...args], { cwd: ROOT, env: shellEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('start-up mistakes: one line, a non-zero exit, no stack trace', () => {
  let holder: net.Server;
  let busyPort: number;
  let lockedData: string;
  let freePort: number;
  beforeAll(async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    freePort = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    busyPort = (holder.address() as net.AddressInfo).port;
    lockedData = fs.mkdtempSync(path.join(os.tmpdir(), 'i11-locked-'));
    // This test process stands for the other npm start that holds the folder.
    fs.writeFileSync(path.join(lockedData, 'npm-start.lock'), `${process.pid}\n`);
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    fs.rmSync(lockedData, { recursive: true, force: true });
  });

  // A busy DynamoDB port, found only once the stack is synthesized, is in serve-in-process.test.ts.
  const mistakes: [string, () => string[], number, () => unknown][] = [
    [
      'an unknown option',
      () => ['--prot', '3001'],
      2,
      () => "Unknown option '--prot' (npm start -- --help lists the commands and options)",
    ],
    [
      'a port out of range',
      () => ['--port', '70000'],
      2,
      () =>
        '--port must be a port number from 0 to 65535, got 70000 (npm start -- --help lists the commands and options)',
    ],
    [
      'a port that is not a number',
      () => ['--port', 'http'],
      2,
      () =>
        '--port must be a port number from 0 to 65535, got http (npm start -- --help lists the commands and options)',
    ],
    [
      'an option of another command',
      () => ['meetings', '--port', '3001'],
      2,
      () =>
        '--port is an option of npm start itself (serve), not of this command (npm start -- --help lists the commands and options)',
    ],
    [
      'an unknown drill',
      () => ['--fail', 'pigeon'],
      2,
      () =>
        `--fail: unknown drill pigeon (known: ${Object.keys(FAIL_DRILLS).join(', ')}) (npm start -- --help lists the commands and options)`,
    ],
    [
      '--reset without --data',
      () => ['--reset'],
      2,
      () =>
        '--reset empties a --data folder: give --data DIR too (without it, nothing is kept anyway) (npm start -- --help lists the commands and options)',
    ],
    [
      'a busy port',
      () => ['--port', String(busyPort), '--no-demo'],
      1,
      () =>
        `Port ${busyPort} (the webhook and events API) is already in use, by another npm start or another program: stop it, or choose another port with --port.`,
    ],
    [
      'a data folder in use',
      () => ['--port', '0', '--data', lockedData],
      1,
      () =>
        `The data folder ${lockedData} is in use by another npm start (PID ${process.pid}): stop it first, or use another --data folder.`,
    ],
    [
      'a client command with nothing running',
      () => ['meetings', '--url', `http://127.0.0.1:${freePort}`],
      1,
      () => expect.stringMatching(/^Cannot reach http:\/\/127\.0\.0\.1:\d+ \(\w+\): is `npm start` running\?/),
    ],
  ];
  it.each(mistakes)(
    '%s',
    async (_case, args, code, message) => {
      const result = await runLocal(args());

      expect(result.stderr.trimEnd().split('\n')).toEqual([message()]);
      expect(result.code).toBe(code);
    },
    TIMEOUT,
  );
});
