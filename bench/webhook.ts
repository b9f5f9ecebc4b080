/**
 * `npm run bench`: the Slack webhook's bundle size, cold load time and warm handler latency, as a report (not a
 * test: a missed target is printed as MISS and the exit code stays 0; only errors exit 1).
 *
 * 1. Bundles lambda/slack-bot/handler.ts the way the stack does (HouseFunction → NodejsFunction → esbuild: bundle,
 *    minify, source map, platform node, target node24, CommonJS, nothing external) into a temporary folder, with
 *    config/meeting_types.yaml copied next to index.js, and prints index.js's size, gzipped and as a zipped asset.
 * 2. Cold load: requires the bundle in fresh `node` processes (bench/cold-load.js), with the environment the stack
 *    gives the function (dummy values) and NODE_OPTIONS=--enable-source-maps as deployed; then without source maps.
 * 3. Warm latency: starts the local environment in this process (dynalite and the Slack and Scheduler fakes on
 *    loopback), seeds a user and meetings, requires the bundled handler and calls it with signed API Gateway events
 *    for each interaction; prints p50/p95/p99/max. Every response must be 200 and do what the interaction does.
 *
 * Run with Node 24 (`npm run bench` puts it first on the PATH): `node --version` is printed first.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { WEBHOOK_BUNDLE_ALIASES } from '../lib/constructs/slack-bot-api';
import type { Meeting, User } from '../lambda/shared/domain';
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/slack-bot/http-event';
import { type LocalEnvironment, startLocalEnvironment } from '../local/local-environment';
import { DEMO_USER, sampleMeeting } from '../local/runtime';
import { FORM, JSON_TYPE, type WebhookHandler, clickBody, dmBody, httpEvent, restEvent, slashCommandBody } from '../local/slack-requests';
import urlVerification from '../test/fixtures/slack/url-verification.json';

const ROOT = path.join(__dirname, '..');
const ENTRY = 'lambda/slack-bot/handler.ts';
const COPY_FILES = ['config/meeting_types.yaml'];

/** Targets of issue 3. */
const TARGET_P99_MS = 300;
const TARGET_LOAD_MS = 300;

const COLD_RUNS = 7;
const WARMUP = 5;
const ITERATIONS = 100;
/** A kind stops early when its measured iterations have taken this long (keeps the run near a minute). */
const KIND_BUDGET_MS = 8_000;

/** Meetings `/meetings` lists: a busy week (more than the 10 it shows). */
const WEEK_MEETINGS = 14;

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const fmtMs = (ms: number) => `${ms.toFixed(1)} ms`;
const fmtBytes = (bytes: number) => `${bytes.toLocaleString('en-US')} B (${(bytes / 1024 / 1024).toFixed(2)} MiB)`;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

class BenchError extends Error {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchError(message);
}

// ---------------------------------------------------------------------------------------------------------------
// 1. The bundle

interface Bundle {
  readonly dir: string;
  readonly file: string;
  readonly buildMs: number;
}

async function bundleWebhook(): Promise<Bundle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-webhook-'));
  const file = path.join(dir, 'index.js');
  const started = performance.now();
  // The options NodejsFunction gives esbuild for HouseFunction's bundling props (lib/constructs/house-function.ts):
  // --bundle --target=node24 --platform=node --format=cjs --minify --sourcemap, no --external (externalModules: []).
  await build({
    entryPoints: [path.join(ROOT, ENTRY)],
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    external: [],
    alias: Object.fromEntries(Object.entries(WEBHOOK_BUNDLE_ALIASES).map(([name, stub]) => [name, path.join(ROOT, stub)])),
    outfile: file,
    logLevel: 'warning',
  });
  const buildMs = performance.now() - started;
  for (const copy of COPY_FILES) fs.copyFileSync(path.join(ROOT, copy), path.join(dir, path.basename(copy)));
  return { dir, file, buildMs };
}

function reportBundle(bundle: Bundle): void {
  const js = fs.readFileSync(bundle.file);
  const files = fs.readdirSync(bundle.dir).map((name) => ({ name, bytes: fs.readFileSync(path.join(bundle.dir, name)) }));
  // A zip stores each file deflated: the sum of raw-deflated sizes is the asset's zip size within a few hundred bytes.
  const zipped = files.reduce((sum, f) => sum + zlib.deflateRawSync(f.bytes).length, 0);
  const unzipped = files.reduce((sum, f) => sum + f.bytes.length, 0);
  console.log(`\n== Bundle (${ENTRY}, esbuild in ${fmtMs(bundle.buildMs)})`);
  console.log(`index.js           ${fmtBytes(js.length)}`);
  console.log(`index.js gzipped   ${fmtBytes(zlib.gzipSync(js).length)}`);
  console.log(`asset files        ${files.map((f) => `${f.name} ${f.bytes.length.toLocaleString('en-US')} B`).join(', ')}`);
  console.log(`asset zip (approx) ${fmtBytes(zipped)} (unzipped ${fmtBytes(unzipped)}; Lambda limits: 50 MiB zipped, 250 MiB unzipped)`);
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Cold load

interface ColdLoad {
  readonly requireMs: number;
  readonly requireCpuMs: number;
  readonly sinceProcessStartMs: number;
  readonly wallMs: number;
  readonly handler: string;
  readonly connections: readonly string[];
  readonly node: string;
  readonly heapUsedBytes: number;
}

/** What the stack sets on the function (lib/constructs/slack-bot-api.ts, house-function.ts), with dummy values. */
function lambdaEnvironment(nodeOptions: string | undefined): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    LANG: 'C.UTF-8',
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    // Any call the module made at load would go nowhere (and be seen by cold-load.js).
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_LAMBDA_FUNCTION_NAME: 'MeetingPrep-bench-SlackBotWebhookFunction',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    POWERTOOLS_SERVICE_NAME: 'meeting-prep',
    MEETINGS_TABLE_NAME: 'bench-meetings',
    USERS_TABLE_NAME: 'bench-users',
    CHAT_SESSIONS_TABLE_NAME: 'bench-chat-sessions',
    SLACK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-slack-AbCdEf',
    SCHEDULE_GROUP_NAME: 'bench-reminders',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench-reminder-scheduler',
    REMINDER_DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:bench-reminder-dead-letter',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench-prep',
  };
}

function coldLoadOnce(bundleFile: string, nodeOptions: string | undefined): Promise<ColdLoad> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(__dirname, 'cold-load.js'), bundleFile], {
      cwd: os.tmpdir(),
      env: lambdaEnvironment(nodeOptions),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new BenchError(`cold load exited ${code}:\n${stderr || stdout}`));
      try {
        resolve({ ...(JSON.parse(line) as Omit<ColdLoad, 'wallMs'>), wallMs });
      } catch {
        reject(new BenchError(`cold load printed no result:\n${stdout}\n${stderr}`));
      }
    });
  });
}

async function coldLoads(bundleFile: string, nodeOptions: string | undefined): Promise<ColdLoad[]> {
  const runs: ColdLoad[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const run = await coldLoadOnce(bundleFile, nodeOptions);
    check(run.handler === 'function', `the bundle exports no handler function (got ${run.handler})`);
    check(run.connections.length === 0, `the module connected at load: ${run.connections.join(', ')}`);
    runs.push(run);
  }
  return runs;
}

function summarizeLoads(label: string, runs: readonly ColdLoad[]): number {
  const req = runs.map((r) => r.requireMs).sort((a, b) => a - b);
  const wall = runs.map((r) => r.wallMs);
  const boot = runs.map((r) => r.sinceProcessStartMs);
  const med = median(req);
  console.log(`${label.padEnd(34)} require min ${fmtMs(req[0] as number)} / median ${fmtMs(med)} / max ${fmtMs(req[req.length - 1] as number)}`);
  console.log(
    `${''.padEnd(34)} (CPU during require, median ${fmtMs(median(runs.map((r) => r.requireCpuMs)))}; ` +
      `process start → loaded, median ${fmtMs(median(boot))}; spawn → exit, median ${fmtMs(median(wall))})`,
  );
  return med;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Warm latency

/**
 * Seeds the user, a busy week for `/meetings`, and one fresh meeting per click. The click meetings start 10+ days
 * out: beyond the range `/meetings` queries (7 days plus a day of margin), so the listing stays a realistic week.
 */
async function seed(env: LocalEnvironment, clicksPerKind: number): Promise<{ startPrep: string[]; remindLater: string[] }> {
  const put = (item: Meeting | User, table: string) => env.db.send(new PutCommand({ TableName: table, Item: item }));
  await put(DEMO_USER, env.tables.users);
  const now = Date.now();
  const types = ['leadership_team', 'one_on_one', 'qbr', 'vendor_meeting', 'reliability_review', 'all_hands'];
  for (let i = 0; i < WEEK_MEETINGS; i++) {
    const start = new Date(now + (i + 1) * 11 * 3_600_000);
    start.setUTCMinutes(0, 0, 0);
    await put(sampleMeeting(`bench-week-${i}`, start, { title: `Week meeting ${i}`, meeting_type: types[i % types.length] as string }), env.tables.meetings);
  }
  const ids = { startPrep: [] as string[], remindLater: [] as string[] };
  for (let i = 0; i < clicksPerKind; i++) {
    const start = new Date(now + 10 * 86_400_000 + i * 3_600_000);
    start.setUTCMinutes(0, 0, 0);
    ids.startPrep.push(`bench-sp-${i}`);
    ids.remindLater.push(`bench-rl-${i}`);
    await put(sampleMeeting(`bench-sp-${i}`, start), env.tables.meetings);
    await put(sampleMeeting(`bench-rl-${i}`, start, { status: 'PREP_SCHEDULED' }), env.tables.meetings);
  }
  return ids;
}

/** One interaction: builds its event (untimed) and checks what the call did (untimed). */
interface Kind {
  readonly name: string;
  readonly event: (i: number) => ApiGatewayEvent;
  readonly verify: (response: ApiGatewayResult, i: number) => void;
}

interface KindResult {
  readonly name: string;
  readonly first: number;
  readonly samples: number[];
}

async function measureKind(env: LocalEnvironment, handler: WebhookHandler, kind: Kind): Promise<KindResult> {
  env.slack.reset();
  const samples: number[] = [];
  let first = NaN;
  let spent = 0;
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    if (i >= WARMUP && (samples.length >= ITERATIONS || spent >= KIND_BUDGET_MS)) break;
    const event = kind.event(i);
    const started = performance.now();
    const response = await handler(event, {});
    const ms = performance.now() - started;
    if (response.statusCode !== 200) {
      throw new BenchError(`${kind.name} #${i}: HTTP ${response.statusCode} ${response.body}`);
    }
    kind.verify(response, i);
    if (i === 0) first = ms;
    if (i >= WARMUP) {
      samples.push(ms);
      spent += ms;
    }
  }
  return { name: kind.name, first, samples };
}

function interactionKinds(env: LocalEnvironment, ids: { startPrep: string[]; remindLater: string[] }): Kind[] {
  const sinceReset = () => env.slack.messages;
  let seen = 0;
  const newMessages = () => {
    const all = sinceReset();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const resetSeen = () => (seen = 0);
  return [
    {
      name: 'url_verification',
      event: () => restEvent(JSON.stringify(urlVerification), JSON_TYPE),
      verify: (response) => {
        check((JSON.parse(response.body) as { challenge?: string }).challenge === urlVerification.challenge, 'url_verification: wrong challenge');
      },
    },
    {
      name: '/meetings (HTTP API v2, base64)',
      event: () => httpEvent(slashCommandBody(), FORM),
      verify: (response) => {
        const body = JSON.parse(response.body) as { response_type?: string; blocks?: unknown[] };
        check(body.response_type === 'ephemeral' && (body.blocks?.length ?? 0) > 10, `/meetings: not the week's list: ${response.body.slice(0, 200)}`);
        check(env.slack.requests.length === 0, '/meetings: called Slack');
      },
    },
    {
      name: 'start_prep click (new session)',
      event: (i) => {
        if (i === 0) resetSeen();
        const meetingId = ids.startPrep[i];
        check(meetingId, `start_prep #${i}: no seeded meeting left`);
        return restEvent(clickBody('start_prep', { meetingId }), FORM);
      },
      verify: (_response, i) => {
        const fresh = newMessages();
        const update = fresh.find((m) => m.method === 'chat.update');
        const dm = fresh.find((m) => m.method === 'chat.postMessage');
        check(update?.text === 'Prep session started' && dm, `start_prep #${i}: no session started (Slack got ${JSON.stringify(fresh.map((m) => [m.method, m.text]))})`);
      },
    },
    {
      name: 'remind_later click (new schedule)',
      event: (i) => {
        if (i === 0) resetSeen();
        const meetingId = ids.remindLater[i];
        check(meetingId, `remind_later #${i}: no seeded meeting left`);
        return restEvent(clickBody('remind_later', { meetingId }), FORM);
      },
      verify: (_response, i) => {
        const fresh = newMessages();
        const update = fresh.find((m) => m.method === 'chat.update');
        check(update?.text?.startsWith("I'll remind you at"), `remind_later #${i}: no reminder (Slack got ${JSON.stringify(fresh.map((m) => [m.method, m.text]))})`);
        const name = `prep-reminder-${ids.remindLater[i]}`;
        check([...env.scheduler.schedules.values()].some((s) => s.Name === name), `remind_later #${i}: no schedule ${name} on the fake`);
      },
    },
    {
      name: 'DM message.im (active session)',
      event: (i) => {
        if (i === 0) resetSeen();
        return httpEvent(dmBody(`Bench note ${i}: add budget variance to the agenda`), JSON_TYPE, { base64: false });
      },
      verify: (_response, i) => {
        const fresh = newMessages().filter((m) => m.method === 'chat.postMessage');
        check(fresh.length === 1, `DM #${i}: expected one reply, got ${fresh.length}`);
        check(!(fresh[0]?.text ?? '').includes('no prep session open'), `DM #${i}: no active session found (help reply)`);
      },
    },
  ];
}

function reportLatencies(results: readonly KindResult[]): boolean {
  console.log(`\n== Warm handler latency (bundled handler in-process, loopback fakes; ${WARMUP} warm-up calls each, then up to ${ITERATIONS})`);
  const header = `${'interaction'.padEnd(36)}${'n'.padStart(5)}${'first'.padStart(10)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`;
  console.log(header);
  let allPass = true;
  const lines: string[] = [];
  for (const r of results) {
    const sorted = [...r.samples].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const cols = [r.first, percentile(sorted, 50), percentile(sorted, 95), p99, sorted[sorted.length - 1] as number];
    console.log(`${r.name.padEnd(36)}${String(sorted.length).padStart(5)}${cols.map((c) => c.toFixed(1).padStart(10)).join('')}`);
    const ok = p99 < TARGET_P99_MS;
    allPass &&= ok;
    lines.push(`${verdict(ok)}  p99 ${r.name}: ${fmtMs(p99)} (target < ${TARGET_P99_MS} ms)`);
  }
  console.log('(ms; "first" is the first call of that kind in this process, before the warm-up: it includes building Bolt for the first Bolt-routed kind)');
  console.log('');
  for (const line of lines) console.log(line);
  return allPass;
}

// ---------------------------------------------------------------------------------------------------------------

function loadAverage(): string {
  return `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BenchError(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  console.log(`Webhook benchmark: node ${process.version} (${process.execPath}), ${os.cpus().length} CPUs, ${os.platform()}/${os.arch()}, ${loadAverage()}`);
  if (!process.version.startsWith('v24.')) {
    console.log(`note: Lambda runs nodejs24.x; this is ${process.version} (npm run bench puts node_modules/node's Node 24 first on the PATH)`);
  }

  const bundle = await bundleWebhook();
  let env: LocalEnvironment | undefined;
  try {
    reportBundle(bundle);

    console.log(`\n== Cold load (${COLD_RUNS} fresh node processes each, require() of index.js timed inside the child)`);
    const deployed = await coldLoads(bundle.file, '--enable-source-maps');
    const loadMedian = summarizeLoads('as deployed (--enable-source-maps)', deployed);
    const plain = await coldLoads(bundle.file, undefined);
    summarizeLoads('without source maps', plain);
    const loadMax = Math.max(...deployed.map((r) => r.requireMs));
    console.log(`(${loadAverage()}: timings on a busy machine run long)`);
    console.log(`heap after load: ${(median(deployed.map((r) => r.heapUsedBytes)) / 1024 / 1024).toFixed(1)} MiB; no connection attempted at load; child node ${deployed[0]?.node}`);

    const envStarted = performance.now();
    env = await startLocalEnvironment();
    const clicks = WARMUP + ITERATIONS;
    const ids = await seed(env, clicks);
    console.log(`\n== Local environment up and seeded in ${fmtMs(performance.now() - envStarted)} (1 user, ${WEEK_MEETINGS} meetings this week, ${2 * clicks} click meetings 10+ days out)`);

    const loadStarted = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle reads its environment at load: required once the environment is up
    const { handler } = require(bundle.file) as { handler: WebhookHandler };
    console.log(`bundled handler required in-process in ${fmtMs(performance.now() - loadStarted)} (under tsx, for reference)`);
    check(typeof handler === 'function', 'the bundle exports no handler');

    const results: KindResult[] = [];
    for (const kind of interactionKinds(env, ids)) results.push(await measureKind(env, handler, kind));
    const latencyPass = reportLatencies(results);
    console.log(`(${loadAverage()})`);

    const loadPass = loadMedian < TARGET_LOAD_MS;
    console.log(`${verdict(loadPass)}  cold load (require, median of ${COLD_RUNS}, as deployed): ${fmtMs(loadMedian)}, max ${fmtMs(loadMax)} (target < ${TARGET_LOAD_MS} ms)`);
    console.log(`\n${latencyPass && loadPass ? 'All targets met.' : 'Some targets missed (reported above; this is a report, not a test).'} Total ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`);
    return 0;
  } finally {
    if (env) await withTimeout(env.close(), 10_000, 'closing the local environment');
    fs.rmSync(bundle.dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`\nbench failed: ${error instanceof BenchError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
