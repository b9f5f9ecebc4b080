/**
 * The whole system on this machine (`npm start`): the local environment (dynalite, the Slack/Twilio/Scheduler
 * fakes, SES), the state machine from the synthesized template with the real handlers, the Slack webhook served by
 * the real bot handler, an EventBridge-like events endpoint, and reminders that fire on the local scheduler.
 * Each execution is printed as a console-style trace with the message as a person would see it.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Meeting } from '../lambda/shared/domain';
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/slack-bot/http-event';
import { parseStartExecutionInput } from '../lambda/slack-bot/reminders';
import { DEMO_USER, demoEntry, demoMeetings } from './demo';
import { BadEventsRequest, PutEventsEntry, PutEventsResult, eventEnvelope, parseEventsRequest, rulePattern } from './events';
import { applyDrills, Drill } from './drills';
import { FakeSfn } from './fake-sfn';
import { fromApiGatewayResult, jsonResponse, startLocalApi, toApiGatewayEvent } from './local-api';
import { LocalEnvironment, RealIntegrations, startLocalEnvironment } from './local-environment';
import { twilioStatusRoute } from './receipts-api';
import { blocksToText, formatHistory } from './trace';
import { LocalExecution, loadHandler } from './workflow-runner';

/** Options of {@link startRuntime}. */
export interface RuntimeOptions {
  /** Port of the webhook and events endpoint on 127.0.0.1. @default 3000 (0 picks a free one) */
  readonly port?: number;
  /** Persist DynamoDB data in this folder. @default in memory */
  readonly dataDir?: string;
  /** How much faster than real time the local scheduler's clock runs (120: two hours in a minute). @default 1 */
  readonly timeScale?: number;
  /** How often the local scheduler looks for due reminders, in ms. @default 1000 */
  readonly schedulerPollMs?: number;
  /** Failure drills armed on the stand-ins (`local/drills.ts`). @default none */
  readonly fail?: readonly Drill[];
  /** Integrations that use the real services. @default none */
  readonly real?: RealIntegrations;
  /** Seed demo data and publish one event at start. @default true */
  readonly demo?: boolean;
  /** Where the trace goes. @default console.log */
  readonly log?: (line: string) => void;
  /** Milliseconds between retries instead of the ASL's backoff. @default the ASL's */
  readonly retryIntervalMs?: number;
}

/** The running system. */
export interface Runtime {
  readonly url: string;
  readonly webhookUrl: string;
  readonly eventsUrl: string;
  readonly env: LocalEnvironment;
  /** The Step Functions API stand-in the starter function calls. */
  readonly sfn: FakeSfn;
  /** Every finished execution, in order. */
  readonly executions: readonly LocalExecution[];
  /** Publishes events as EventBridge would: each one matching the rule starts an execution. Throws on bad input. */
  publish(entries: readonly PutEventsEntry[]): Promise<PutEventsResult>;
  /** Resolves when no execution is running. */
  idle(): Promise<void>;
  /** Resolves once `count` executions have finished in all. */
  executionsFinished(count: number): Promise<readonly LocalExecution[]>;
  close(): Promise<void>;
}

type BotHandler = (event: ApiGatewayEvent, context: unknown) => Promise<ApiGatewayResult>;

/** Starts everything and, unless `demo` is false, seeds demo data and publishes one event. */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const env = await startLocalEnvironment({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.real ? { real: options.real } : {}),
  });
  applyDrills(env, options.fail ?? []);
  const pattern = rulePattern(env.template);
  const executions: LocalExecution[] = [];
  const running = new Set<Promise<void>>();
  const waiters: { count: number; resolve: (all: readonly LocalExecution[]) => void }[] = [];
  const finished = (execution: LocalExecution) => {
    executions.push(execution);
    for (const w of waiters.filter((x) => executions.length >= x.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(executions);
    }
  };
  let slackSeen = 0;

  /** Prints what the bot or the workflow sent on the Slack stand-in since last time. */
  const printNewSlackMessages = () => {
    for (const message of env.slack.messages.slice(slackSeen)) {
      const shown = Array.isArray(message.blocks) ? blocksToText(message.blocks) : (message.text ?? '');
      log(`  Slack ${message.method} → ${message.channel}${message.user ? ` (only ${message.user} sees it)` : ''}:`);
      for (const line of shown.split('\n')) log(`    │ ${line}`);
    }
    slackSeen = env.slack.messages.length;
  };

  const describeDelivery = async (meetingId: string) => {
    const out = await env.db.send(new GetCommand({ TableName: env.tables.meetings, Key: { meeting_id: meetingId } }));
    const meeting = out.Item as Meeting | undefined;
    if (!meeting) return;
    const id = meeting.notification_id;
    if ((meeting.notification_status === 'DELIVERED' || meeting.notification_status === 'UNCONFIRMED') && id) {
      const how = meeting.notification_status === 'DELIVERED' ? 'Delivered' : 'Sent, delivery UNCONFIRMED (no receipt in time; not resent),';
      log(`  ${how} via ${meeting.notification_channel} (id ${id}) at ${meeting.notification_sent_at}`);
      if (meeting.notification_channel === 'sms') {
        const sms = env.twilio.messages.find((m) => m.sid === id);
        if (sms) log(`    │ SMS to ${sms.to}: ${sms.body}`);
      }
      if (meeting.notification_channel === 'email') {
        const mail = (await env.ses.emails()).find((m) => m.messageId === id);
        if (mail) log(`    │ Email to ${mail.destination.to.join(', ')}, subject: ${mail.subject}`);
      }
    }
    printNewSlackMessages();
    log(`  Meeting ${meetingId} is now ${meeting.status}${meeting.notification_status ? ` (notification ${meeting.notification_status})` : ''}`);
  };

  const runExecution = (input: Record<string, unknown>, name: string) => {
    const detail = (input['detail'] ?? {}) as Record<string, unknown>;
    const work = (async () => {
      const execution = await env.workflow.run(input, {
        executionName: name,
        // The receipt waits run on the scheduler's clock too: --time-scale 60 makes a 10-minute wait 10 seconds.
        waitTimeScale: options.timeScale ?? 1,
        ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
      });
      log('');
      log(`━━ Execution ${execution.name}: ${String(input['detail-type'])} for meeting ${String(detail['meeting_id'])} ━━`);
      for (const line of formatHistory(execution)) log(`  ${line}`);
      log(`  Status: ${execution.status}${execution.error ? ` (${execution.error})` : ''}`);
      const output = execution.output as { prep?: { skip_reason?: string }; skip?: { Error?: string } } | undefined;
      if (output?.prep?.skip_reason) log(`  Skipped: ${output.prep.skip_reason}`);
      if (output?.skip?.Error) log(`  Skipped: ${output.skip.Error}`);
      if (typeof detail['meeting_id'] === 'string') await describeDelivery(detail['meeting_id']);
      finished(execution);
    })().catch((error: unknown) => log(`  The execution could not run: ${(error as Error).message}`));
    const tracked = work.finally(() => running.delete(tracked));
    running.add(tracked);
  };

  // The rule's target is the starter function: it starts each execution, named after its meeting, through the
  // Step Functions API (a loopback fake here, which hands new executions to the local runner).
  const sfn = env.sfn;
  sfn.onStart = (name, input) => runExecution(input as Record<string, unknown>, name);
  let starter: ((event: unknown) => Promise<unknown>) | undefined;
  const startExecution = (event: unknown) => {
    starter ??= loadHandler<(e: unknown) => Promise<unknown>>('lambda/workflow/start-execution.ts');
    return starter(event);
  };

  const publish = async (entries: readonly PutEventsEntry[]): Promise<PutEventsResult> => {
    const valid = parseEventsRequest({ Entries: entries });
    const started: Promise<unknown>[] = [];
    const results = valid.map((entry) => {
      const id = randomUUID();
      const matched = pattern.source.includes(entry.Source) && pattern.detailType.includes(entry.DetailType);
      if (!matched) {
        log(`Event ${id} (${entry.Source}/${entry.DetailType}) matched no rule: nothing started.`);
        return { EventId: id };
      }
      started.push(startExecution(eventEnvelope(entry, id)));
      return { EventId: id };
    });
    await Promise.all(started);
    return { FailedEntryCount: 0, Entries: results };
  };

  let bot: BotHandler | undefined;
  const botHandler = (): BotHandler => {
    bot ??= loadHandler<BotHandler>('lambda/slack-bot/handler.ts');
    return bot;
  };

  const api = await startLocalApi(
    options.port ?? 3000,
    {
      'POST /slack/webhook': async (request) => {
        const result = await botHandler()(toApiGatewayEvent(request), {});
        log(`Slack webhook: ${request.headers['content-type'] ?? ''} → ${result.statusCode}`);
        printNewSlackMessages();
        return fromApiGatewayResult(result);
      },
      'POST /events': async (request) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(request.body);
        } catch {
          return jsonResponse(400, { message: 'the body is not JSON: expected {"Entries":[{"Source","DetailType","Detail"}]}' });
        }
        try {
          return jsonResponse(200, await publish(parseEventsRequest(parsed)));
        } catch (error) {
          if (error instanceof BadEventsRequest) return jsonResponse(400, { message: error.message });
          throw error;
        }
      },
      'POST /twilio/status': async (request) => {
        const answer = await twilioStatusRoute(request);
        log(`Twilio status callback: ${new URLSearchParams(request.body).get('MessageStatus') ?? '?'} → ${answer.status}`);
        return answer;
      },
      'GET /': async () => jsonResponse(200, { webhook: '/slack/webhook', events: '/events', executions: executions.length }),
    },
    (error) => log(`Request failed: ${error.stack ?? String(error)}`),
  );
  const url = api.url;
  // Twilio's status callbacks come to this API, as they come to API Gateway: the SMS names this exact URL, and the
  // receipt handler checks the signature against it.
  process.env['TWILIO_STATUS_CALLBACK_URL'] = `${url}/twilio/status`;

  env.scheduler.startFiring({
    timeScale: options.timeScale ?? 1,
    pollMs: options.schedulerPollMs ?? 1000,
    onFire: async (schedule) => {
      // The schedule's target is StartExecution itself (a universal target): its input names the execution.
      const { name, input } = parseStartExecutionInput(schedule.Target.Input);
      log(`Scheduler: reminder ${schedule.Name} is due; starting execution ${name}.`);
      runExecution(input as Record<string, unknown>, name);
    },
  });

  const runtime: Runtime = {
    url,
    webhookUrl: `${url}/slack/webhook`,
    eventsUrl: `${url}/events`,
    env,
    sfn,
    executions,
    publish,
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    executionsFinished(count) {
      if (executions.length >= count) return Promise.resolve(executions);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      await env.scheduler.stopFiring();
      await runtime.idle();
      await api.close();
      await env.close();
    },
  };

  if (options.demo ?? true) {
    await env.db.send(new PutCommand({ TableName: env.tables.users, Item: DEMO_USER }));
    const meetings = demoMeetings();
    for (const meeting of meetings) await env.db.send(new PutCommand({ TableName: env.tables.meetings, Item: meeting }));
    log(`Seeded ${DEMO_USER.name} (${DEMO_USER.user_id}) and ${meetings.length} meetings: ${meetings.map((m) => m.meeting_id).join(', ')}.`);
    log(`Publishing MeetingPrepRequired for ${meetings[0]?.meeting_id}…`);
    await publish([demoEntry(meetings[0] as Meeting)]);
    await runtime.idle();
  }
  return runtime;
}
