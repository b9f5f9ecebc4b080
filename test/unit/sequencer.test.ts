/** The test sequencer's list of slow files names files that exist: a renamed file would silently lose its place. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const { SLOW_FIRST } = require('../support/sequencer') as { SLOW_FIRST: readonly string[] };

test.each(SLOW_FIRST)('%s exists', (file) => {
  expect(fs.existsSync(path.join(__dirname, '..', '..', file))).toBe(true);
});
