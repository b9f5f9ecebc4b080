/**
 * Everything the prep workflow talks to, on loopback: dynalite with the stack's tables, fakes of the Slack Web
 * API and Twilio, SES (aws-ses-v2-local), and the state machine from the synthesized template. Starting it
 * points the process's environment at these endpoints the way a deployed function is pointed at AWS: through the
 * standard `AWS_ENDPOINT_URL_<SERVICE>` variables and the documented `SLACK_API_URL`/`TWILIO_API_URL` and
 * credential variables. Used by the workflow tests and by `npm start`.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTables, DynamoFailureSpec, LocalDynamo, startDynalite, startDynamoFaultProxy } from './dynamo';
import { FaultProxy } from './fault-proxy';
import { FakeScheduler, startFakeScheduler } from './fake-scheduler';
import { FakeSqs, startFakeSqs } from './fake-sqs';
import { FakeSlack, startFakeSlack } from './fake-slack';
import { FakeSfn, startFakeSfn } from './fake-sfn';
import { FakeTwilio, startFakeTwilio } from './fake-twilio';
import { LocalSes, startLocalSes } from './local-ses';
import { deliverSesEvent, startReceiptsApi } from './receipts-api';
import { TaskTokenBroker } from './task-tokens';
import {
  CfnTemplate,
  localDefinition,
  routingEnvironment,
  synthesizeTemplate,
  tableEnvironment,
  tableSpecs,
} from './synth';
import { LOCAL_CREDENTIALS, LOCAL_REMINDERS } from './local-credentials';
import { functionEnvironment } from './function-environment';
import type { RealIntegrations } from './real-integrations';
import { LocalWorkflow } from './workflow-runner';
import { SqsEventSource } from './sqs-event-source';
import { LOCAL_WORK_QUEUE, attachWorker, createWorkQueues, workQueueSpec } from './work-queue';

export { LOCAL_CREDENTIALS, LOCAL_REMINDERS } from './local-credentials';

/** Options of {@link startLocalEnvironment}. */
export interface LocalEnvironmentOptions {
  /** CDK context for the synthesized stack. */
  readonly context?: Record<string, unknown>;
  /** Keep DynamoDB's tables in this folder (dynalite's files). @default in memory */
  readonly dynamoPath?: string;
  /** Port of DynamoDB (dynalite) on 127.0.0.1. @default a free one */
  readonly dynamodbPort?: number;
  /** Keep the scheduler's schedules (pending reminders) in this file. @default in memory */
  readonly schedulesFile?: string;
  /**
   * Integrations to leave pointed at the real services, with the credentials already in the environment
   * (see {@link realIntegrationsFromEnv}). @default none: every integration uses its local stand-in
   */
  readonly real?: RealIntegrations;
  /** Time the functions allow one provider call (`PROVIDER_TIMEOUT_MS`). @default the functions' own (8 s) */
  readonly providerTimeoutMs?: number;
  /**
   * Point the functions at dynalite itself rather than through the fault proxy (a test instrument, one more HTTP
   * hop on every call): for `npm run bench`, where no fault is injected. `dynamoFaults` still exists, unused.
   * @default false
   */
  readonly dynamoDirect?: boolean;
}

/** The running environment. */
export interface LocalEnvironment {
  readonly template: CfnTemplate;
  readonly workflow: LocalWorkflow;
  readonly dynamo: LocalDynamo;
  /** Fails the functions' DynamoDB calls on demand (`dynamoFaults.fail('GetItem', { kind: 'throttled' })`). */
  readonly dynamoFaults: FaultProxy<DynamoFailureSpec>;
  readonly db: DynamoDBDocumentClient;
  /** Local table names by role. */
  readonly tables: { readonly meetings: string; readonly users: string; readonly chatSessions: string };
  readonly slack: FakeSlack;
  readonly twilio: FakeTwilio;
  readonly ses: LocalSes;
  /** EventBridge Scheduler (the Slack bot's reminders); fire due schedules with `scheduler.fireDue`. */
  readonly scheduler: FakeScheduler;
  /** Step Functions (StartExecution; SendTaskSuccess/Failure settle the workflow's waiting tasks). */
  readonly sfn: FakeSfn;
  /** The API's receipt route, `POST /twilio/status` (the Twilio stand-in posts its status callbacks there). */
  readonly statusCallbackUrl: string;
  /** The API's incoming-SMS route, `POST /twilio/sms` (signatures are computed over this exact URL). */
  readonly smsWebhookUrl: string;
  /** The API stand-in's base URL: also serves the email's links (`/act`, `/unsubscribe`). */
  readonly apiUrl: string;
  /** Resolves when every receipt sent so far (Twilio callbacks, SES events) has been handled. */
  receiptsSettled(): Promise<void>;
  /** SQS: the Slack bot's work queue (FIFO) and its dead-letter queue. */
  readonly sqs: FakeSqs;
  /** The work queue's URL and settings (from the template). */
  readonly workQueue: {
    readonly url: string;
    readonly arn: string;
    readonly name: string;
    readonly deadLetterQueue: string;
    readonly maxReceiveCount: number;
  };
  /**
   * The real worker handler attached to the work queue (loaded on first use, after the environment is set):
   * `worker().drain()` delivers until the queue is empty.
   */
  worker(): SqsEventSource;
  /** The variables set on `process.env`. */
  readonly env: Readonly<Record<string, string>>;
  /** Every endpoint it serves on loopback, named, in the order a person would look for them. */
  readonly endpoints: readonly LocalEndpoint[];
  /** Clears recorded requests and queued failures of every fake. */
  resetFakes(): Promise<void>;
  close(): Promise<void>;
}

/** One local endpoint: what it stands in for, and its URL. */
export interface LocalEndpoint {
  readonly name: string;
  readonly url: string;
}

/**
 * Starts servers together; if one fails (a busy port), closes those that started before rethrowing, so a failed
 * start leaves no port taken.
 */
async function allOrNone<T extends readonly { close(): Promise<void> }[]>(
  starting: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
  await Promise.allSettled(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.close()] : [])));
  throw failed.reason;
}

/** Starts the environment and points `process.env` at it. */
export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const { template } = synthesizeTemplate(options.context);
  const [dynamo, slack, twilio, ses, scheduler, sqs] = await allOrNone([
    startDynalite({
      ...(options.dynamoPath ? { path: options.dynamoPath } : {}),
      ...(options.dynamodbPort !== undefined ? { port: options.dynamodbPort } : {}),
    }),
    startFakeSlack({ token: LOCAL_CREDENTIALS.slackBotToken }),
    startFakeTwilio({ accountSid: LOCAL_CREDENTIALS.twilioAccountSid, authToken: LOCAL_CREDENTIALS.twilioAuthToken }),
    startLocalSes(),
    startFakeScheduler({
      groups: [LOCAL_REMINDERS.scheduleGroupName],
      ...(options.schedulesFile ? { file: options.schedulesFile } : {}),
    }),
    startFakeSqs(),
  ]);
  const queueSpec = workQueueSpec(template);
  const { url: workQueueUrl, arn: workQueueArn } = createWorkQueues(sqs, queueSpec);
  // The functions reach dynalite through a fault proxy, so DynamoDB failures can be exercised; the harness's own
  // client (`db`) goes straight to dynalite.
  const dynamoFaults = await startDynamoFaultProxy(Number(new URL(dynamo.endpoint).port));
  const tokens = new TaskTokenBroker();
  const [sfn, receiptsApi] = await Promise.all([
    // Executions started through the API are the local runtime's business (it sets onStart).
    startFakeSfn(LOCAL_REMINDERS.stateMachineArn, () => undefined, tokens),
    startReceiptsApi(),
  ]);
  ses.deliverEventsTo(deliverSesEvent);
  const names = await createTables(dynamo.client, tableSpecs(template));
  const tableEnv = tableEnvironment(template, names);
  const env = functionEnvironment({
    urls: {
      dynamodb: options.dynamoDirect ? dynamo.endpoint : dynamoFaults.url,
      ses: ses.url,
      scheduler: scheduler.url,
      sfn: sfn.url,
      sqs: sqs.url,
      slackApi: slack.apiUrl,
      twilio: twilio.url,
      statusCallbackUrl: receiptsApi.statusCallbackUrl,
      smsWebhookUrl: receiptsApi.smsWebhookUrl,
      apiUrl: receiptsApi.url,
    },
    workQueue: { url: workQueueUrl, arn: workQueueArn, maxReceiveCount: queueSpec.maxReceiveCount },
    ...(options.real ? { real: options.real } : {}),
    ...(options.providerTimeoutMs !== undefined ? { providerTimeoutMs: options.providerTimeoutMs } : {}),
    fromTemplate: { ...tableEnv, ...routingEnvironment(template) },
  });
  Object.assign(process.env, env);
  const required = ['MEETINGS_TABLE_NAME', 'USERS_TABLE_NAME'];
  for (const name of required) if (!env[name]) throw new Error(`the template gives no function ${name}`);
  const chatSessions = Object.entries(names).find(([id]) => id.includes('ChatSessions'))?.[1];
  if (!chatSessions) throw new Error('the template has no chat sessions table');
  let worker: SqsEventSource | undefined;

  return {
    template,
    workflow: new LocalWorkflow(localDefinition(template), tokens),
    dynamo,
    dynamoFaults,
    db: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }),
    tables: { meetings: env['MEETINGS_TABLE_NAME'] as string, users: env['USERS_TABLE_NAME'] as string, chatSessions },
    slack,
    twilio,
    ses,
    scheduler,
    sfn,
    statusCallbackUrl: receiptsApi.statusCallbackUrl,
    smsWebhookUrl: receiptsApi.smsWebhookUrl,
    apiUrl: receiptsApi.url,
    sqs,
    workQueue: {
      url: workQueueUrl,
      arn: workQueueArn,
      ...LOCAL_WORK_QUEUE,
      maxReceiveCount: queueSpec.maxReceiveCount,
    },
    worker() {
      worker ??= attachWorker(sqs);
      return worker;
    },
    env,
    async receiptsSettled() {
      await Promise.all([twilio.settled(), ses.settled()]);
    },
    endpoints: [
      { name: 'DynamoDB (dynalite)', url: dynamo.endpoint },
      { name: 'DynamoDB for the functions (fault proxy)', url: dynamoFaults.url },
      { name: 'Slack Web API stand-in', url: slack.url },
      { name: 'Twilio stand-in', url: twilio.url },
      { name: 'SES (aws-ses-v2-local)', url: ses.url },
      { name: 'EventBridge Scheduler stand-in', url: scheduler.url },
      { name: 'Step Functions API stand-in', url: sfn.url },
      { name: 'Delivery receipts (POST /twilio/status)', url: receiptsApi.statusCallbackUrl },
      { name: 'SMS replies (POST /twilio/sms)', url: receiptsApi.smsWebhookUrl },
      { name: 'Email links (GET|POST /act, /unsubscribe)', url: receiptsApi.url },
    ],
    async resetFakes() {
      slack.reset();
      twilio.reset();
      sfn.reset();
      scheduler.reset();
      sqs.reset();
      dynamoFaults.clearFailures();
      await ses.reset();
    },
    async close() {
      await worker?.stop();
      await Promise.all([
        sqs.close(),
        slack.close(),
        twilio.close(),
        ses.close(),
        sfn.close(),
        receiptsApi.close(),
        scheduler.stopFiring().then(() => scheduler.close()),
      ]);
      await dynamoFaults.close();
      await dynamo.close();
    },
  };
}
