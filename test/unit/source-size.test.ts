/**
 * Keeps the project's rule "no source file over 300 lines": a file that grows past it holds more than one idea and
 * is split into modules, one idea each. Lines are counted as `wc -l` and an editor count them (a final newline ends
 * the last line, it does not start another).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SOURCE_ROOTS = ['lambda', 'lib', 'local', 'bin', 'bench', 'scripts'];
const MAX_LINES = 300;

/** Every `.ts` file under `dir` (relative to the project root), installed packages aside. */
function typeScriptFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

describe('source file size', () => {
  const files = SOURCE_ROOTS.flatMap(typeScriptFiles).sort();

  it('finds the sources it checks, and none of local/node_modules', () => {
    // Assert
    expect(files).toEqual(expect.arrayContaining(['lib/config.ts', 'local/runtime.ts', 'bench/webhook.ts']));
    expect(files.filter((file) => file.includes('node_modules'))).toEqual([]);
  });

  it(`keeps every source file at ${MAX_LINES} lines or fewer`, () => {
    // Arrange / Act
    const tooLong = files
      .map((file) => ({ file, lines: lineCount(fs.readFileSync(path.join(ROOT, file), 'utf8')) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);

    // Assert
    expect(tooLong).toEqual([]);
  });
});
