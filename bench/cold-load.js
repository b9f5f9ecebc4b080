/**
 * One cold load, in a fresh Node process started by bench/webhook.ts: `node bench/cold-load.js <bundle>/index.js`.
 * Requires the bundle the way the Lambda runtime does at init and prints one JSON line: the time `require` took
 * (performance.now around it), the CPU time of the process meanwhile (all threads), the time since the process
 * started, whether `handler` is exported, and any TCP connection attempted during the load or in the 50 ms after
 * it (the module must make no network call at load).
 */
const net = require('node:net');
const { performance } = require('node:perf_hooks');

const connections = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const target = args[0];
  connections.push(
    typeof target === 'object' && target !== null
      ? `${target.host ?? target.path ?? '?'}:${target.port ?? ''}`
      : String(target),
  );
  return connect.apply(this, args);
};

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/cold-load.js <path to index.js>\n');
  process.exit(2);
}

const startedAt = performance.now();
const cpuBefore = process.cpuUsage();
const loaded = require(file);
const requireMs = performance.now() - startedAt;
const cpu = process.cpuUsage(cpuBefore);
const sinceProcessStartMs = performance.now();

setTimeout(() => {
  process.stdout.write(
    `${JSON.stringify({
      requireMs,
      requireCpuMs: (cpu.user + cpu.system) / 1000,
      sinceProcessStartMs,
      handler: typeof loaded.handler,
      connections,
      node: process.version,
      heapUsedBytes: process.memoryUsage().heapUsed,
    })}\n`,
  );
  process.exit(0);
}, 50);
