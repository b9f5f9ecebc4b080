/**
 * The whole system on this machine (`npm start`): the local environment (dynalite, the Slack/Twilio/Scheduler
 * fakes, SES), the state machine from the synthesized template with the real handlers, the Slack webhook served by
 * the real bot handler, an EventBridge-like events endpoint, and reminders that fire on the local scheduler.
 * Each execution is printed as a console-style trace with the message as a person would see it.
 */
import { Meeting } from '../lambda/shared/domain';
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/slack-bot/http-event';
import { DataFolder, DataFolderState, StartupError, openDataFolder } from './data-folder';
import { DEMO_USER, demoEntry, demoMeetings } from './demo';
import { PutEventsEntry, PutEventsResult } from './events';
import { eventPublisher } from './event-publishing';
import { localNow, resetLocalClock, setLocalClock } from './clock';
import { Executions, createExecutions } from './executions';
import { FAIL_DRILLS, parseFailDrills } from './fail-drills';
import { TWILIO_STATUS_PATH } from '../lib/constructs/delivery-receipts';
import { TWILIO_SMS_PATH } from '../lib/constructs/sms-replies';
import { FakeSfn } from './fake-sfn';
import { LocalApi, LocalRoute, startLocalApi } from './local-api';
import { LocalEndpoint, LocalEnvironment, startLocalEnvironment } from './local-environment';
import type { RealIntegrations } from './real-integrations';
import { localRoutes } from './local-routes';
import { RuntimeContents, readContents, seedTables } from './runtime-tables';
import { startScheduleFiring } from './runtime-scheduler';
import { Seed } from './seed';
import { LocalExecution, loadHandler } from './workflow-runner';

/** Options of {@link startRuntime}. */
export interface RuntimeOptions {
  /** Port of the webhook and events endpoint on 127.0.0.1. @default 3000 (0 picks a free one) */
  readonly port?: number;
  /** Port of DynamoDB (dynalite) on 127.0.0.1. @default a free one */
  readonly dynamodbPort?: number;
  /** Keep the tables and pending reminders in this folder across restarts. @default in memory */
  readonly dataDir?: string;
  /** Empty the data folder first (and seed the demo into it). @default false */
  readonly reset?: boolean;
  /** How much faster than real time the local scheduler's clock runs (120: two hours in a minute). @default 1 */
  readonly timeScale?: number;
  /**
   * How much faster the waits for SMS and email receipts pass, when it should differ from `timeScale` (a test that
   * skips hours of quiet-hours wait at once still lets the stand-ins' receipts arrive). @default timeScale
   */
  readonly receiptTimeScale?: number;
  /**
   * Where the local clock starts (local/clock.ts): every handler reads it, so a drill can start in someone's night.
   * @default real time
   */
  readonly now?: Date;
  /** How often the local scheduler looks for due reminders, in ms. @default 1000 */
  readonly schedulerPollMs?: number;
  /** Fallback drills by name (`slack`, `sms`… see local/fail-drills.ts): stand-ins that fail on purpose. @default none */
  readonly fail?: readonly string[];
  /** Integrations that use the real services. @default none */
  readonly real?: RealIntegrations;
  /** Seed demo data and publish one event, when the data is new (always in memory). @default true */
  readonly demo?: boolean;
  /** Where the trace goes. @default console.log */
  readonly log?: (line: string) => void;
  /** Milliseconds between retries instead of the ASL's backoff. @default the ASL's */
  readonly retryIntervalMs?: number;
  /**
   * Time the functions allow one provider call (`PROVIDER_TIMEOUT_MS`): shorter for tests of a provider that never
   * answers. @default the functions' own (8 s)
   */
  readonly providerTimeoutMs?: number;
}

/** The running system. */
export interface Runtime {
  readonly url: string;
  readonly webhookUrl: string;
  readonly eventsUrl: string;
  readonly env: LocalEnvironment;
  /** The Step Functions API stand-in the starter function calls. */
  readonly sfn: FakeSfn;
  /** Where the data lives: in memory, or a data folder that was new, kept from an earlier run, or reset. */
  readonly data: { readonly dir?: string; readonly state: 'memory' | DataFolderState };
  /** Whether the demo was seeded (and its event published) at this start. */
  readonly seededDemo: boolean;
  /** Every endpoint on loopback, the API first. */
  readonly endpoints: readonly LocalEndpoint[];
  /** Every finished execution, in order. */
  readonly executions: readonly LocalExecution[];
  /** Publishes events as EventBridge would: each one matching the rule starts an execution. Throws on bad input. */
  publish(entries: readonly PutEventsEntry[]): Promise<PutEventsResult>;
  /** Writes users and meetings (replacing items with the same ids). */
  seed(seed: Seed): Promise<void>;
  /** What the tables and the scheduler hold. */
  contents(): Promise<RuntimeContents>;
  /**
   * Counts `work` as running until it settles, so {@link Runtime.idle} (and a client waiting for the bot's replies)
   * waits for it too: anything that can still send a message, e.g. a queued worker's delivery.
   */
  track(work: Promise<unknown>): void;
  /** Resolves when no execution (or other tracked work) is running. */
  idle(): Promise<void>;
  /** Resolves once `count` executions have finished in all. */
  executionsFinished(count: number): Promise<readonly LocalExecution[]>;
  /** Stops everything and frees every port (and the data folder). */
  close(): Promise<void>;
}

type BotHandler = (event: ApiGatewayEvent, context: unknown) => Promise<ApiGatewayResult>;

/** A listening error as the one line a user needs. */
function startupError(error: unknown, what: string, option: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const port = (error as { port?: number }).port;
  if (code === 'EADDRINUSE')
    return new StartupError(
      `Port ${port} (${what}) is already in use, by another npm start or another program: stop it, or choose another port with ${option}.`,
    );
  if (code === 'EACCES')
    return new StartupError(
      `Port ${port} (${what}) needs privileges this user does not have: choose a port above 1023 with ${option}.`,
    );
  return error;
}

/** Starts everything and, when the data is new and `demo` is not false, seeds demo data and publishes one event. */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.reset && !options.dataDir)
    throw new StartupError(
      '--reset empties a --data folder: give --data DIR too (without it, nothing is kept anyway).',
    );
  const drills = parseFailDrills((options.fail ?? []).join(','));
  const folder: DataFolder | undefined = options.dataDir
    ? openDataFolder(options.dataDir, { reset: options.reset ?? false })
    : undefined;
  const cleanup: (() => Promise<void>)[] = [async () => folder?.release()];
  if (options.now) {
    setLocalClock(options.now);
    cleanup.push(async () => resetLocalClock());
  }
  const undo = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  // The API binds first: a busy port is the likeliest mistake, and is then reported before anything else starts.
  const routes: Record<string, LocalRoute> = {};
  let api: LocalApi;
  try {
    api = await startLocalApi(
      options.port ?? 3000,
      routes,
      (error) => log(`Request failed: ${error.stack ?? String(error)}`),
      // Real Slack reaches the webhook through a tunnel (docs/LOCAL.md), whose name is not loopback; its requests are
      // signed with the real signing secret. With the stand-in, the secret is public: loopback only, like the rest.
      { tunnelRoutes: new Set(options.real?.slack ? ['POST /slack/webhook'] : []), onRefused: log },
    );
  } catch (error) {
    await undo();
    throw startupError(error, 'the webhook and events API', '--port');
  }
  cleanup.push(() => api.close());
  let env: LocalEnvironment;
  try {
    env = await startLocalEnvironment({
      ...(folder ? { dynamoPath: folder.dynamoPath, schedulesFile: folder.schedulesFile } : {}),
      ...(options.dynamodbPort !== undefined ? { dynamodbPort: options.dynamodbPort } : {}),
      ...(options.real ? { real: options.real } : {}),
      ...(options.providerTimeoutMs !== undefined ? { providerTimeoutMs: options.providerTimeoutMs } : {}),
    }).catch((error: unknown) => {
      throw startupError(error, 'DynamoDB', '--dynamodb-port');
    });
    cleanup.push(() => env.close());
  } catch (error) {
    await undo();
    throw error;
  }
  // The rule's target is the starter function: it starts each execution, named after its meeting, through the
  // Step Functions API (the environment's loopback stand-in, which hands new executions to the local runner and
  // settles the waiting tasks' tokens).
  const sfn: FakeSfn = env.sfn;
  sfn.onStart = (name, input) => executions.start(input as Record<string, unknown>, name);
  // Twilio's status callbacks come to this API, as they come to API Gateway: each SMS names this exact URL, and the
  // receipt handler checks the signature against it.
  process.env['TWILIO_STATUS_CALLBACK_URL'] = `${api.url}${TWILIO_STATUS_PATH}`;
  // Likewise the number's incoming-message webhook: `npm start -- sms` signs its requests for this URL.
  process.env['TWILIO_SMS_WEBHOOK_URL'] = `${api.url}${TWILIO_SMS_PATH}`;
  // Likewise the email's one-click links: they point at this API, which serves /act and /unsubscribe.
  process.env['PUBLIC_API_URL'] = api.url;
  for (const name of drills) FAIL_DRILLS[name]?.apply(env);
  const executions: Executions = createExecutions({
    env,
    log,
    timeScale: options.timeScale ?? 1,
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
    // The receipt waits run on the scheduler's clock too: --time-scale 60 makes a 10-minute wait 10 seconds.
    waitTimeScale: options.receiptTimeScale ?? options.timeScale ?? 1,
  });
  const publish = eventPublisher(env.template, log);
  const seed = (data: Seed): Promise<void> => seedTables(env, data);

  let bot: BotHandler | undefined;
  const runtime: Runtime = {
    url: api.url,
    webhookUrl: `${api.url}/slack/webhook`,
    eventsUrl: `${api.url}/events`,
    env,
    sfn,
    data: folder ? { dir: folder.dir, state: folder.state } : { state: 'memory' },
    seededDemo: (options.demo ?? true) && (folder?.state ?? 'new') !== 'kept',
    endpoints: [
      { name: 'Webhook, events and Twilio status API', url: api.url },
      { name: 'Emails sent (open in a browser; their links work)', url: `${api.url}/local/mail` },
      ...env.endpoints,
    ],
    executions: executions.all,
    publish,
    seed,
    contents: () => readContents(env),
    track: (work) => executions.track(work),
    idle: () => executions.idle(),
    executionsFinished: (count) => executions.finished(count),
    async close() {
      await env.scheduler.stopFiring();
      await executions.idle();
      await undo();
    },
  };
  // The bot's worker, fed by the work queue on the SQS fake as the event source mapping would (polling in real time).
  const worker = env.worker();
  worker.start();
  cleanup.push(() => worker.stop());
  Object.assign(
    routes,
    localRoutes({
      runtime,
      executions,
      log,
      worker,
      bot: () => (bot ??= loadHandler<BotHandler>('lambda/slack-bot/handler.ts')),
      realSlack: options.real?.slack ?? false,
    }),
  );

  cleanup.push(
    startScheduleFiring({
      env,
      executions,
      worker,
      log,
      timeScale: options.timeScale ?? 1,
      pollMs: options.schedulerPollMs ?? 1000,
    }),
  );

  if (runtime.seededDemo) {
    try {
      const meetings = demoMeetings(localNow());
      await seed({ users: [DEMO_USER], meetings });
      log(
        `Seeded ${DEMO_USER.name} (${DEMO_USER.user_id}) and ${meetings.length} meetings: ${meetings.map((m) => m.meeting_id).join(', ')}.`,
      );
      log(`Publishing MeetingPrepRequired for ${meetings[0]?.meeting_id}…`);
      await publish([demoEntry(meetings[0] as Meeting)]);
      await runtime.idle();
    } catch (error) {
      await runtime.close();
      throw error;
    }
  }
  return runtime;
}
