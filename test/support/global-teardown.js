/** Removes the run's synthesized templates (see global-setup.js). */
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const dir = process.env.MEETING_PREP_SYNTH_CACHE;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
