/**
 * `npm run bench` (second part): every function of the stack bundled as deployed, each loaded cold side by side
 * with a bare SDK task (a handler that only reads DynamoDB) bundled in the same run, and the ratio of their median
 * require times. Target: NotifyViaSms ≤ 1.3× the bare task. Runs alternate (bare, function, bare, …) so
 * a busy machine slows both alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENTRY_METADATA_KEY } from '../lib/entry-metadata';
import { WEBHOOK_BUNDLE_ALIASES } from '../lib/constructs/webhook-bundle-aliases';
import { synthesizeTemplate } from '../local/synth';
import { COLD_RUNS, Bundle, ColdLoad, bundleFunction, coldLoads } from './bundles';
import { BenchError, fmtMs, loadAverage, median, runBench, verdict } from './support';

/** The bare SDK task every bundle is compared with. */
const BARE_ENTRY = 'bench/bare-task.ts';
/** The function whose load the target is about, and the target. */
const TARGET_ENTRY = 'lambda/channels/sms/notify.ts';
const TARGET_RATIO = 1.3;

/** Each function's entry and what its construct gives esbuild besides (aliases, copied files). */
function deployedFunctions(): {
  entry: string;
  logicalId: string;
  aliases?: Readonly<Record<string, string>>;
  copyFiles?: readonly string[];
}[] {
  const { template } = synthesizeTemplate();
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && typeof r.Metadata?.[ENTRY_METADATA_KEY] === 'string')
    .map(([logicalId, r]) => {
      const entry = r.Metadata?.[ENTRY_METADATA_KEY] as string;
      // As their constructs bundle them: the webhook with Bolt's stubs, and both bot functions with the prep kits.
      if (entry === 'lambda/slack-bot/webhook.ts' || entry === 'lambda/slack-bot/handler.ts') {
        return { entry, logicalId, aliases: WEBHOOK_BUNDLE_ALIASES, copyFiles: ['config/meeting_types.yaml'] };
      }
      return entry === 'lambda/slack-bot/worker.ts'
        ? { entry, logicalId, copyFiles: ['config/meeting_types.yaml'] }
        : { entry, logicalId };
    })
    .sort((a, b) => a.entry.localeCompare(b.entry));
}

async function main(): Promise<number> {
  console.log(
    `cold load of every function vs a bare SDK task (load average ${loadAverage()}, ${COLD_RUNS} pairs each)`,
  );
  const bare = await bundleFunction(BARE_ENTRY);
  const functions = deployedFunctions();
  const seen = new Set<string>();
  const rows: { entry: string; bytes: number; fnMs: number; bareMs: number; ratio: number }[] = [];
  for (const fn of functions) {
    if (seen.has(fn.entry)) continue;
    seen.add(fn.entry);
    const bundle: Bundle = await bundleFunction(fn.entry, {
      ...(fn.aliases ? { aliases: fn.aliases } : {}),
      ...(fn.copyFiles ? { copyFiles: fn.copyFiles } : {}),
    });
    const fnLoads: ColdLoad[] = [];
    const bareLoads: ColdLoad[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      bareLoads.push(...(await coldLoads(bare.file, '--enable-source-maps', 1)));
      fnLoads.push(...(await coldLoads(bundle.file, '--enable-source-maps', 1)));
    }
    const fnMs = median(fnLoads.map((l) => l.requireMs));
    const bareMs = median(bareLoads.map((l) => l.requireMs));
    rows.push({ entry: fn.entry, bytes: fs.statSync(bundle.file).size, fnMs, bareMs, ratio: fnMs / bareMs });
    fs.rmSync(bundle.dir, { recursive: true, force: true });
  }
  fs.rmSync(bare.dir, { recursive: true, force: true });

  console.log(
    `\n${'function (entry)'.padEnd(40)} ${'index.js'.padStart(12)} ${'require'.padStart(10)} ${'bare task'.padStart(10)} ${'ratio'.padStart(6)}`,
  );
  for (const r of rows) {
    console.log(
      `${path.basename(r.entry, '.ts').padEnd(40)} ${`${(r.bytes / 1024).toFixed(0)} KiB`.padStart(12)} ${fmtMs(r.fnMs).padStart(10)} ${fmtMs(r.bareMs).padStart(10)} ${r.ratio.toFixed(2).padStart(6)}`,
    );
  }
  const target = rows.find((r) => r.entry === TARGET_ENTRY);
  if (!target) throw new BenchError(`${TARGET_ENTRY} is not among the stack's functions`);
  const ok = target.ratio <= TARGET_RATIO;
  console.log(
    `\n${verdict(ok)}  NotifyViaSms cold load ${fmtMs(target.fnMs)} = ${target.ratio.toFixed(2)}× the bare SDK task (target ≤ ${TARGET_RATIO}×)`,
  );
  return ok ? 0 : 1;
}

runBench(main);
