/**
 * The modules the Slack webhook's bundle replaces (esbuild aliases, package name → file relative to the project root),
 * for its cold start: the Lambda loads only what its answers use.
 *
 * Stubs that throw: Socket Mode (and its undici), raw-body (and its iconv-lite) and OAuth (and its jsonwebtoken and
 * semver) serve Bolt's other receivers and installs, never the Lambda one given its token; Node's `http2`, which the
 * SDK's HTTP handler loads at start-up for streaming operations the webhook's clients do not have.
 *
 * The AWS SDK clients as ES modules: each package's own `dist-es` build, the same code as the CommonJS one esbuild
 * picks by default. From ES modules esbuild keeps only the commands and schemas the function uses, where the
 * CommonJS build defines every operation of the service at load (DynamoDB's ~60). The document client comes as one
 * too: its CommonJS build would `require` the DynamoDB client whole.
 */
export const WEBHOOK_BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@slack/socket-mode': 'lambda/slack-bot/socket-mode-stub.ts',
  'raw-body': 'lambda/slack-bot/raw-body-stub.ts',
  '@slack/oauth': 'lambda/slack-bot/oauth-stub.ts',
  http2: 'lambda/slack-bot/http2-stub.ts',
  'node:http2': 'lambda/slack-bot/http2-stub.ts',
  '@aws-sdk/client-dynamodb': 'node_modules/@aws-sdk/client-dynamodb/dist-es/index.js',
  '@aws-sdk/lib-dynamodb': 'node_modules/@aws-sdk/lib-dynamodb/dist-es/index.js',
  '@aws-sdk/client-scheduler': 'node_modules/@aws-sdk/client-scheduler/dist-es/index.js',
  '@aws-sdk/client-secrets-manager': 'node_modules/@aws-sdk/client-secrets-manager/dist-es/index.js',
  '@aws-sdk/client-sqs': 'node_modules/@aws-sdk/client-sqs/dist-es/index.js',
};
