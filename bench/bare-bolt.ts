/**
 * The bare Bolt app bench/webhook-cold.ts compares the webhook with: Bolt on Lambda as its documentation writes it,
 * and nothing else — the App and the Lambda receiver from the package index (`@slack/bolt`, as a typical app imports
 * them, Express receiver and all), the token and signing secret from the environment, one button listener that only
 * acknowledges. `authorize` hands Bolt the token, so no request makes an `auth.test` call (with a `token` and
 * `tokenVerificationEnabled: false` Bolt would make one on the first request). Bundled by the bench with the
 * webhook's esbuild options, no aliases; never deployed.
 */
import { App, AwsLambdaReceiver } from '@slack/bolt';

const botToken = process.env['SLACK_BOT_TOKEN'] ?? '';
const receiver = new AwsLambdaReceiver({ signingSecret: process.env['SLACK_SIGNING_SECRET'] ?? '' });
const app = new App({ receiver, authorize: async () => ({ botToken }) });

app.action('start_prep', async ({ ack }) => {
  await ack();
});

/** Lambda entry point. */
export const handler = receiver.toHandler();
