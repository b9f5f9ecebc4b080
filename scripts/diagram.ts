/**
 * Regenerates the state machine diagram in README.md from state-machines/prep-notification.asl.json
 * (`npm run diagram`). `npm run diagram -- --check` exits 1 when the README's copy is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aslToMermaid, withDiagram } from '../local/asl-diagram';
import { readPrepDefinition } from '../lib/prep-definition';

const readmePath = path.join(__dirname, '..', 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const updated = withDiagram(readme, aslToMermaid(readPrepDefinition()));
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md state machine diagram is out of date: run `npm run diagram`.');
    process.exit(1);
  }
  console.log('README.md diagram is up to date.');
} else {
  fs.writeFileSync(readmePath, updated);
  console.log(updated === readme ? 'README.md diagram already up to date.' : 'README.md diagram updated.');
}
