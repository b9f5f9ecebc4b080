/**
 * Runs before every test file. npm scripts run on Node 24 (the `node` devDependency), which has
 * Promise.withResolvers; aws-local-stepfunctions needs it, and on Node 20 (a plain `npx jest`) every Task
 * would fail with a TypeError that a `Catch: States.ALL` would silently route onwards.
 */
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
// Tests never reach AWS: fake credentials and region so no SDK client looks for real ones.
process.env.AWS_REGION = process.env.AWS_REGION || 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
delete process.env.AWS_PROFILE;
// Metrics print embedded-metric-format lines to stdout; the metrics test turns them on for itself.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
