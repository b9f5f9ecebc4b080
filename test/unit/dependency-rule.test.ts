/**
 * Dependencies point one way. Inside lambda/: the handlers (workflow, slack-bot) may use the action core (actions),
 * the channels and shared; actions may use channels and shared; a channel's folder may use the channel-neutral
 * modules of lambda/channels and shared, never another channel's folder; shared uses nothing else of ours. lambda/
 * never imports lib/, local/, bench/ or test/, and lib/ never imports local/. Import circles are Biome's
 * `noImportCycles`; this test keeps the direction.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** A module's place in the layering: the folder under lambda/ (a channel's folder counts as `channel:<name>`). */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'lambda') return parts[0];
  if (parts[1] === 'channels') return parts.length > 3 ? `channel:${parts[2]}` : 'channels';
  return parts[1];
}

const LAMBDA_LAYERS: Readonly<Record<string, readonly string[]>> = {
  shared: [],
  channels: ['shared'],
  actions: ['channels', 'shared'],
  workflow: ['channels', 'shared'],
  'slack-bot': ['actions', 'channels', 'shared'],
};

/** Whether `from` may import `to` (both repository-relative paths without extension). */
function mayImport(from: string, to: string): boolean {
  const source = layerOf(from);
  const target = layerOf(to);
  if (source === target) return true;
  if (source.startsWith('channel:')) return target === 'channels' || target === 'shared';
  if (from.startsWith('lambda/')) {
    const allowed = LAMBDA_LAYERS[source];
    if (!allowed) throw new Error(`${from}: lambda/${source} has no place in the layering; add it to LAMBDA_LAYERS`);
    const targetLayer = target.startsWith('channel:') ? 'channels' : target;
    return to.startsWith('lambda/') && allowed.includes(targetLayer);
  }
  if (source === 'lib') return target !== 'local' && target !== 'test' && target !== 'bench';
  return true;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The relative modules a source file imports, as repository-relative paths without extension. */
function importsOf(file: string, text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const dir = path.posix.dirname(file);
  return [...code.matchAll(SPECIFIER)].map((m) =>
    path.posix.normalize(path.posix.join(dir, m[1])).replace(/\.ts$/, ''),
  );
}

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('the dependency rule', () => {
  test('holds for every import in lambda/ and lib/', () => {
    const files = ['lambda', 'lib'].flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(50);
    const wrong = files.flatMap((file) =>
      importsOf(file.replace(/\.ts$/, ''), fs.readFileSync(path.join(ROOT, file), 'utf8'))
        .filter((target) => !mayImport(file, target))
        .map((target) => `${file} → ${target}`),
    );
    expect(wrong).toEqual([]);
  });

  test.each([
    ['lambda/shared/domain', 'lambda/channels/notify', false],
    ['lambda/shared/domain', 'lambda/shared/zoned-time', true],
    ['lambda/channels/sms/sender', 'lambda/channels/slack/mrkdwn', false],
    ['lambda/channels/sms/sender', 'lambda/channels/notify', true],
    ['lambda/channels/notify', 'lambda/channels/sms/sender', false],
    ['lambda/actions/core', 'lambda/slack-bot/deps', false],
    ['lambda/slack-bot/worker', 'lambda/actions/core', true],
    ['lambda/workflow/load-meeting', 'lambda/actions/core', false],
    ['lambda/workflow/load-meeting', 'lib/config', false],
    ['lib/config', 'local/runtime', false],
    ['lib/config', 'lambda/shared/domain', true],
    ['local/runtime', 'lib/config', true],
  ])('%s → %s allowed: %s', (from, to, allowed) => {
    expect(mayImport(from, to)).toBe(allowed);
  });

  test('reads every form of relative import, and no comment', () => {
    const text = [
      "import { a } from '../shared/a';",
      "export { b } from './b';",
      "import type { C } from '../channels/c';",
      "const d = require('../d');",
      "const e = await import('./e');",
      "import './f';",
      "// import { g } from '../g';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsOf('lambda/workflow/x', text)).toEqual([
      'lambda/shared/a',
      'lambda/workflow/b',
      'lambda/channels/c',
      'lambda/d',
      'lambda/workflow/e',
      'lambda/workflow/f',
    ]);
  });
});
