/**
 * The runs of bench/webhook-cold.ts: one cold start to a first answer in a fresh `node` process
 * (bench/webhook-cold-child.js), and the breakdown of the webhook's first answer after its load from the HTTP calls
 * the child saw.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/slack-bot/http-event';
import { BenchError, median, runChild } from './support';

/** One HTTP call the answer made, times from the start of `require` (ms). */
export interface ChildCall {
  readonly host: string;
  /** `x-amz-target` (the AWS operation), else method and path. */
  readonly target: string;
  readonly startMs: number;
  /** When the response's headers arrived. */
  readonly responseMs?: number;
}

/** One cold start to a first answer, timed inside the child. */
export interface ColdAnswer {
  readonly requireMs: number;
  /** From the start of `require` to the handler's promise settling. */
  readonly firstAnswerMs: number;
  readonly sinceProcessStartMs: number;
  readonly response: ApiGatewayResult;
  readonly connectionsAtLoad: readonly string[];
  readonly calls: readonly ChildCall[];
  readonly node: string;
}

const RESULT_PREFIX = 'webhook-cold-result ';

/** Requires `bundleFile` in a fresh `node` with `env` and answers `event` at once; rejects when the child fails. */
export async function coldAnswer(
  bundleFile: string,
  event: ApiGatewayEvent,
  env: NodeJS.ProcessEnv,
): Promise<ColdAnswer> {
  const eventFile = path.join(path.dirname(bundleFile), 'event.json');
  fs.writeFileSync(eventFile, JSON.stringify(event));
  const run = await runChild('webhook-cold-child.js', [bundleFile, eventFile], env);
  const line = run.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  if (run.code !== 0 || !line)
    throw new BenchError(`cold answer exited ${run.code}:\n${run.stderr || run.stdout}`.slice(0, 4000));
  const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as ColdAnswer | { error: string };
  if ('error' in result) throw new BenchError(`cold answer failed in the child: ${result.error}`);
  return result;
}

const SERVICES: Readonly<Record<string, string>> = {
  DynamoDB_20120810: 'DynamoDB',
  AmazonSQS: 'SQS',
  secretsmanager: 'Secrets Manager',
  AWSChronosService: 'Scheduler',
};

/** A call's name: `DynamoDB PutItem`, `SQS SendMessage`… */
function callName(call: ChildCall): string {
  const [service, operation] = call.target.split('.');
  return operation && service ? `${SERVICES[service] ?? service} ${operation}` : `${call.target} (${call.host})`;
}

/** One step of the first answer after the load, and its median over the runs (ms). */
export interface Step {
  readonly label: string;
  readonly medianMs: number;
}

/**
 * Where the first answer's time went after the load, median per step: before each call, the CPU work leading to it
 * (the SDK client's first request included), then the call's round trip to its response's headers; then the work
 * from the last response to the answer. The runs must have made the same calls in the same order.
 */
export function answerSteps(runs: readonly ColdAnswer[]): Step[] {
  const names = (run: ColdAnswer) => run.calls.map(callName).join(' → ');
  const first = runs[0];
  if (!first) return [];
  const differing = runs.find((run) => names(run) !== names(first));
  if (differing) throw new BenchError(`the runs made different calls: ${names(first)} / ${names(differing)}`);
  const steps: { label: string; values: number[] }[] = [];
  const add = (i: number, label: string, ms: number) => {
    steps[i] ??= { label, values: [] };
    steps[i].values.push(ms);
  };
  for (const run of runs) {
    let at = run.requireMs;
    let i = 0;
    for (const call of run.calls) {
      const name = callName(call);
      const answered = call.responseMs ?? call.startMs;
      add(i++, `work before ${name}`, call.startMs - at);
      add(i++, `${name} (round trip)`, answered - call.startMs);
      at = answered;
    }
    add(i, 'work after the last response, to the answer', run.firstAnswerMs - at);
  }
  return steps.map((s) => ({ label: s.label, medianMs: median(s.values) }));
}
