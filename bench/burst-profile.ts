/**
 * The burst's CPU profile (bench/burst.ts): V8's sampling profiler through `node:inspector`, started and stopped in
 * this process around one burst only (a whole-process `--cpu-prof` would be mostly the synthesis: aws-cdk-lib and its
 * template validation), summarised by self time: per package or module, and per component of the local system, with
 * Node's own code (HTTP, sockets, streams) charged to the package that called it when one is on the stack.
 */
import * as fs from 'node:fs';
import type { Profiler, Runtime } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { PROJECT_ROOT } from '../lib/constructs/house-function';

/** Sampling interval, microseconds. */
const INTERVAL_US = 500;

/** Runs `work` under the CPU profiler; writes the profile to `saveTo` when given (open it in Chrome DevTools). */
export async function profiled<T>(
  work: () => Promise<T>,
  saveTo?: string,
): Promise<{ result: T; profile: Profiler.Profile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: INTERVAL_US });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    if (saveTo) fs.writeFileSync(saveTo, JSON.stringify(profile));
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

/** Who a frame's code belongs to: a package, a project module (`lambda/channels`, `local/fake-slack.ts`), or none. */
function ownerOf(frame: Runtime.CallFrame): string | undefined {
  const url = frame.url;
  // fetch is Node's bundled undici: a library of its own, whoever calls it.
  if (url.includes('deps/undici')) return 'undici';
  if (!url || url.startsWith('node:')) return undefined;
  const packages = url.match(/node_modules\/(@[^/]+\/)?[^/]+/g);
  if (packages) return (packages[packages.length - 1] as string).slice('node_modules/'.length);
  const file = url.replace(/^file:\/\//, '');
  if (!file.startsWith(PROJECT_ROOT)) return file.startsWith('wasm') ? 'wasm' : file;
  const parts = file.slice(PROJECT_ROOT.length + 1).split('/');
  return parts[0] === 'lambda' ? parts.slice(0, 2).join('/') : parts.join('/');
}

/** What a sample with no owner on its stack is: V8's own work, or Node's (by its module). */
function unowned(leaf: Runtime.CallFrame): string {
  if (/^\((garbage collector|idle|program)\)$/.test(leaf.functionName)) return leaf.functionName;
  if (!leaf.url) return `(native) ${leaf.functionName || '(anonymous)'}`;
  return `node:${leaf.url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
}

/** The components of the local system, by owner. */
const COMPONENTS: [string, RegExp][] = [
  ['AWS SDK clients (@aws-sdk, @smithy)', /^(@aws-sdk|@smithy|@aws-crypto|@aws)\/|^(tslib|fast-xml-parser|bowser)$/],
  [
    'dynalite and its LevelDB (memory-level)',
    /^(dynalite|.*level.*|lazy|big\.js|lock|once|async|buffer-crc32|module-error|maybe-combine-errors)$/,
  ],
  ['Slack Web API client (@slack/web-api, fetch: undici)', /^(@slack\/.*|p-queue|p-retry|retry|eventemitter3|undici)$/],
  [
    'the runner (aws-local-stepfunctions, jsonpath-plus)',
    /^(aws-local-stepfunctions|jsonpath-plus|p-limit|wildcard-match|local\/workflow-runner\.ts|local\/task-tokens\.ts)$/,
  ],
  ['our handlers (lambda/**, Powertools, zod)', /^(lambda\/.*|@aws-lambda-powertools\/.*|zod)$/],
  ['the stand-ins (local/*.ts: Slack, SQS… fakes)', /^local\//],
  ['Node: HTTP, sockets, streams, timers (no package on the stack)', /^(node:|\(native\) )/],
  ['V8: garbage collector, (program)', /^\((garbage collector|program)\)$/],
  ['idle (waiting for I/O)', /^\(idle\)$/],
];

/** Self time (ms) by key, largest first. */
type Tally = [string, number][];

/** A profile summarised. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  /** Per component (Node's code charged to its caller's package). */
  readonly components: Tally;
  /** Per package or module, Node's modules apart (`node:net`…): self time as the profile has it. */
  readonly packages: Tally;
  /** Per function (name, owner or Node module). */
  readonly functions: Tally;
}

function tally(map: Map<string, number>): Tally {
  return [...map].sort((a, b) => b[1] - a[1]);
}

/** Sums self time per package, per component and per function. */
export function summarise(profile: Profiler.Profile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  const [components, packages, functions] = [new Map<string, number>(), new Map<string, number>(), new Map()];
  let totalMs = 0;
  for (let i = 0; i < samples.length; i++) {
    // A sample stands for the time until the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    totalMs += ms;
    const leaf = byId.get(samples[i] as number);
    if (!leaf) continue;
    let owner: string | undefined;
    for (let id: number | undefined = leaf.id; id !== undefined && !owner; id = parent.get(id))
      owner = ownerOf((byId.get(id) as Profiler.ProfileNode).callFrame);
    const self = ownerOf(leaf.callFrame) ?? unowned(leaf.callFrame);
    const charged = owner ?? unowned(leaf.callFrame);
    add(packages, self, ms);
    add(components, COMPONENTS.find(([, match]) => match.test(charged))?.[0] ?? `other: ${charged}`, ms);
    add(functions, `${leaf.callFrame.functionName || '(anonymous)'} (${self})`, ms);
  }
  return {
    totalMs,
    idleMs: packages.get('(idle)') ?? 0,
    components: tally(components),
    packages: tally(packages),
    functions: tally(functions),
  };
}
