/**
 * `npm run bench` (burst part): 200 executions of the prep workflow at once, as a report (not a test: a missed target
 * is printed as MISS and the exit code stays 0; only errors exit 1).
 *
 * Starts the local environment in this process (dynalite, the Slack/Twilio/SES fakes, as the workflow tests do, with
 * the functions pointed at dynalite directly), seeds 200 meetings each with a user of its own who gets Slack, and
 * starts 200 executions of the synthesized state machine at once through the in-process runner
 * (local/workflow-runner.ts: the deployed definition, the real handler code per Task). Every execution must succeed
 * on the Slack-delivered path (read from the definition) and the Slack fake must receive exactly one post per
 * meeting. Prints executions/s (200 / the time from the first start to the last end), each execution's p50/p99
 * duration, CPU per execution and how busy the event loop was; beside it, in the same run, the calibration: the same
 * runner and definition with trivial handlers (bench/burst-workload.ts), so the runner's own cost is told apart from
 * the handlers'; and the bare I/O: the same calls as an execution makes, without the runner or the handlers
 * (bench/burst-bare-io.ts), so the calls' own cost is told apart too. Then it profiles a second burst of 200
 * (bench/burst-profile.ts) and prints what bounds the rate.
 * `BURST_CPU_PROFILE=file.cpuprofile` keeps that profile for Chrome DevTools.
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { startLocalEnvironment } from '../local/local-environment';
import { localDefinition } from '../local/synth';
import { bareIo } from './burst-bare-io';
import { type ProfileSummary, profiled, summarise } from './burst-profile';
import {
  type BurstItem,
  calibrationWorkflow,
  checkPath,
  checkSlackPosts,
  runBurst,
  seedBurst,
  slackPath,
} from './burst-workload';
import { fmtMs, loadAverage, percentile, runBench, verdict, withTimeout } from './support';
import { CallTimer } from './call-timer';

/** Executions started at once. */
const BURST = 200;
/**
 * Executions run at once before the measured ones: handlers loaded, code warm, and as many kept-alive sockets open as
 * an SDK client keeps (50): a burst that must open them while its event loop is saturated can see connection timeouts.
 */
const WARMUP = 50;
/** Target: executions per second in the in-process runner. */
const TARGET_RATE = 120;

/** One measured burst: how long each item took, the CPU the process used and how busy its event loop was. */
interface Measured {
  readonly durations: readonly number[];
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly loopBusy: number;
}

async function measure<R extends { durations: readonly number[]; wallMs: number }>(
  work: () => Promise<R>,
): Promise<Measured & { run: R }> {
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const run = await work();
  const used = process.cpuUsage(cpu);
  const loopBusy = performance.eventLoopUtilization(loop).utilization;
  return { run, durations: run.durations, wallMs: run.wallMs, cpuMs: (used.user + used.system) / 1000, loopBusy };
}

const rate = (m: { durations: readonly number[]; wallMs: number }) => (m.durations.length / m.wallMs) * 1000;
const perItem = (m: Measured) => m.cpuMs / m.durations.length;

function row(what: string, m: Measured): string {
  const sorted = [...m.durations].sort((a, b) => a - b);
  const cols = [
    `${(m.wallMs / 1000).toFixed(2)} s`,
    `${rate(m).toFixed(1)}/s`,
    fmtMs(percentile(sorted, 50)),
    fmtMs(percentile(sorted, 99)),
    fmtMs(perItem(m)),
    `${(m.loopBusy * 100).toFixed(0)}%`,
  ];
  return `${what.padEnd(30)}${cols.map((c) => c.padStart(11)).join('')}`;
}

function reportProfile(summary: ProfileSummary, executions: number, underProfiler: number): void {
  const busy = summary.totalMs - summary.idleMs;
  console.log(
    `\n== What bounds the rate: a CPU profile of a second burst of ${executions} (node:inspector, sampled every 0.5 ms; ${underProfiler.toFixed(1)}/s under the profiler)`,
  );
  console.log(
    `the thread was busy ${(busy / 1000).toFixed(2)} s of ${(summary.totalMs / 1000).toFixed(2)} s (${((100 * busy) / summary.totalMs).toFixed(0)}%): ${(busy / executions).toFixed(1)} ms of CPU per execution`,
  );
  console.log(
    `${'by component (self time; Node code charged to its caller)'.padEnd(66)}${'share'.padStart(7)}${'ms/exec'.padStart(9)}`,
  );
  for (const [what, ms] of summary.components.slice(0, 10))
    console.log(
      `  ${what.padEnd(64)}${`${((100 * ms) / summary.totalMs).toFixed(1)}%`.padStart(7)}${(ms / executions).toFixed(2).padStart(9)}`,
    );
  const list = (tally: ProfileSummary['packages'], count: number) =>
    tally
      .slice(0, count)
      .map(([what, ms]) => `${what} ${((100 * ms) / summary.totalMs).toFixed(1)}%`)
      .join(', ');
  console.log(`top packages and modules (self time): ${list(summary.packages, 14)}`);
  console.log(`top functions (self time): ${list(summary.functions, 10)}`);
}

/** The calls per execution, by kind, and the SDK's retries among them. */
function callsPerExecution(timer: CallTimer, executions: number): string {
  const counts = new Map<string, number>();
  for (const call of timer.calls) counts.set(call.name, (counts.get(call.name) ?? 0) + 1);
  const retries = timer.calls.filter((c) => c.attempt > 1).length;
  const kinds = [...counts].sort((a, b) => a[0].localeCompare(b[0]));
  return `${kinds.map(([name, n]) => `${name} ${(n / executions).toFixed(2)}`).join(', ')} (SDK retries: ${retries})`;
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  console.log(
    `Burst benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()}/${os.arch()}, ${loadAverage()}`,
  );
  const env = await startLocalEnvironment({ dynamoDirect: true });
  try {
    const path = slackPath(localDefinition(env.template));
    const [warm, burst, second] = [
      await seedBurst(env, 'warm', WARMUP + 1),
      await seedBurst(env, 'burst', BURST),
      await seedBurst(env, 'prof', BURST),
    ];
    console.log(
      `Local environment up and ${WARMUP + 1 + 2 * BURST} meetings seeded in ${fmtMs(performance.now() - startedAt)}; the Slack-delivered path (from the synthesized definition): ${path.join(' → ')}`,
    );
    // One real execution alone: its outputs make the calibration's handlers, its calls the bare I/O's sequence.
    env.slack.reset();
    const sampleCalls = new CallTimer().start();
    const calibration = await calibrationWorkflow(env, warm[0] as BurstItem);
    sampleCalls.stop();
    const sequence = sampleCalls.calls.map((c) => c.name);
    const samplePost = env.slack.messages[0]?.args ?? {};
    checkPath('warm-up', await runBurst(env.workflow, warm.slice(1)), path);
    checkPath('calibration warm-up', await runBurst(calibration, warm.slice(1)), path);
    await bareIo(env, warm.slice(1), sequence, samplePost);

    const trivial = await measure(() => runBurst(calibration, burst));
    checkPath('calibration', trivial.run, path);
    const io = await measure(() => bareIo(env, burst, sequence, samplePost));
    env.slack.reset();
    const timer = new CallTimer().start();
    const real = await measure(() => runBurst(env.workflow, burst));
    timer.stop();
    const retries = checkPath('burst', real.run, path);
    const posts = checkSlackPosts(env, burst);

    console.log(
      `\n== Burst: ${BURST} executions at once (in-process runner; dynalite and the stand-ins in this process)`,
    );
    console.log(
      `${''.padEnd(30)}${['wall', 'rate', 'p50 exec', 'p99 exec', 'CPU/exec', 'loop busy'].map((c) => c.padStart(11)).join('')}`,
    );
    console.log(row('real handlers', real));
    console.log(row('calibration: trivial handlers', trivial));
    console.log(row('bare I/O: the calls alone', io));
    if (io.run.failed > 0) console.log(`  (bare I/O: ${io.run.failed} items failed, e.g. ${io.run.firstError})`);
    console.log(
      `real / calibration: ${(rate(real) / rate(trivial)).toFixed(3)}× the rate (the runner's own CPU: ${fmtMs(perItem(trivial))} of ${fmtMs(perItem(real))} per execution, ${((100 * perItem(trivial)) / perItem(real)).toFixed(0)}%); real / bare I/O: ${(rate(real) / rate(io)).toFixed(2)}× (the calls' CPU: ${fmtMs(perItem(io))}, ${((100 * perItem(io)) / perItem(real)).toFixed(0)}%)`,
    );
    console.log(`calls per execution: ${callsPerExecution(timer, BURST)}; bare I/O replays ${sequence.join(', ')}`);
    console.log(
      `checks: ${BURST} SUCCEEDED on the Slack path, the Slack fake received ${posts} posts (one per meeting), ${retries} Task retries; ${loadAverage()}`,
    );

    env.slack.reset();
    const { result: profiledRun, profile } = await profiled(
      () => runBurst(env.workflow, second),
      process.env['BURST_CPU_PROFILE'],
    );
    checkPath('profiled burst', profiledRun, path);
    checkSlackPosts(env, second);
    const summary = summarise(profile);
    reportProfile(summary, BURST, rate(profiledRun));
    const share = (prefix: string) =>
      `${((100 * (summary.components.find(([what]) => what.startsWith(prefix))?.[1] ?? 0)) / summary.totalMs).toFixed(0)}%`;
    const [top] = summary.components;
    console.log(
      `So: the burst is CPU-bound on one thread (event loop busy ${(real.loopBusy * 100).toFixed(0)}%), and its calls alone (bare I/O) cost ${((100 * perItem(io)) / perItem(real)).toFixed(0)}% of an execution's CPU: the largest part is ${top?.[0]} (${share(top?.[0] ?? '')}), with dynalite ${share('dynalite')} and Node's HTTP ${share('Node')} in this same process; the runner takes ${share('the runner')}, our handlers' own code ${share('our handlers')}.`,
    );
    const pass = rate(real) >= TARGET_RATE;
    console.log(
      `${verdict(pass)}  burst: ${rate(real).toFixed(1)} executions/s (target ≥ ${TARGET_RATE}/s; calibration ${rate(trivial).toFixed(1)}/s, bare I/O ${rate(io).toFixed(1)}/s)`,
    );
    console.log(`\n(${loadAverage()}) Total ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`);
    return 0;
  } finally {
    await withTimeout(env.close(), 10_000, 'closing the local environment');
  }
}

runBench(main);
