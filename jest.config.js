/**
 * Four test projects, each in its own folder: unit (pure logic), infra (CDK assertions),
 * workflow (the synthesized state machine run locally against real handlers and loopback emulators),
 * local (the local runtime of npm start and its stand-ins).
 * swc transpiles only; `npm test` runs `tsc --noEmit` first for the type check.
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
  ],
};

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  roots: [`<rootDir>/test/${name}`],
  testMatch: ['**/*.test.ts'],
  transform,
  setupFiles: ['<rootDir>/test/support/setup-env.js'],
  ...extra,
});

module.exports = {
  // One worker per core (jest's default is cores - 1, a single worker on a 2-core machine): the workflow and local
  // tests wait on loopback servers as much as they compute, so every core is kept busy. Transforms are cached by
  // jest (@swc/jest gives a cache key), so only changed files are compiled again.
  maxWorkers: '100%',
  testSequencer: '<rootDir>/test/support/sequencer.js',
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  projects: [
    project('unit'),
    project('infra', { snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.js'] }),
    project('workflow'),
    project('local'),
  ],
};
