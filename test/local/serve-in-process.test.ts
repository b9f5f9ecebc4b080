/**
 * `npm start`'s serve, run in this process as bin/local.ts runs it, and stopped the ways npm-start.test.ts's one
 * real `npm start` is not: SIGINT (what npm forwards on Ctrl-C), npm killed with SIGKILL (the runtime, re-parented,
 * notices and stops), SIGTERM sent to the runtime itself; each stop frees every port the banner printed and the data
 * folder's lock. Also the start-up mistake found only once the stack is synthesized (a busy DynamoDB port).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { serveInProcess } from './cli-helpers';

const TIMEOUT = 90_000;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Integration and endpoint variables: a shell has none, and an in-process serve must not see another's. */
const NOT_IN_A_SHELL = /^(SLACK_|TWILIO_|SES_|AWS_ENDPOINT_URL|MEETINGS_|USERS_|CHAT_SESSIONS_)/;
let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (NOT_IN_A_SHELL.test(name)) delete process.env[name];
});
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

/** The banner's PID and every port it printed. */
function bannerFacts(banner: string): { pid: number; ports: number[] } {
  return {
    pid: Number(/\(PID (\d+);/.exec(banner)?.[1]),
    ports: [...new Set([...banner.matchAll(/(?:127\.0\.0\.1|localhost):(\d+)/g)].map((m) => Number(m[1])))],
  };
}

async function busyPorts(ports: readonly number[]): Promise<number[]> {
  const busy = [];
  for (const port of ports) if (!(await isFree(port))) busy.push(port);
  return busy;
}

/** What every start with `--no-demo --data DIR` prints in its banner, and what every stop leaves. */
function expectNewDataBanner(banner: string, data: string): void {
  // Nothing seeded (--no-demo): the banner says how to seed, not the demo's commands.
  expect(banner).toMatch(new RegExp(`Data: +${data}, new\n`));
  expect(banner).toMatch(/DynamoDB \(dynalite\) +http:\/\/127\.0\.0\.1:\d+/);
  expect(banner).toContain('npm start -- seed examples/seed.yaml --url http://localhost:');
  expect(banner).not.toContain('m-1on1');
}

describe('npm start, stopped by PID', () => {
  // The other stops run serve in this process: SIGINT is what npm forwards on Ctrl-C, a SIGKILL of npm leaves the
  // runtime re-parented (its parent check stops it), and SIGTERM to the runtime takes the path SIGTERM to npm does.
  it.each([
    ['SIGINT', 'npm'],
    ['SIGKILL', 'npm'],
    ['SIGTERM', 'runtime'],
  ] as const)(
    '%s to the %s process stops everything and frees every port it printed',
    async (signal, _target) => {
      const data = fs.mkdtempSync(path.join(os.tmpdir(), 'i11-npm-start-'));
      const served = await serveInProcess(['--port', '0', '--no-demo', '--data', data]);
      try {
        const banner = served.output();
        const { pid, ports } = bannerFacts(banner);
        expect(served.started.code).toBe(0);
        expect(ports.length).toBeGreaterThanOrEqual(8);
        expect(pid).toBe(served.host.pid);
        expectNewDataBanner(banner, data);

        if (signal === 'SIGKILL') served.host.orphan();
        else served.host.signal(signal);
        expect(await served.host.exited).toBe(0);

        expect(await busyPorts(ports)).toEqual([]);
        expect(fs.existsSync(path.join(data, 'npm-start.lock'))).toBe(false);
        if (signal !== 'SIGKILL') expect(served.output()).toMatch(/Stopping \(SIG(TERM|INT)\)/);
        else expect(served.output()).toMatch(/Stopping \(its parent process \d+ ended\)/);
      } finally {
        served.release();
        fs.rmSync(data, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});

/** Runs serve in-process with a start-up mistake: what it printed on stderr and its exit code. */
async function failedServe(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const served = await serveInProcess(args);
  served.release();
  return served.started;
}

describe('start-up mistakes: one line, a non-zero exit, no stack trace', () => {
  let holder: net.Server;
  let busyPort: number;
  beforeAll(async () => {
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    busyPort = (holder.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
  });

  it(
    'a busy DynamoDB port',
    async () => {
      const result = await failedServe(['--port', '0', '--dynamodb-port', String(busyPort), '--no-demo']);

      expect(result.stderr.trimEnd().split('\n')).toEqual([
        `Port ${busyPort} (DynamoDB) is already in use, by another npm start or another program: stop it, or choose another port with --dynamodb-port.`,
      ]);
      expect(result.code).toBe(1);
    },
    TIMEOUT,
  );
});
