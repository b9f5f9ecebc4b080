/**
 * What Start Prep's answer spends its time on (bench/webhook.ts): every HTTP call of this process timed at both ends
 * (bench/call-timer.ts: the bundled handler and its SDK untouched), since dynalite and the SQS fake run in this
 * process; and, beside the answers, bare calls with the same client settings: one conditional
 * write to dynalite and one SendMessage to the SQS fake. Prints each call beside its baseline and what dominates.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ANSWER_PATH_CLIENT, awsClientConfig } from '../lambda/shared/client-config';
import { dynamoDocumentClient } from '../lambda/shared/clients';
import type { LocalEnvironment } from '../local/local-environment';
import { CallTimer, type TimedCall } from './call-timer';
import { check, fmtMs, percentile } from './support';
import { type KindResult, TARGET_START_PREP_P99_MS } from './webhook-latency';

/** Bare calls of each kind, timed after the answers. */
const BARE_CALLS = 100;

/** One kind of bare call: the SDK's `send` to its result, the wire (request to response), the server's own time. */
interface BareCall {
  readonly send: number[];
  readonly wire: number[];
  readonly server: number[];
}

/** The bare baselines. */
export interface BareCalls {
  readonly write: BareCall;
  readonly enqueue: BareCall;
}

/**
 * A bare conditional write (the replay claim's PutItem, with the document client and settings the webhook uses)
 * and a bare SendMessage (a Start Prep job's body, with the webhook's SQS settings) to a queue of its own on the
 * fake, alternated: what the answer's writes and enqueue cost without the handler around them.
 */
export async function measureBareCalls(env: LocalEnvironment): Promise<BareCalls> {
  const table = env.env['INTERACTION_CLAIMS_TABLE_NAME'];
  check(table, 'the template gives the webhook no INTERACTION_CLAIMS_TABLE_NAME');
  const job = env.sqs.requests.find(
    (r) => r.operation === 'SendMessage' && String(r.input['MessageBody']).includes('"start_prep"'),
  );
  check(job, 'no Start Prep job was queued');
  const db = dynamoDocumentClient(ANSWER_PATH_CLIENT);
  const sqs = new SQSClient(awsClientConfig(ANSWER_PATH_CLIENT));
  const queue = env.sqs.createQueue('bench-bare.fifo', { FifoQueue: 'true' });
  const bare: BareCalls = { write: { send: [], wire: [], server: [] }, enqueue: { send: [], wire: [], server: [] } };
  const timer = new CallTimer().start();
  const time = async (into: BareCall, keep: boolean, call: () => Promise<unknown>) => {
    const from = performance.now();
    await call();
    const ms = performance.now() - from;
    const [wire] = timer.within(from, from + ms);
    check(wire, 'a bare call made no HTTP request');
    if (!keep) return;
    into.send.push(ms);
    into.wire.push(wire.end - wire.start);
    into.server.push(wire.serverMs);
  };
  try {
    for (let i = 0; i < 5 + BARE_CALLS; i++) {
      const keep = i >= 5;
      const nowSeconds = Math.floor(Date.now() / 1000);
      const claimId = randomUUID();
      const item = { message_sid: `slack#bench-bare-${i}`, claim_id: claimId, expires_at: nowSeconds + 600 };
      await time(bare.write, keep, () =>
        db.send(
          new PutCommand({
            TableName: table,
            Item: { ...item, claimed_at: new Date().toISOString() },
            ConditionExpression: 'attribute_not_exists(#key) OR expires_at <= :now OR claim_id = :mine',
            ExpressionAttributeNames: { '#key': 'message_sid' },
            ExpressionAttributeValues: { ':now': nowSeconds, ':mine': claimId },
          }),
        ),
      );
      await time(bare.enqueue, keep, () =>
        sqs.send(
          new SendMessageCommand({
            QueueUrl: queue.url,
            MessageBody: String(job.input['MessageBody']),
            MessageGroupId: 'bench-bare',
            MessageDeduplicationId: `bench-bare-${i}`,
          }),
        ),
      );
    }
  } finally {
    timer.stop();
    sqs.destroy();
  }
  return bare;
}

/** The percentile of the finite values. */
function pct(values: readonly number[], at: number): number {
  return percentile(
    values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b),
    at,
  );
}

/** The time covered by some call (calls may overlap). */
function busy(calls: readonly TimedCall[]): number {
  let total = 0;
  let reached = -Infinity;
  for (const c of [...calls].sort((a, b) => a.start - b.start)) {
    const from = Math.max(c.start, reached);
    if (c.end > from) total += c.end - from;
    reached = Math.max(reached, c.end);
  }
  return total;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
const WRITE = /^DynamoDB (PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)$/;
const READ = /^DynamoDB (GetItem|Query|Scan|BatchGetItem|TransactGetItems)$/;

/** Prints what Start Prep's answer spends its time on, each call beside its bare baseline, and what dominates. */
export function reportStartPrep(result: KindResult, timer: CallTimer, bare: BareCalls): void {
  const byName = new Map<string, { wire: number[]; server: number[] }>();
  const parts = { calls: [] as number[], dynalite: [] as number[], fake: [] as number[], rest: [] as number[] };
  const answers = result.windows.map(([from, to], i) => {
    const calls = timer.within(from, to);
    for (const c of calls) {
      const entry = byName.get(c.name) ?? { wire: [], server: [] };
      entry.wire.push(c.end - c.start);
      entry.server.push(c.serverMs);
      byName.set(c.name, entry);
    }
    const ms = result.samples[i] as number;
    const inCalls = busy(calls);
    const dynalite = sum(calls.filter((c) => c.name.startsWith('DynamoDB')).map((c) => c.serverMs));
    parts.calls.push(inCalls);
    parts.dynalite.push(dynalite);
    parts.fake.push(sum(calls.filter((c) => c.name.startsWith('SQS')).map((c) => c.serverMs)));
    parts.rest.push(ms - inCalls);
    return { ms, inCalls, dynalite };
  });
  const n = answers.length;
  console.log(
    `\n== Start Prep's answer, call by call (the ${n} answers above; every HTTP call timed through node:diagnostics_channel)`,
  );
  const col = (v: number, width = 10) => (Number.isFinite(v) ? v.toFixed(2) : '-').padStart(width);
  console.log(
    `${'call'.padEnd(36)}${'per answer'.padStart(11)}${'wire p50'.padStart(10)}${'wire p99'.padStart(10)}${'server p50'.padStart(11)}${'bare wire p50'.padStart(14)}${'bare server p50'.padStart(16)}`,
  );
  for (const [name, entry] of [...byName].sort((a, b) => a[0].localeCompare(b[0]))) {
    const base = name.startsWith('DynamoDB') ? bare.write : name.startsWith('SQS') ? bare.enqueue : undefined;
    console.log(
      `${name.padEnd(36)}${(entry.wire.length / n).toFixed(2).padStart(11)}${col(pct(entry.wire, 50))}${col(pct(entry.wire, 99))}${col(pct(entry.server, 50), 11)}${col(base ? pct(base.wire, 50) : NaN, 14)}${col(base ? pct(base.server, 50) : NaN, 16)}`,
    );
  }
  const row = (what: string, values: readonly number[]) =>
    console.log(`${what.padEnd(47)}${col(pct(values, 50))}${col(pct(values, 99))}`);
  row('all calls (time on the wire)', parts.calls);
  row('the rest: Bolt, our code, the SDK around calls', parts.rest);
  row('the answer', result.samples);
  console.log(
    "(ms; wire: the request built and signed → its response's last byte; server: dynalite's or the SQS fake's own time)",
  );
  const line = (what: string, c: BareCall, server: string) =>
    console.log(
      `  ${what}: send p50 ${fmtMs(pct(c.send, 50))} / p99 ${fmtMs(pct(c.send, 99))} (on the wire p50 ${fmtMs(pct(c.wire, 50))}, ${server} p50 ${fmtMs(pct(c.server, 50))})`,
    );
  console.log(
    `Bare calls beside it (this process, the answer path's client settings, ${BARE_CALLS} each, alternated):`,
  );
  line('conditional PutItem to dynalite (document client)', bare.write, "dynalite's own");
  line('SendMessage to the SQS fake (SQSClient)', bare.enqueue, "the fake's own");

  const per = (match: (name: string) => boolean) =>
    sum([...byName].filter(([name]) => match(name)).map(([, e]) => e.wire.length)) / n;
  const [writes, reads, sends] = [per((m) => WRITE.test(m)), per((m) => READ.test(m)), per((m) => m.startsWith('SQS'))];
  const [write, send] = [pct(bare.write.send, 50), pct(bare.enqueue.send, 50)];
  const bareTotal = (writes + reads) * write + sends * send;
  const answer = pct(result.samples, 50);
  console.log(
    `(${writes.toFixed(1)} writes + ${reads.toFixed(1)} reads) × bare write p50 ${fmtMs(write)} + ${sends.toFixed(1)} enqueue × bare send p50 ${fmtMs(send)} = ${fmtMs(bareTotal)} of the answer's p50 ${fmtMs(answer)} (${((100 * bareTotal) / answer).toFixed(0)}%)`,
  );
  // The SDK's own work around a call (building, signing, parsing) is not on the wire: the bare calls show how much.
  const sdk = (writes + reads) * (write - pct(bare.write.wire, 50)) + sends * (send - pct(bare.enqueue.wire, 50));
  const loopback = pct(parts.calls, 50) - pct(parts.dynalite, 50) - pct(parts.fake, 50);
  const shares: [string, number][] = [
    ["dynalite's own time", pct(parts.dynalite, 50)],
    ["the SQS fake's own time", pct(parts.fake, 50)],
    ['HTTP on loopback, both ends', loopback],
    ['the SDK around each call (bare send − wire)', sdk],
    ['Bolt and our code (the rest)', pct(parts.rest, 50) - sdk],
  ];
  const top = [...shares].sort((a, b) => b[1] - a[1])[0] as [string, number];
  console.log(
    `The answer's p50 by part (medians, ≈): ${shares.map(([what, ms]) => `${what} ${ms.toFixed(1)}`).join(' + ')} ms; the largest: ${top[0]}.`,
  );
  const slowest = [...answers].sort((a, b) => b.ms - a.ms).slice(0, 3);
  console.log(
    `Slowest answers (target p99 ≤ ${TARGET_START_PREP_P99_MS} ms): ${slowest.map((a) => `${fmtMs(a.ms)} (calls ${a.inCalls.toFixed(1)}, of which dynalite ${a.dynalite.toFixed(1)}; the rest ${(a.ms - a.inCalls).toFixed(1)})`).join(', ')}`,
  );
}
