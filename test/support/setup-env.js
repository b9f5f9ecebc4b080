/**
 * Runs before every test file. Tests run on the project's Node 24 (the `node` devDependency, first on the PATH of
 * npm scripts and npx). Started by an older Node (an editor's runner, `node node_modules/.bin/jest`), the workflow
 * tests would not fail but mislead: aws-local-stepfunctions calls Promise.withResolvers (Node 22), every Task would
 * throw a TypeError, and a `Catch: States.ALL` would route it onwards. So that is refused here, in one line.
 */
if (typeof Promise.withResolvers !== 'function') {
  throw new Error(
    `Tests need Node 22 or later (the project's Node 24 from node_modules/.bin), not ${process.version}: run them through npm test or npx jest.`,
  );
}
// Tests never reach AWS: fake credentials and region so no SDK client looks for real ones.
process.env.AWS_REGION = process.env.AWS_REGION || 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
delete process.env.AWS_PROFILE;
// Metrics print embedded-metric-format lines to stdout; the metrics test turns them on for itself.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
