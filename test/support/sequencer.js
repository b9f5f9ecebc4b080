/**
 * Runs the slowest test files first, so the two workers of a 2-core machine finish together. Jest orders files by
 * their last recorded duration, but a fresh clone (CI) has none, and jest then starts with the largest files: the
 * slow ones here are small (they wait on esbuild, a child `npm start`, Chromium), and starting them last would add
 * their whole time to the end of the run. Files not listed keep jest's own order.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** Slowest first, as measured on a 2-core machine (docs/TESTING.md). */
const SLOW_FIRST = [
  'test/infra/functions.test.ts',
  'test/local/npm-start.test.ts',
  'test/infra/stack.test.ts',
  'test/workflow/email-links.test.ts',
  'test/workflow/delivery-receipts.test.ts',
  'test/local/client.test.ts',
  'test/workflow/provider-outage.test.ts',
];

class SlowestFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    const rank = (test) => {
      const index = SLOW_FIRST.findIndex((file) => test.path.endsWith(file));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest stay in jest's order.
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowestFirst;
module.exports.SLOW_FIRST = SLOW_FIRST;
