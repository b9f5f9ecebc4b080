/**
 * A seeded fuzz of the webhook (fast-check; 1,000 requests in `npm test`, 10,000 in `npm run fuzz`): every payload type Slack sends, mutated (fields
 * removed, emptied, nulled, replaced by arbitrary JSON; bodies swapped between content types; garbage bodies), sent
 * signed, unsigned, signed with another secret, stale, or tampered after signing, as REST v1 or HTTP API v2 events,
 * to the real handler in-process against dynalite and the loopback fakes. Properties: no forgery is accepted, no
 * signed request gets a 5xx, and a request that is rejected or ignored writes nothing, queues nothing and calls
 * no one.
 */
import fc from 'fast-check';
import type { LocalEnvironment } from '../../local/local-environment';
import { startFaultProxy, type FaultProxy } from '../../local/fault-proxy';
import { classifyPayload } from '../../lambda/slack-bot/classify-payload';
import { parseSlackBody } from '../../lambda/slack-bot/http-event';
import appHomeOpened from '../fixtures/slack/event-app-home-opened.json';
import appRateLimited from '../fixtures/slack/event-callback-app-rate-limited.json';
import viewSubmission from '../fixtures/slack/view-submission-preferences.json';
import { aMeeting, seed, startEnvironment } from './helpers';
import {
  FORM,
  JSON_TYPE,
  WebhookHandler,
  botEcho,
  httpEvent,
  messageChanged,
  messageIm,
  remindLaterPayload,
  restEvent,
  slashCommand,
  startPrepPayload,
  urlVerification,
} from './bot-helpers';

/** `npm test` runs 1,000 requests of the same seed, to stay quick; `npm run fuzz` (FUZZ_RUNS=10000) the full run. */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1_000);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${RUNS}`);
const SEED = 20_261_127;
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

let env: LocalEnvironment;
let handler: WebhookHandler;
let counter: FaultProxy<{ times?: number }>;
const dynamoOps: string[] = [];

beforeAll(async () => {
  env = await startEnvironment();
  // Counts the functions' DynamoDB operations on their way to the fault proxy (never fails one).
  counter = await startFaultProxy<{ times?: number }>({
    targetPort: Number(new URL(env.dynamoFaults.url).port),
    targetOf: (req) => {
      dynamoOps.push(String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'Unknown');
      return undefined;
    },
    answer: () => undefined,
  });
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = counter.url;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late, after the environment is set
  ({ handler } = require('../../lambda/slack-bot/handler') as { handler: WebhookHandler });
  await seed(env, aMeeting());
}, 60_000);

afterAll(async () => {
  await counter?.close();
  await env?.close();
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Kind = 'form' | 'payload' | 'json' | 'raw';
const BASES: readonly { name: string; kind: Kind; value: Json }[] = [
  { name: 'slash_command', kind: 'form', value: slashCommand as Json },
  { name: 'start_prep', kind: 'payload', value: startPrepPayload as unknown as Json },
  { name: 'remind_later', kind: 'payload', value: remindLaterPayload as unknown as Json },
  { name: 'view_submission', kind: 'payload', value: viewSubmission as unknown as Json },
  { name: 'message_im', kind: 'json', value: messageIm as unknown as Json },
  { name: 'bot_echo', kind: 'json', value: botEcho as unknown as Json },
  { name: 'message_changed', kind: 'json', value: messageChanged as unknown as Json },
  { name: 'app_home_opened', kind: 'json', value: appHomeOpened as unknown as Json },
  { name: 'app_rate_limited', kind: 'json', value: appRateLimited as unknown as Json },
  { name: 'url_verification', kind: 'json', value: urlVerification as unknown as Json },
  { name: 'garbage', kind: 'raw', value: '' },
];

type Op = 'delete' | 'null' | 'empty' | 'replace';
type Signing = 'signed' | 'unsigned' | 'other_secret' | 'stale' | 'tampered' | 'bad_header';

function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...children.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function mutate(value: Json, path: (string | number)[], op: Op, replacement: Json): Json {
  if (path.length === 0) return op === 'replace' ? replacement : op === 'null' ? null : op === 'empty' ? '' : {};
  const copy: Json = Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) };
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const target = copy as Record<string | number, Json>;
  if (rest.length === 0 && op === 'delete') {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete target[head];
    return copy;
  }
  target[head] = mutate(target[head] ?? null, rest, op, replacement);
  return copy;
}

const requestArb = fc.record({
  base: fc.nat({ max: BASES.length - 1 }),
  mutations: fc.array(
    fc.tuple(
      fc.nat(),
      fc.constantFrom<Op>('delete', 'null', 'empty', 'replace'),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    ),
    { maxLength: 3 },
  ),
  // Half the requests unmutated-but-for-signing, so the served paths are exercised too.
  mutate: fc.boolean(),
  signing: fc.constantFrom<Signing>(
    'signed',
    'signed',
    'signed',
    'unsigned',
    'other_secret',
    'stale',
    'tampered',
    'bad_header',
  ),
  http: fc.boolean(),
  swapContentType: fc.integer({ min: 0, max: 9 }),
  garbage: fc.string({ maxLength: 60 }),
});

type RequestSpec = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function build(r: RequestSpec): {
  event: Parameters<WebhookHandler>[0];
  signed: boolean;
  body: string;
  contentType: string;
} {
  const base = BASES[r.base] as (typeof BASES)[number];
  let value = base.value;
  if (r.mutate) {
    for (const [pick, op, replacement] of r.mutations) {
      const all = paths(value);
      value = mutate(value, all[pick % all.length] ?? [], op, replacement);
    }
  }
  let body: string;
  let contentType: string;
  switch (base.kind) {
    case 'form': {
      const fields = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
      body = new URLSearchParams(
        Object.entries(fields).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ).toString();
      contentType = FORM;
      break;
    }
    case 'payload':
      body = `payload=${encodeURIComponent(JSON.stringify(value))}`;
      contentType = FORM;
      break;
    case 'json':
      body = JSON.stringify(value);
      contentType = JSON_TYPE;
      break;
    case 'raw':
      body = r.garbage;
      contentType = r.swapContentType % 2 === 0 ? FORM : JSON_TYPE;
      break;
  }
  if (r.swapContentType === 0) contentType = contentType === FORM ? JSON_TYPE : FORM;
  if (r.swapContentType === 1) contentType = 'text/plain';
  const now = Math.floor(Date.now() / 1000);
  const options =
    r.signing === 'unsigned'
      ? { unsigned: true }
      : r.signing === 'other_secret'
        ? { secret: 'not-the-signing-secret-of-this-app' }
        : r.signing === 'stale'
          ? { timestamp: now - 6 * 60 }
          : r.signing === 'bad_header'
            ? { signature: `v0=${'0'.repeat(63)}g` }
            : {};
  const event = r.http ? httpEvent(body, contentType, options) : restEvent(body, contentType, options);
  // Tampered: one byte added to the body after it was signed.
  const tampered = r.signing === 'tampered' ? { ...event, body: `${body} `, isBase64Encoded: false } : event;
  return { event: tampered, signed: r.signing === 'signed', body, contentType };
}

/** Whether the bot ignores this signed body (answers 200 with nothing done), by the same classification Slack sees. */
function ignored(body: string, contentType: string): boolean {
  const parsed = parseSlackBody(body, contentType);
  if (!parsed.ok) return true;
  if (parsed.body['ssl_check'] !== undefined || parsed.body['type'] === 'url_verification') return true;
  return classifyPayload(parsed.body).kind === 'ignore';
}

it(`${RUNS.toLocaleString('en')} mutated requests: no forgery accepted, no 5xx for a signed one, no effect from a rejected or ignored one`, async () => {
  const tally = {
    runs: 0,
    signed: 0,
    forgeriesAccepted: 0,
    signed5xx: 0,
    sideEffectsOfRejected: 0,
    byStatus: {} as Record<number, number>,
  };
  await fc.assert(
    fc.asyncProperty(requestArb, async (r) => {
      const { event, signed, body, contentType } = build(r);
      const before = {
        dynamo: dynamoOps.length,
        sqs: env.sqs.requests.length,
        slack: env.slack.requests.length,
        scheduler: env.scheduler.requests.length,
      };

      const response = await handler(event, {});

      tally.runs += 1;
      tally.byStatus[response.statusCode] = (tally.byStatus[response.statusCode] ?? 0) + 1;
      const writes = dynamoOps.slice(before.dynamo).filter((op) => WRITES.has(op)).length;
      const effects =
        writes +
        (env.sqs.requests.length - before.sqs) +
        (env.slack.requests.length - before.slack) +
        (env.scheduler.requests.length - before.scheduler);
      if (!signed) {
        if (response.statusCode !== 401) tally.forgeriesAccepted += 1;
        if (effects > 0) tally.sideEffectsOfRejected += 1;
        return response.statusCode === 401 && effects === 0;
      }
      tally.signed += 1;
      if (response.statusCode >= 500) tally.signed5xx += 1;
      const quiet = response.statusCode === 400 || ignored(body, contentType);
      if (quiet && effects > 0) tally.sideEffectsOfRejected += 1;
      return response.statusCode < 500 && (!quiet || effects === 0);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  // The served path must have been reached, or the properties above say little.
  expect(tally.byStatus[200]).toBeGreaterThan(RUNS / 4);
  expect(tally).toMatchObject({ runs: RUNS, forgeriesAccepted: 0, signed5xx: 0, sideEffectsOfRejected: 0 });
  process.stdout.write(`webhook fuzz: ${JSON.stringify(tally)}\n`);
}, 600_000);
