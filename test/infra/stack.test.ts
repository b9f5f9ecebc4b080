/**
 * The infrastructure specs, run in one test file: Jest gives every file its own module registry, so each file would
 * load aws-cdk-lib again and synthesize the same stages again (seconds each). Here the specs share one load and
 * `buildStack`'s stacks. Each spec keeps its own describe block, so its hooks stay its own. Two files run apart:
 * functions.test.ts (esbuild bundling, the slowest, alongside the rest) and snapshot.test.ts (its snapshot file is
 * named after it).
 */
import * as fs from 'node:fs';

const SPECS = fs
  .readdirSync(__dirname)
  .filter((name) => name.endsWith('.spec.ts'))
  .sort();

test('finds the infrastructure specs', () => {
  expect(SPECS.length).toBeGreaterThanOrEqual(16);
});

for (const spec of SPECS) {
  describe(spec.replace(/\.spec\.ts$/, ''), () => {
    require(`./${spec}`);
  });
}
