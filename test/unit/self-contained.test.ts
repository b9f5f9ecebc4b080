/**
 * The project explains itself: no code, test, config or document cites a file outside the repository (the original
 * design notes, a style guide, a toolchain memo) or a ticket number. What such a reference said belongs in
 * docs/ARCHITECTURE.md or in the comment itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'cdk.out', '.cdk-home', 'coverage', '__snapshots__']);
const TEXT_FILE = /\.(ts|js|json|ya?ml|md|txt|sh)$|^run$/;
const SKIPPED_FILES = new Set(['package-lock.json', path.basename(__filename)]);

/** An outside document named by file, the shared folder beside the checkout, or a ticket number. */
const OUTSIDE_REFERENCE = /\b(DESIGN|STYLE|TOOLCHAIN)\.md\b|\.\.\/shared\/(fixtures|hooks)\b|\bissues? #?\d+\b/i;

function textFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : textFiles(rel);
    return TEXT_FILE.test(entry.name) && !SKIPPED_FILES.has(entry.name) ? [rel] : [];
  });
}

/** Each line that cites something outside the repository, as `file:line: text`. */
function outsideReferences(file: string): string[] {
  return fs
    .readFileSync(path.join(ROOT, file), 'utf8')
    .split('\n')
    .flatMap((line, i) => (OUTSIDE_REFERENCE.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('the repository is self-contained', () => {
  test('no file cites a document outside the repository or an issue number', () => {
    const files = textFiles('');
    expect(files).toEqual(expect.arrayContaining(['README.md', 'lambda/shared/domain.ts', '.ci/run']));
    expect(files.flatMap(outsideReferences)).toEqual([]);
  });

  test.each([
    ['Contracts as in DESIGN.md.', true],
    ['see ../shared/fixtures/slack', true],
    ['the digest (issue 14)', true],
    ['Issues #3 and 4', true],
    ["import { a } from '../shared/domain';", false],
    ['the design in docs/ARCHITECTURE.md', false],
  ])('%j is an outside reference: %s', (line, cites) => {
    expect(OUTSIDE_REFERENCE.test(line)).toBe(cites);
  });
});
