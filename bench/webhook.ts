/**
 * `npm run bench` (webhook part): the Slack webhook's bundle size, cold load time and warm handler latency, as a report (not a
 * test: a missed target is printed as MISS and the exit code stays 0; only errors exit 1).
 *
 * 1. Bundles lambda/slack-bot/handler.ts the way the stack does (HouseFunction → NodejsFunction → esbuild: bundle,
 *    minify, source map, platform node, target node24, CommonJS, nothing external) into a temporary folder, with
 *    config/meeting_types.yaml copied next to index.js, and prints index.js's size, gzipped and as a zipped asset.
 * 2. Cold load: requires the bundle in fresh `node` processes (bench/cold-load.js), with the environment the stack
 *    gives the function (dummy values) and NODE_OPTIONS=--enable-source-maps as deployed; then without source maps.
 * 3. Warm latency: starts the local environment in this process (dynalite and the Slack, Scheduler and SQS fakes on
 *    loopback), seeds a user and meetings, requires the bundled handler and calls it with signed API Gateway events
 *    for each interaction; prints the answer's p50/p95/p99/max. The answers are timed back to back; then the real
 *    worker drains their jobs (as its own Lambda would, not between two answers in this process). Then a second
 *    pass drains each job right after its answer and records the time from enqueue to the worker's first Slack
 *    call: p50/p99 per interaction. Every response must be 200, and every job must do what it does.
 * 4. Start Prep's answer (target p99 ≤ 15 ms: the replay claim, the meeting's claim, one enqueue), call by call:
 *    each HTTP call timed at both ends, beside a bare conditional write to dynalite and a bare SendMessage to the
 *    SQS fake with the same client settings, in the same process (bench/webhook-start-prep.ts).
 *
 * Run with Node 24 (`npm run bench` puts it first on the PATH): `node --version` is printed first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { WEBHOOK_BUNDLE_ALIASES } from '../lib/constructs/webhook-bundle-aliases';
import { type LocalEnvironment, startLocalEnvironment } from '../local/local-environment';
import type { WebhookHandler } from '../local/slack-requests';
import { COLD_RUNS, bundleFunction, coldLoads, reportBundle, summarizeLoads } from './bundles';
import { check, fmtMs, loadAverage, median, runBench, verdict, withTimeout } from './support';
import { WEEK_MEETINGS, interactionKinds, seedMeetings } from './webhook-interactions';
import { KindResult, MAX_CALLS_PER_KIND, measureKind, reportLatencies, reportWorker } from './webhook-latency';
import { CallTimer } from './call-timer';
import { BareCalls, measureBareCalls, reportStartPrep } from './webhook-start-prep';

const ENTRY = 'lambda/slack-bot/handler.ts';
const COPY_FILES = ['config/meeting_types.yaml'];

/** Target: the bundle's cold load (median `require` time, as deployed). */
const TARGET_LOAD_MS = 300;

async function main(): Promise<number> {
  const startedAt = performance.now();
  console.log(
    `Webhook benchmark: node ${process.version} (${process.execPath}), ${os.cpus().length} CPUs, ${os.platform()}/${os.arch()}, ${loadAverage()}`,
  );
  if (!process.version.startsWith('v24.')) {
    console.log(
      `note: Lambda runs nodejs24.x; this is ${process.version} (npm run bench puts node_modules/node's Node 24 first on the PATH)`,
    );
  }

  const bundle = await bundleFunction(ENTRY, { aliases: WEBHOOK_BUNDLE_ALIASES, copyFiles: COPY_FILES });
  let env: LocalEnvironment | undefined;
  try {
    reportBundle(bundle);

    console.log(
      `\n== Cold load (${COLD_RUNS} fresh node processes each, require() of index.js timed inside the child)`,
    );
    const deployed = await coldLoads(bundle.file, '--enable-source-maps');
    const loadMedian = summarizeLoads('as deployed (--enable-source-maps)', deployed);
    const plain = await coldLoads(bundle.file, undefined);
    summarizeLoads('without source maps', plain);
    const loadMax = Math.max(...deployed.map((r) => r.requireMs));
    console.log(`(${loadAverage()}: timings on a busy machine run long)`);
    console.log(
      `heap after load: ${(median(deployed.map((r) => r.heapUsedBytes)) / 1024 / 1024).toFixed(1)} MiB; no connection attempted at load; child node ${deployed[0]?.node}`,
    );

    const envStarted = performance.now();
    env = await startLocalEnvironment({ dynamoDirect: true });
    const clicks = MAX_CALLS_PER_KIND;
    const ids = await seedMeetings(env, clicks);
    console.log(
      `\n== Local environment up and seeded in ${fmtMs(performance.now() - envStarted)} (1 user, ${WEEK_MEETINGS} meetings this week, ${2 * clicks} click meetings 10+ days out)`,
    );

    const loadStarted = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle reads its environment at load: required once the environment is up
    const { handler } = require(bundle.file) as { handler: WebhookHandler };
    console.log(
      `bundled handler required in-process in ${fmtMs(performance.now() - loadStarted)} (under tsx, for reference)`,
    );
    check(typeof handler === 'function', 'the bundle exports no handler');

    const results: KindResult[] = [];
    let startPrep: { result: KindResult; timer: CallTimer; bare: BareCalls } | undefined;
    for (const kind of interactionKinds(env, ids)) {
      // Start Prep's calls are timed on the wire (a few microseconds a call), then bare calls beside them.
      const timer = kind.name.startsWith('start_prep') ? new CallTimer().start() : undefined;
      const result = await measureKind(env, handler, kind);
      timer?.stop();
      results.push(result);
      if (timer) startPrep = { result, timer, bare: await measureBareCalls(env) };
    }
    const latencyPass = reportLatencies(results);
    reportWorker(results);
    check(startPrep, 'no start_prep interaction was timed');
    reportStartPrep(startPrep.result, startPrep.timer, startPrep.bare);
    console.log(`(${loadAverage()})`);

    const loadPass = loadMedian < TARGET_LOAD_MS;
    console.log(
      `${verdict(loadPass)}  cold load (require, median of ${COLD_RUNS}, as deployed): ${fmtMs(loadMedian)}, max ${fmtMs(loadMax)} (target < ${TARGET_LOAD_MS} ms)`,
    );
    console.log(
      `\n${latencyPass && loadPass ? 'All targets met.' : 'Some targets missed (reported above; this is a report, not a test).'} Total ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`,
    );
    return 0;
  } finally {
    if (env) await withTimeout(env.close(), 10_000, 'closing the local environment');
    fs.rmSync(bundle.dir, { recursive: true, force: true });
  }
}

runBench(main);
