/**
 * One cold start to a first answer, in a fresh Node process started by bench/webhook-cold.ts:
 * `node bench/webhook-cold-child.js <bundle>/index.js <event.json>`. Reads the (signed) API Gateway event, then
 * requires the bundle the way the Lambda runtime does at init and at once calls `handler(event, {})`, as the first
 * invocation does. Prints one line, `webhook-cold-result {json}`, after anything the function logged: the time
 * `require` took, the time from its start to the handler's promise settling (the first answer), the answer itself,
 * any TCP connection attempted while the module loaded (there must be none), and each HTTP call the answer made
 * (start and response times, host, `x-amz-target`), for the breakdown of where the first answer's time goes.
 */
const diagnostics = require('node:diagnostics_channel');
const fs = require('node:fs');
const net = require('node:net');
const { performance } = require('node:perf_hooks');

const [file, eventFile] = process.argv.slice(2);
if (!file || !eventFile) {
  process.stderr.write('usage: node bench/webhook-cold-child.js <path to index.js> <path to event.json>\n');
  process.exit(2);
}
const event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));

let loading = true;
const connectionsAtLoad = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const target = args[0];
  if (loading) {
    connectionsAtLoad.push(
      typeof target === 'object' && target !== null
        ? `${target.host ?? target.path ?? '?'}:${target.port ?? ''}`
        : String(target),
    );
  }
  return connect.apply(this, args);
};

const calls = [];
const byRequest = new Map();
diagnostics.subscribe('http.client.request.start', ({ request }) => {
  const call = {
    host: String(request.getHeader('host') ?? request.host),
    target: String(request.getHeader('x-amz-target') ?? `${request.method} ${request.path}`),
    startMs: performance.now(),
    responseMs: undefined,
  };
  calls.push(call);
  byRequest.set(request, call);
});
diagnostics.subscribe('http.client.response.finish', ({ request }) => {
  const call = byRequest.get(request);
  if (call) call.responseMs = performance.now();
});

function finish(result) {
  process.stdout.write(`\nwebhook-cold-result ${JSON.stringify(result)}\n`, () => process.exit(0));
}

const startedAt = performance.now();
const loaded = require(file);
const loadedAt = performance.now();
loading = false;
if (typeof loaded.handler !== 'function') {
  finish({ error: `the bundle exports no handler function (got ${typeof loaded.handler})` });
} else {
  Promise.resolve(loaded.handler(event, {})).then(
    (response) => {
      const answeredAt = performance.now();
      finish({
        requireMs: loadedAt - startedAt,
        firstAnswerMs: answeredAt - startedAt,
        sinceProcessStartMs: answeredAt,
        response,
        connectionsAtLoad,
        calls: calls.map((c) => ({
          host: c.host,
          target: c.target,
          startMs: c.startMs - startedAt,
          responseMs: c.responseMs === undefined ? undefined : c.responseMs - startedAt,
        })),
        node: process.version,
      });
    },
    (error) => finish({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
}
