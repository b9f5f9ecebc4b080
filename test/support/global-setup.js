/**
 * One folder per test run for the templates the run synthesizes (local/synth.ts): the first test file that needs a
 * stage's template synthesizes it, the others read it. Fresh each run, so a change to the stack is always seen.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-prep-test-synth-'));
  process.env.MEETING_PREP_SYNTH_CACHE = dir;
};
