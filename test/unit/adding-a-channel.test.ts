/**
 * Keeps docs/ADDING-A-CHANNEL.md true: counts, against the code, the source files outside a channel's folder and
 * the registry that name the channel (its quoted identifier, its state name or its function id), comments aside.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHANNELS, type Channel, channelSpec } from '../../lambda/shared/channel-registry';

const ROOT = path.join(__dirname, '..', '..');
const SOURCE_ROOTS = ['lambda', 'lib', 'local', 'bin', 'scripts', 'state-machines'];
const DOC = fs.readFileSync(path.join(ROOT, 'docs', 'ADDING-A-CHANNEL.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.(ts|json)$/.test(entry.name) ? [rel] : [];
  });
}

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** The files outside lambda/channels/<channel>/ and the registry that name the channel. */
function filesNaming(channel: Channel): string[] {
  const spec = channelSpec(channel);
  const names = [`'${channel}'`, `"${channel}"`, `\`${channel}\``, spec.state, `${spec.functionId}FunctionArn`];
  return SOURCE_ROOTS.flatMap(sourceFiles)
    .filter((file) => !file.startsWith(`lambda/channels/${channel}/`) && file !== 'lambda/shared/channel-registry.ts')
    .filter((file) => {
      const text = withoutComments(fs.readFileSync(path.join(ROOT, file), 'utf8'));
      return names.some((name) => text.includes(name));
    })
    .sort();
}

/** The counts the doc states, per channel: "| `sms` | 11 |". */
function documentedCount(channel: Channel): number | undefined {
  const match = new RegExp(`^\\|\\s*\`${channel}\`\\s*\\|\\s*(\\d+)\\s*\\|`, 'm').exec(DOC);
  return match ? Number(match[1]) : undefined;
}

describe('adding a channel (docs/ADDING-A-CHANNEL.md)', () => {
  it.each(CHANNELS)('%s: the doc states how many files outside its folder name it', (channel) => {
    // Arrange / Act
    const files = filesNaming(channel);

    // Assert
    expect({ channel, count: files.length, files }).toEqual({ channel, count: documentedCount(channel), files });
  });

  it('names, in the doc, every file outside the channel folders that names a channel', () => {
    // Arrange / Act
    const files = [...new Set(CHANNELS.flatMap(filesNaming))].filter((file) => !file.startsWith('lambda/channels/'));

    // Assert
    expect(files.filter((file) => !DOC.includes(file))).toEqual([]);
  });

  it('lists at most 8 source files for a new channel, its local fake included', () => {
    // Arrange
    const section = DOC.split('## The files a new channel touches')[1]?.split('\n## ')[0] ?? '';

    // Act
    const listed = section.split('\n').filter((line) => /^\d+\. `/.test(line));

    // Assert
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThanOrEqual(8);
  });
});
