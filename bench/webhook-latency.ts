/**
 * Warm latency of the Slack webhook (bench/webhook.ts): each interaction's answers timed back to back in this
 * process, then, for the interactions that queue work, the time from enqueue to the worker's first Slack call; and
 * the report of both against the targets.
 */
import { performance } from 'node:perf_hooks';
import type { LocalEnvironment } from '../local/local-environment';
import type { WebhookHandler } from '../local/slack-requests';
import { BenchError, check, fmtMs, percentile, verdict } from './support';
import type { Kind } from './webhook-interactions';
import { Mark, WorkerSample, drainAll, drainAndMeasure, mark } from './worker-latency';

/** Target: every interaction's answer, warm p99. */
const TARGET_P99_MS = 300;
/** Target: Start Prep's answer (the replay claim, the meeting's claim, the queued work) in-process on loopback. */
export const TARGET_START_PREP_P99_MS = 15;

const WARMUP = 5;
const ITERATIONS = 100;
/** Calls per queueing interaction whose job is drained right after the answer, for the worker's latency. */
const WORKER_ITERATIONS = 50;
/** A kind stops early when its measured iterations have taken this long (keeps the run near a minute). */
const KIND_BUDGET_MS = 8_000;

/** The most calls one interaction makes: one seeded meeting is needed for each click. */
export const MAX_CALLS_PER_KIND = WARMUP + ITERATIONS + WORKER_ITERATIONS;

/** One interaction's timings. */
export interface KindResult {
  readonly name: string;
  readonly first: number;
  readonly samples: number[];
  /** When each sample's call began and ended (performance.now()), to tell which HTTP calls it made. */
  readonly windows: (readonly [number, number])[];
  readonly worker: WorkerSample[];
}

/** Calls the handler once, checks the answer, and returns its time (ms) and where the queue and Slack stood before it. */
async function answer(
  env: LocalEnvironment,
  handler: WebhookHandler,
  kind: Kind,
  i: number,
): Promise<{ ms: number; started: number; before: Mark }> {
  const event = kind.event(i);
  const before = mark(env);
  const started = performance.now();
  const response = await handler(event, {});
  const ms = performance.now() - started;
  if (response.statusCode !== 200)
    throw new BenchError(`${kind.name} #${i}: HTTP ${response.statusCode} ${response.body}`);
  if (kind.queues) {
    check(env.slack.requests.length === before.slackRequests, `${kind.name} #${i}: called Slack before answering`);
    check(
      response.headers?.['X-Slack-No-Retry'] === undefined,
      `${kind.name} #${i}: failed (X-Slack-No-Retry); see the function's log`,
    );
  }
  kind.verify?.(response, i);
  return { ms, started, before };
}

/**
 * Two passes. The answers are timed back to back, their jobs left queued: the worker runs in its own Lambda, so its
 * work (and its garbage) is not the webhook's to pay for, as it would be if it ran in this process between two
 * answers. Then every job is drained and checked. Then, for an interaction that queues work, `WORKER_ITERATIONS`
 * more calls are each drained right after their answer, timing enqueue → the worker's first Slack call.
 */
export async function measureKind(env: LocalEnvironment, handler: WebhookHandler, kind: Kind): Promise<KindResult> {
  env.slack.reset();
  const samples: number[] = [];
  const windows: (readonly [number, number])[] = [];
  let first = NaN;
  let spent = 0;
  let calls = 0;
  for (; calls < WARMUP + ITERATIONS; calls++) {
    if (calls >= WARMUP && spent >= KIND_BUDGET_MS) break;
    const { ms, started } = await answer(env, handler, kind, calls);
    if (calls === 0) first = ms;
    if (calls >= WARMUP) {
      samples.push(ms);
      windows.push([started, started + ms]);
      spent += ms;
    }
  }
  const worker: WorkerSample[] = [];
  if (kind.queues) {
    await drainAll(env);
    kind.effects?.(env.slack.messages, 0, calls);
    for (let j = 0; j < WORKER_ITERATIONS; j++) {
      const i = calls + j;
      const sent = env.slack.messages.length;
      const { before } = await answer(env, handler, kind, i);
      worker.push(await drainAndMeasure(env, before));
      kind.effects?.(env.slack.messages.slice(sent), i, 1);
    }
  }
  return { name: kind.name, first, samples, windows, worker };
}

/** Prints the worker's latency per queueing interaction. */
export function reportWorker(results: readonly KindResult[]): void {
  console.log(
    `\n== Worker: enqueue → its first Slack call (real worker handler, fake SQS delivering as the event source mapping would)`,
  );
  console.log(
    `${'interaction'.padEnd(36)}${'n'.padStart(5)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}${'drain p50'.padStart(12)}`,
  );
  for (const r of results.filter((k) => k.worker.length > 0)) {
    const toSlack = r.worker.map((w) => w.toSlackMs).sort((a, b) => a - b);
    const drain = r.worker.map((w) => w.invocationMs).sort((a, b) => a - b);
    const cols = [percentile(toSlack, 50), percentile(toSlack, 99), toSlack[toSlack.length - 1] as number];
    console.log(
      `${r.name.padEnd(36)}${String(toSlack.length).padStart(5)}${cols.map((c) => c.toFixed(1).padStart(10)).join('')}${percentile(drain, 50).toFixed(1).padStart(12)}`,
    );
  }
  console.log(
    "(ms; the time includes the webhook finishing its answer after the SendMessage, and the worker's reads before its Slack call)",
  );
}

/** Prints the answers' latency per interaction and each target's verdict; true when every target is met. */
export function reportLatencies(results: readonly KindResult[]): boolean {
  console.log(
    `\n== Warm handler latency (bundled handler in-process, loopback fakes; ${WARMUP} warm-up calls each, then up to ${ITERATIONS})`,
  );
  const header = `${'interaction'.padEnd(36)}${'n'.padStart(5)}${'first'.padStart(10)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`;
  console.log(header);
  let allPass = true;
  const lines: string[] = [];
  for (const r of results) {
    const sorted = [...r.samples].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const cols = [r.first, percentile(sorted, 50), percentile(sorted, 95), p99, sorted[sorted.length - 1] as number];
    console.log(
      `${r.name.padEnd(36)}${String(sorted.length).padStart(5)}${cols.map((c) => c.toFixed(1).padStart(10)).join('')}`,
    );
    const ok = p99 < TARGET_P99_MS;
    allPass &&= ok;
    lines.push(`${verdict(ok)}  p99 ${r.name}: ${fmtMs(p99)} (target < ${TARGET_P99_MS} ms)`);
    if (r.name.startsWith('start_prep')) {
      const fast = p99 <= TARGET_START_PREP_P99_MS;
      allPass &&= fast;
      lines.push(
        `${verdict(fast)}  p99 ${r.name}, answer only: ${fmtMs(p99)} (target ≤ ${TARGET_START_PREP_P99_MS} ms)`,
      );
    }
  }
  console.log(
    '(ms; "first" is the first call of that kind in this process, before the warm-up: it includes building Bolt for the first Bolt-routed kind)',
  );
  console.log('');
  for (const line of lines) console.log(line);
  return allPass;
}
