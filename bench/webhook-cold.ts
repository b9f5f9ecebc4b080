/**
 * `npm run bench` (webhook cold part): the webhook from a cold start to its first answer, beside a bare Bolt app
 * bundled in the same run, as a report (a missed target is printed as MISS and the exit code stays 0; only errors
 * exit 1). Targets: the webhook's load ≤ 1.0× the bare app's, its first answer ≤ 1.5× the bare app's.
 *
 * 1. Bundles the webhook exactly as the stack does (lambda/slack-bot/handler.ts with the stack's aliases and
 *    config/meeting_types.yaml) and the bare app (bench/bare-bolt.ts) with the same esbuild options and no alias.
 *    The bare app imports Bolt from the package index, as a Bolt app on Lambda is written (the documentation's
 *    `import { App, AwsLambdaReceiver } from '@slack/bolt'`): the baseline is what a Lambda running Bolt costs
 *    anyone who writes one, not the least Bolt can be trimmed to. The webhook does more than the bare app before it
 *    answers (a secret read, the claims, the enqueue), and loads more (three AWS SDK clients) to do it.
 * 2. Starts the local environment (dynalite, SQS and the other stand-ins on loopback, as bench/webhook.ts does) and
 *    a Secrets Manager stand-in holding the Slack secret, and seeds the user and one fresh meeting per run.
 * 3. Alternates runs, bare then webhook, each in a fresh `node` process (bench/webhook-cold-child.js) with
 *    NODE_OPTIONS=--enable-source-maps as deployed: the child requires index.js, then at once calls `handler` with a
 *    signed API Gateway event of a Start Prep click (block_actions), and times `require` and the start of `require`
 *    → the handler's promise settling. The webhook's child gets the environment the local runtime gives the
 *    function (its AWS endpoints, tables and queue), except the Slack credentials: as on AWS, only the secret's ARN,
 *    read from the stand-in at its standard `AWS_ENDPOINT_URL_SECRETS_MANAGER`; its logs and metrics are written
 *    as deployed. The bare app reads its token and signing secret from the environment and makes no call.
 *    Every answer must be 200 with nothing attempted at load; each webhook answer must have claimed its meeting
 *    (PREP_IN_PROGRESS) and queued its start_prep job, else the bench fails.
 * 4. Prints median/min/max of both figures side by side, the ratios (webhook / bare, of the medians) with their
 *    verdicts, where the webhook's first answer goes after the load (each call's round trip and the work before it),
 *    and the load average (a busy machine slows both alike; the ratios are what to compare between runs).
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Meeting, MeetingStatus } from '../lambda/shared/domain';
import { WEBHOOK_BUNDLE_ALIASES } from '../lib/constructs/webhook-bundle-aliases';
import { LOCAL_CREDENTIALS, type LocalEnvironment, startLocalEnvironment } from '../local/local-environment';
import { FORM, clickBody, restEvent } from '../local/slack-requests';
import { type SecretsManagerStandIn, startSecretsManager } from '../test/workflow/secrets-manager-stand-in';
import { type Bundle, bundleFunction, lambdaEnvironment } from './bundles';
import { check, fmtMs, loadAverage, median, runBench, verdict, withTimeout } from './support';
import { type ColdAnswer, answerSteps, coldAnswer } from './webhook-cold-runs';
import { seedMeetings } from './webhook-interactions';

/** Alternating pairs (bare, webhook). */
const PAIRS = 7;
/** Targets: the webhook's median over the bare app's, for the load and for the first answer. */
const TARGET_LOAD_RATIO = 1.0;
const TARGET_ANSWER_RATIO = 1.5;
const SLACK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:meeting-prep/slack-bench-AbCdEf';
/** The local runtime's settings the deployed function does not have: Slack in the environment, logs and metrics off. */
const NOT_AS_DEPLOYED = new Set([
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_DISABLED',
]);
const NODE_OPTIONS = '--enable-source-maps';

/** The webhook's environment: the stack's (dummy values), pointed at the local stand-ins as the local runtime does. */
function webhookEnvironment(env: LocalEnvironment, secrets: SecretsManagerStandIn): NodeJS.ProcessEnv {
  const local = Object.fromEntries(Object.entries(env.env).filter(([name]) => !NOT_AS_DEPLOYED.has(name)));
  return {
    ...lambdaEnvironment(NODE_OPTIONS),
    ...local,
    SLACK_SECRET_ARN,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
  };
}

function bareEnvironment(): NodeJS.ProcessEnv {
  return {
    ...lambdaEnvironment(NODE_OPTIONS),
    SLACK_BOT_TOKEN: LOCAL_CREDENTIALS.slackBotToken,
    SLACK_SIGNING_SECRET: LOCAL_CREDENTIALS.slackSigningSecret,
  };
}

/** A signed Start Prep click on `meetingId`, as API Gateway (REST) delivers it. */
const startPrepClick = (meetingId: string) => restEvent(clickBody('start_prep', { meetingId }), FORM);

function checkAnswer(what: string, run: ColdAnswer): void {
  check(run.connectionsAtLoad.length === 0, `${what}: connected at load: ${run.connectionsAtLoad.join(', ')}`);
  check(
    run.response.statusCode === 200 && run.response.headers?.['X-Slack-No-Retry'] === undefined,
    `${what}: answered ${run.response.statusCode} ${JSON.stringify(run.response.headers ?? {})} ${run.response.body}`,
  );
}

/** Checks the webhook's answer did what it does: the meeting claimed, its job queued, the secret read. */
async function checkStarted(
  env: LocalEnvironment,
  secrets: SecretsManagerStandIn,
  meetingId: string,
  queuedBefore: number,
): Promise<void> {
  const { Item } = await env.db.send(
    new GetCommand({ TableName: env.tables.meetings, Key: { meeting_id: meetingId } }),
  );
  const meeting = Item as Meeting | undefined;
  check(
    meeting?.status === MeetingStatus.PrepInProgress && meeting.chat_session_id,
    `webhook ${meetingId}: meeting not claimed (${meeting?.status})`,
  );
  const queued = env.sqs.queue(env.workQueue.name).messages.slice(queuedBefore);
  const jobs = queued.map((m) => JSON.parse(m.body) as { kind?: string; meeting_id?: string });
  check(
    jobs.length === 1 && jobs[0]?.kind === 'start_prep' && jobs[0].meeting_id === meetingId,
    `webhook ${meetingId}: queued ${JSON.stringify(jobs)}, not its start_prep job`,
  );
  check(secrets.asked.at(-1) === SLACK_SECRET_ARN, `webhook ${meetingId}: the Slack secret was not read`);
}

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: median(sorted), min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
};

function report(bare: readonly ColdAnswer[], webhook: readonly ColdAnswer[]): void {
  const cols = (s: { median: number; min: number; max: number }) =>
    [s.median, s.min, s.max].map((v) => v.toFixed(1).padStart(8)).join('');
  console.log(
    `\n== Cold start → first answer (${PAIRS} alternating pairs of fresh node processes, NODE_OPTIONS=${NODE_OPTIONS}; ms)`,
  );
  console.log(
    `${''.padEnd(30)}${'bare Bolt'.padStart(24)}${'webhook'.padStart(24)}${'ratio'.padStart(8)}\n` +
      `${''.padEnd(30)}${'median     min     max'.padStart(24)}${'median     min     max'.padStart(24)}`,
  );
  const rows = [
    { name: 'require (load)', pick: (r: ColdAnswer) => r.requireMs, target: TARGET_LOAD_RATIO },
    { name: 'cold start → first answer', pick: (r: ColdAnswer) => r.firstAnswerMs, target: TARGET_ANSWER_RATIO },
  ];
  const verdicts: string[] = [];
  for (const row of rows) {
    const b = stats(bare.map(row.pick));
    const w = stats(webhook.map(row.pick));
    const ratio = w.median / b.median;
    console.log(`${row.name.padEnd(30)}${cols(b)}${cols(w)}${`${ratio.toFixed(2)}×`.padStart(8)}`);
    verdicts.push(
      `${verdict(ratio <= row.target)}  ${row.name}: webhook ${fmtMs(w.median)} = ${ratio.toFixed(2)}× bare Bolt's ${fmtMs(b.median)} (target ≤ ${row.target.toFixed(1)}×)`,
    );
  }
  console.log(
    `(the answer's own part, median: bare ${fmtMs(median(bare.map((r) => r.firstAnswerMs - r.requireMs)))}, webhook ${fmtMs(median(webhook.map((r) => r.firstAnswerMs - r.requireMs)))}; process start → answer, median: bare ${fmtMs(median(bare.map((r) => r.sinceProcessStartMs)))}, webhook ${fmtMs(median(webhook.map((r) => r.sinceProcessStartMs)))})`,
  );
  console.log(`\n== The webhook's first answer after its load (median of ${webhook.length} runs, ms)`);
  for (const step of answerSteps(webhook)) console.log(`${step.medianMs.toFixed(1).padStart(8)}  ${step.label}`);
  console.log(
    "(work before a call: the code leading to it and its SDK client's first request — Bolt is built, and the listener runs, between the claim and the meeting's update)",
  );
  console.log(`\n${verdicts.join('\n')}\n(${loadAverage()})`);
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  console.log(`Webhook cold start: node ${process.version}, ${loadAverage()}`);
  const bundles: Bundle[] = [];
  let env: LocalEnvironment | undefined;
  let secrets: SecretsManagerStandIn | undefined;
  try {
    const webhook = await bundleFunction('lambda/slack-bot/handler.ts', {
      aliases: WEBHOOK_BUNDLE_ALIASES,
      copyFiles: ['config/meeting_types.yaml'],
    });
    bundles.push(webhook);
    const bare = await bundleFunction('bench/bare-bolt.ts');
    bundles.push(bare);
    for (const b of [bare, webhook])
      console.log(`${b.entry.padEnd(30)} index.js ${(fs.statSync(b.file).size / 1024).toFixed(0)} KiB`);

    env = await startLocalEnvironment({ dynamoDirect: true });
    secrets = await startSecretsManager();
    secrets.secrets.set(SLACK_SECRET_ARN, {
      secretString: JSON.stringify({
        bot_token: LOCAL_CREDENTIALS.slackBotToken,
        signing_secret: LOCAL_CREDENTIALS.slackSigningSecret,
      }),
    });
    const { startPrep: meetings } = await seedMeetings(env, PAIRS);
    const webhookEnv = webhookEnvironment(env, secrets);
    const bareEnv = bareEnvironment();

    const bareRuns: ColdAnswer[] = [];
    const webhookRuns: ColdAnswer[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const bareRun = await coldAnswer(bare.file, startPrepClick(`bench-bare-${i}`), bareEnv);
      checkAnswer(`bare #${i}`, bareRun);
      check(bareRun.calls.length === 0, `bare #${i}: made calls: ${JSON.stringify(bareRun.calls)}`);
      bareRuns.push(bareRun);

      const meetingId = meetings[i] as string;
      const queuedBefore = env.sqs.queue(env.workQueue.name).messages.length;
      const run = await coldAnswer(webhook.file, startPrepClick(meetingId), webhookEnv);
      checkAnswer(`webhook #${i}`, run);
      await checkStarted(env, secrets, meetingId, queuedBefore);
      webhookRuns.push(run);
    }
    report(bareRuns, webhookRuns);
    console.log(`Child node ${webhookRuns[0]?.node}. Total ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`);
    return 0;
  } finally {
    if (env) await withTimeout(env.close(), 10_000, 'closing the local environment');
    await secrets?.close();
    for (const b of bundles) fs.rmSync(b.dir, { recursive: true, force: true });
  }
}

runBench(main);
