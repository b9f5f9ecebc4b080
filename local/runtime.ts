/**
 * The whole system on this machine (`npm start`): the local environment (dynalite, the Slack/Twilio/Scheduler
 * fakes, SES), the state machine from the synthesized template with the real handlers, the Slack webhook served by
 * the real bot handler, an EventBridge-like events endpoint, and reminders that fire on the local scheduler.
 * Each execution is printed as a console-style trace with the message as a person would see it.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Channel, Meeting, User } from '../lambda/shared/domain';
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/slack-bot/http-event';
import { parseStartExecutionInput } from '../lambda/slack-bot/reminders';
import { readBody } from './fake-http';
import { FakeSfn, startFakeSfn } from './fake-sfn';
import { LOCAL_REMINDERS, LocalEnvironment, RealIntegrations, startLocalEnvironment } from './local-environment';
import { CfnTemplate } from './synth';
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
  /** Channels whose local stand-in fails every call (a fallback drill). @default none */
  readonly fail?: readonly Channel[];
  /** Integrations that use the real services. @default none */
  readonly real?: RealIntegrations;
  /** Seed demo data and publish one event at start. @default true */
  readonly demo?: boolean;
  /** Where the trace goes. @default console.log */
  readonly log?: (line: string) => void;
  /** Milliseconds between retries instead of the ASL's backoff. @default the ASL's */
  readonly retryIntervalMs?: number;
}

/** One entry of a `PutEvents` request. */
export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
  readonly Time?: string;
}

/** The `PutEvents` response. */
export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly { readonly EventId: string }[];
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

/** Bad input to the events endpoint: answered 400 with the message, nothing published. */
export class BadEventsRequest extends Error {
  override readonly name = 'BadEventsRequest';
}

/** The demo executive (the fixtures' user). */
export const DEMO_USER: User = {
  user_id: 'U024BE7LH',
  name: 'Jordan Lee',
  email: 'jordan.lee@acme-exec.example',
  phone_number: '+12125550143',
  timezone: 'America/New_York',
  notification_preferences: { prep_reminders: true },
};

/** A classified meeting of the demo executive starting at `start`: the fixtures' leadership sync unless overridden. */
export function sampleMeeting(meetingId: string, start: Date, overrides: Partial<Meeting> = {}, minutes = 60, attendees = 3): Meeting {
  return {
    meeting_id: meetingId,
    user_id: DEMO_USER.user_id,
    title: 'Q4 Leadership Sync',
    description: 'Quarterly priorities and budget',
    start_time: start.toISOString(),
    end_time: new Date(start.getTime() + minutes * 60_000).toISOString(),
    attendees: Array.from({ length: attendees }, (_, i) => `attendee${i + 1}@acme-exec.example`),
    organizer: DEMO_USER.email as string,
    meeting_type: 'leadership_team',
    status: 'CLASSIFIED',
    created_at: new Date().toISOString(),
    ...overrides,
  };
}

/** Demo meetings: a few types, starting over the next days (on the hour). */
export function demoMeetings(now = new Date()): Meeting[] {
  const at = (hours: number) => {
    const d = new Date(now.getTime() + hours * 3_600_000);
    d.setUTCMinutes(0, 0, 0);
    return d;
  };
  return [
    sampleMeeting('m-7f3a', at(26), {}, 60, 8),
    sampleMeeting('m-1on1', at(4), { title: '1:1 with Priya', meeting_type: 'one_on_one' }, 30, 2),
    sampleMeeting('m-rel9', at(50), { title: 'Checkout outage review', meeting_type: 'reliability_review' }, 45, 6),
    sampleMeeting('m-qbr4', at(74), { title: 'Q4 Business Review: EMEA', meeting_type: 'qbr' }, 90, 12),
  ];
}

/** The demo event: MeetingPrepRequired for the leadership sync. */
export function demoEntry(meeting: Meeting): PutEventsEntry {
  return {
    Source: 'exec-assistant.calendar-monitor',
    DetailType: 'MeetingPrepRequired',
    Detail: JSON.stringify({
      meeting_id: meeting.meeting_id,
      user_id: meeting.user_id,
      meeting_type: meeting.meeting_type,
      start_time: meeting.start_time,
      title: meeting.title,
    }),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a `PutEvents` request body (`{"Entries":[…]}`), or a single EventBridge envelope (`{"source",
 * "detail-type","detail"}`) for convenience. Lists every problem; throws {@link BadEventsRequest}.
 */
export function parseEventsRequest(body: unknown): PutEventsEntry[] {
  if (isRecord(body) && typeof body['detail-type'] === 'string') {
    return parseEventsRequest({
      Entries: [{ Source: body['source'], DetailType: body['detail-type'], Detail: JSON.stringify(body['detail']) }],
    });
  }
  if (!isRecord(body) || !Array.isArray(body['Entries'])) {
    throw new BadEventsRequest('expected a PutEvents request: {"Entries":[{"Source","DetailType","Detail"}]}');
  }
  const entries = body['Entries'] as unknown[];
  const problems: string[] = [];
  if (entries.length < 1 || entries.length > 10) problems.push(`Entries must hold 1 to 10 events, got ${entries.length}`);
  entries.forEach((entry, i) => {
    if (!isRecord(entry)) return void problems.push(`Entries[${i}] is not an object`);
    for (const key of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[key] !== 'string' || entry[key] === '') problems.push(`Entries[${i}].${key} must be a non-empty string`);
    }
    if (typeof entry['Detail'] === 'string') {
      try {
        if (!isRecord(JSON.parse(entry['Detail']))) problems.push(`Entries[${i}].Detail must be a JSON object (as a string)`);
      } catch {
        problems.push(`Entries[${i}].Detail is not valid JSON`);
      }
    }
    if (entry['EventBusName'] !== undefined && entry['EventBusName'] !== 'default') {
      problems.push(`Entries[${i}].EventBusName: only the default bus is served locally`);
    }
  });
  if (problems.length > 0) throw new BadEventsRequest(problems.join('; '));
  return entries as PutEventsEntry[];
}

/** The rule's pattern from the template: the sources and detail types that start the workflow. */
function rulePattern(template: CfnTemplate): { source: string[]; detailType: string[] } {
  const rule = Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::Rule');
  const pattern = rule?.Properties?.['EventPattern'] as { source?: string[]; 'detail-type'?: string[] } | undefined;
  if (!pattern?.source || !pattern['detail-type']) throw new Error('the template has no EventBridge rule with a pattern');
  return { source: pattern.source, detailType: pattern['detail-type'] };
}


type BotHandler = (event: ApiGatewayEvent, context: unknown) => Promise<ApiGatewayResult>;

/** Starts everything and, unless `demo` is false, seeds demo data and publishes one event. */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const env = await startLocalEnvironment({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.real ? { real: options.real } : {}),
  });
  for (const channel of options.fail ?? []) {
    if (channel === 'slack') env.slack.fail('chat.postMessage', { kind: 'status', status: 500, times: Infinity });
    if (channel === 'sms') env.twilio.fail({ kind: 'status', status: 500, times: Infinity });
    if (channel === 'email') env.ses.fail({ kind: 'status', status: 500, times: Infinity });
  }
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
    if (meeting.notification_status === 'DELIVERED' && id) {
      log(`  Delivered via ${meeting.notification_channel} (id ${id}) at ${meeting.notification_sent_at}`);
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
  const sfn = await startFakeSfn(LOCAL_REMINDERS.stateMachineArn, (name, input) => runExecution(input as Record<string, unknown>, name));
  process.env['AWS_ENDPOINT_URL_SFN'] = sfn.url;
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
      const detail = JSON.parse(entry.Detail) as Record<string, unknown>;
      const envelope = {
        version: '0',
        id,
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: '123456789012',
        time: entry.Time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: 'us-east-1',
        resources: entry.Resources ?? [],
        detail,
      };
      started.push(startExecution(envelope));
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

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'POST' && url.pathname === '/slack/webhook') {
        const body = await readBody(req);
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]));
        const event: ApiGatewayEvent = {
          version: '2.0',
          routeKey: 'POST /slack/webhook',
          rawPath: url.pathname,
          rawQueryString: url.search.slice(1),
          headers,
          requestContext: { http: { method: 'POST', path: url.pathname, sourceIp: req.socket.remoteAddress ?? '' }, stage: '$default' },
          body,
          isBase64Encoded: false,
        };
        const result = await botHandler()(event, {});
        res.writeHead(result.statusCode, { 'content-type': 'application/json', ...result.headers }).end(result.body);
        log(`Slack webhook: ${headers['content-type'] ?? ''} → ${result.statusCode}`);
        printNewSlackMessages();
        return;
      }
      if (req.method === 'POST' && url.pathname === '/events') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readBody(req));
        } catch {
          return reply(400, { message: 'the body is not JSON: expected {"Entries":[{"Source","DetailType","Detail"}]}' });
        }
        try {
          return reply(200, await publish(parseEventsRequest(parsed)));
        } catch (error) {
          if (error instanceof BadEventsRequest) return reply(400, { message: error.message });
          throw error;
        }
      }
      if (req.method === 'GET' && url.pathname === '/') {
        return reply(200, { webhook: '/slack/webhook', events: '/events', executions: executions.length });
      }
      reply(404, { message: `no route for ${req.method} ${url.pathname}: try POST /events or POST /slack/webhook` });
    })().catch((error: unknown) => {
      log(`Request failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) reply(500, { message: (error as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;

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
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await sfn.close();
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
