/**
 * Functions as deployed, for the benches: bundled with the options NodejsFunction gives esbuild for HouseFunction,
 * and loaded cold in fresh `node` processes with the environment the stack gives them (dummy values).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { build } from 'esbuild';
import { BenchError, check, fmtBytes, fmtMs, median, runChild } from './support';

const ROOT = path.join(__dirname, '..');
/** Cold loads per measurement. */
export const COLD_RUNS = 7;

/** A function bundled as deployed. */
export interface Bundle {
  readonly entry: string;
  readonly dir: string;
  readonly file: string;
  readonly buildMs: number;
}

/**
 * Bundles `entry` the way the stack does (HouseFunction → NodejsFunction → esbuild) into a temporary folder, with
 * `copyFiles` copied next to index.js.
 */
export async function bundleFunction(
  entry: string,
  options: { aliases?: Readonly<Record<string, string>>; copyFiles?: readonly string[] } = {},
): Promise<Bundle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
  const file = path.join(dir, 'index.js');
  const started = performance.now();
  // The options NodejsFunction gives esbuild for HouseFunction's bundling props (lib/constructs/house-function.ts):
  // --bundle --target=node24 --platform=node --format=cjs --minify --sourcemap, no --external (externalModules: []).
  await build({
    entryPoints: [path.join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    external: [],
    alias: Object.fromEntries(
      Object.entries(options.aliases ?? {}).map(([name, stub]) => [name, path.join(ROOT, stub)]),
    ),
    outfile: file,
    logLevel: 'warning',
  });
  const buildMs = performance.now() - started;
  for (const copy of options.copyFiles ?? [])
    fs.copyFileSync(path.join(ROOT, copy), path.join(dir, path.basename(copy)));
  return { entry, dir, file, buildMs };
}

/** Prints the bundle's size raw, gzipped and as a zipped asset. */
export function reportBundle(bundle: Bundle): void {
  const js = fs.readFileSync(bundle.file);
  const files = fs
    .readdirSync(bundle.dir)
    .map((name) => ({ name, bytes: fs.readFileSync(path.join(bundle.dir, name)) }));
  // A zip stores each file deflated: the sum of raw-deflated sizes is the asset's zip size within a few hundred bytes.
  const zipped = files.reduce((sum, f) => sum + zlib.deflateRawSync(f.bytes).length, 0);
  const unzipped = files.reduce((sum, f) => sum + f.bytes.length, 0);
  console.log(`\n== Bundle (${bundle.entry}, esbuild in ${fmtMs(bundle.buildMs)})`);
  console.log(`index.js           ${fmtBytes(js.length)}`);
  console.log(`index.js gzipped   ${fmtBytes(zlib.gzipSync(js).length)}`);
  console.log(
    `asset files        ${files.map((f) => `${f.name} ${f.bytes.length.toLocaleString('en-US')} B`).join(', ')}`,
  );
  console.log(
    `asset zip (approx) ${fmtBytes(zipped)} (unzipped ${fmtBytes(unzipped)}; Lambda limits: 50 MiB zipped, 250 MiB unzipped)`,
  );
}

/** One cold load, timed inside the child process (bench/cold-load.js). */
export interface ColdLoad {
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
export function lambdaEnvironment(nodeOptions: string | undefined): NodeJS.ProcessEnv {
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
    TWILIO_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-twilio-AbCdEf',
    TWILIO_STATUS_CALLBACK_URL: 'https://bench.execute-api.us-east-1.amazonaws.com/dev/twilio/status',
    SES_CONFIGURATION_SET: 'bench-prep-emails',
    PUBLIC_API_URL: 'https://bench.execute-api.us-east-1.amazonaws.com/dev',
    ACTION_LINK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-link-keys-AbCdEf',
    WORK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench-slack-work.fifo',
    DIGEST_TARGET_ARN: 'arn:aws:sqs:us-east-1:123456789012:bench-slack-work.fifo',
    WORK_MAX_RECEIVE_COUNT: '5',
    NOTIFICATION_CHANNELS: 'slack,sms,email',
    MINIMUM_LEAD_MINUTES: '120',
    SMS_REPLIES_TABLE_NAME: 'bench-sms-replies',
    INTERACTION_CLAIMS_TABLE_NAME: 'bench-sms-replies',
    TWILIO_SMS_WEBHOOK_URL: 'https://bench.execute-api.us-east-1.amazonaws.com/dev/twilio/sms',
    EMAIL_FROM_ADDRESS: 'prep@bench.example',
  };
}

async function coldLoadOnce(bundleFile: string, nodeOptions: string | undefined): Promise<ColdLoad> {
  const run = await runChild('cold-load.js', [bundleFile], lambdaEnvironment(nodeOptions));
  if (run.code !== 0) throw new BenchError(`cold load exited ${run.code}:\n${run.stderr || run.stdout}`);
  try {
    const line = run.stdout.trim().split('\n').pop() ?? '';
    return { ...(JSON.parse(line) as Omit<ColdLoad, 'wallMs'>), wallMs: run.wallMs };
  } catch {
    throw new BenchError(`cold load printed no result:\n${run.stdout}\n${run.stderr}`);
  }
}

/** `runs` cold loads of the bundle, each checked: a handler function exported, no connection made at load. */
export async function coldLoads(
  bundleFile: string,
  nodeOptions: string | undefined,
  runs = COLD_RUNS,
): Promise<ColdLoad[]> {
  const loads: ColdLoad[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await coldLoadOnce(bundleFile, nodeOptions);
    check(run.handler === 'function', `the bundle exports no handler function (got ${run.handler})`);
    check(run.connections.length === 0, `the module connected at load: ${run.connections.join(', ')}`);
    loads.push(run);
  }
  return loads;
}

/** Prints min/median/max of the require times; returns the median. */
export function summarizeLoads(label: string, runs: readonly ColdLoad[]): number {
  const req = runs.map((r) => r.requireMs).sort((a, b) => a - b);
  const wall = runs.map((r) => r.wallMs);
  const boot = runs.map((r) => r.sinceProcessStartMs);
  const med = median(req);
  console.log(
    `${label.padEnd(34)} require min ${fmtMs(req[0] as number)} / median ${fmtMs(med)} / max ${fmtMs(req[req.length - 1] as number)}`,
  );
  console.log(
    `${''.padEnd(34)} (CPU during require, median ${fmtMs(median(runs.map((r) => r.requireCpuMs)))}; ` +
      `process start → loaded, median ${fmtMs(median(boot))}; spawn → exit, median ${fmtMs(median(wall))})`,
  );
  return med;
}
