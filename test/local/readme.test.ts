/**
 * The documentation says what the code does: docs/LOCAL.md's sample trace has the shape the runtime prints (times,
 * ids and dates aside) and it documents every option and command of `npm start`; docs/TESTING.md's webhook bundle
 * size is what bundling gives today (within 10 %).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WEBHOOK_BUNDLE_ALIASES } from '../../lib/constructs/webhook-bundle-aliases';
import { bundleFunction } from '../../bench/bundles';
import { OPTIONS } from '../../local/cli/options';
import { startRuntime } from '../../local/runtime';

const ROOT = path.join(__dirname, '..', '..');
const LOCAL_DOC = fs.readFileSync(path.join(ROOT, 'docs', 'LOCAL.md'), 'utf8');
const TESTING_DOC = fs.readFileSync(path.join(ROOT, 'docs', 'TESTING.md'), 'utf8');

/** What varies between runs: times (half of the day included), durations, ids, dates and weekdays. */
function shape(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/g, '<name>')
    .replace(/\b(AM|PM)\b/g, '<half-day>')
    .replace(/\d+/g, '0')
    .replace(/ +/g, ' ')
    .trim();
}

describe('docs/LOCAL.md and docs/TESTING.md', () => {
  it('shows a trace of the demo execution as npm start prints it', async () => {
    const sample = /<!-- readme-sample:trace[^>]*-->\n```\n([\s\S]*?)\n```/.exec(LOCAL_DOC)?.[1];
    const lines: string[] = [];
    const runtime = await startRuntime({ port: 0, log: (line) => lines.push(line) });
    await runtime.close();

    const printed = lines.join('\n').split(/\n(?=━━ Execution )/)[1];

    expect(sample).toBeDefined();
    expect(shape(printed ?? '')).toBe(shape(sample ?? ''));
  }, 60_000);

  it('gives the webhook bundle size that bundling it as the stack does gives today (within 10 %)', async () => {
    const figure = /<!-- readme-figure:webhook-bundle -->~(\d+) KB<!-- \/readme-figure -->/.exec(TESTING_DOC)?.[1];
    const bundle = await bundleFunction('lambda/slack-bot/handler.ts', { aliases: WEBHOOK_BUNDLE_ALIASES });
    const kb = fs.statSync(bundle.file).size / 1000;
    fs.rmSync(bundle.dir, { recursive: true, force: true });

    expect(figure).toBeDefined();
    expect(Math.abs(kb - Number(figure)) / kb).toBeLessThan(0.1);
  }, 60_000);

  it('documents every option and command of npm start', () => {
    for (const name of Object.keys(OPTIONS).filter((n) => n !== 'help')) expect(LOCAL_DOC).toContain(`--${name}`);
    for (const command of [
      'meetings',
      'click start_prep',
      'click remind_later',
      'dm',
      'notify',
      'publish',
      'seed',
      'home',
      'prefs',
      'sms',
    ]) {
      expect(LOCAL_DOC).toContain(`npm start -- ${command} `);
    }
  });
});
