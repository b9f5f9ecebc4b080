/**
 * The burst's workload (bench/burst.ts): the Slack-delivered path read from the synthesized definition, meetings and
 * their users seeded so that each execution takes it, a burst of executions started at once through the in-process
 * runner, the checks of what the burst did, and the calibration: the same runner and definition with trivial
 * handlers.
 */
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Meeting, User } from '../lambda/shared/domain';
import { DEMO_USER, sampleMeeting } from '../local/demo';
import type { LocalEnvironment } from '../local/local-environment';
import { type LocalDefinition, localDefinition } from '../local/synth';
import { type Handler, type LocalExecution, LocalWorkflow, loadHandler, statesEntered } from '../local/workflow-runner';
import prepEvent from '../test/fixtures/eventbridge/meeting-prep-required.json';
import { check } from './support';

/** The Task state that sends the Slack message: its function's source is the Slack channel's. */
function slackTask(local: LocalDefinition): string {
  const found = Object.entries(local.taskEntries).filter(([, entry]) => entry.includes('/channels/slack/'));
  check(found.length === 1, `expected one Task sending to Slack, found ${found.map(([s]) => s).join(', ') || 'none'}`);
  return (found[0] as [string, string])[0];
}

/** The states a state may go to next: `Next`, every Choice's `Next`, the Choice's `Default`, each Catch's `Next`. */
function successors(state: Record<string, unknown>): string[] {
  const choices = (state['Choices'] as { Next?: string }[] | undefined) ?? [];
  const catches = (state['Catch'] as { Next?: string }[] | undefined) ?? [];
  return [state['Next'], ...choices.map((c) => c.Next), state['Default'], ...catches.map((c) => c.Next)].filter(
    (s): s is string => typeof s === 'string',
  );
}

/**
 * The Slack-delivered path through the deployed definition: the shortest way from `StartAt` to the Task that sends
 * to Slack, then that Task's `Next` chain to the end. Read, not written down: it follows the workflow as it changes.
 */
export function slackPath(local: LocalDefinition): string[] {
  const states = local.definition.States as Record<string, Record<string, unknown>>;
  const start = local.definition['StartAt'];
  check(typeof start === 'string', 'the definition has no StartAt');
  const target = slackTask(local);
  const cameFrom = new Map<string, string | undefined>([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0 && !cameFrom.has(target)) {
    const state = queue.shift() as string;
    for (const next of successors(states[state] ?? {}))
      if (!cameFrom.has(next)) {
        cameFrom.set(next, state);
        queue.push(next);
      }
  }
  check(cameFrom.has(target), `${target} cannot be reached from ${start}`);
  const path: string[] = [];
  for (let s: string | undefined = target; s !== undefined; s = cameFrom.get(s)) path.unshift(s);
  for (let next = states[target]?.['Next']; typeof next === 'string'; next = states[next]?.['Next']) {
    check(!path.includes(next), `the path after ${target} loops at ${next}`);
    path.push(next);
  }
  return path;
}

/** One seeded meeting: its id and the workflow's input for it (a MeetingPrepRequired envelope). */
export interface BurstItem {
  readonly meetingId: string;
  readonly input: unknown;
}

/**
 * Seeds `count` meetings, each with a user of its own who can receive Slack and has no quiet hours (the time of day
 * does not matter), starting tomorrow; returns each meeting's prep event.
 */
export async function seedBurst(env: LocalEnvironment, prefix: string, count: number): Promise<BurstItem[]> {
  const start = new Date(Date.now() + 26 * 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  const items: BurstItem[] = [];
  const writes: { table: string; item: Meeting | User }[] = [];
  for (let i = 0; i < count; i++) {
    const userId = `U${prefix.toUpperCase()}${String(i).padStart(4, '0')}`;
    const meeting = sampleMeeting(`${prefix}-${i}`, start, { user_id: userId });
    const user: User = { ...DEMO_USER, user_id: userId, notification_preferences: { prep_reminders: true } };
    writes.push({ table: env.tables.users, item: user });
    writes.push({ table: env.tables.meetings, item: meeting });
    items.push({
      meetingId: meeting.meeting_id,
      input: {
        ...prepEvent,
        id: `evt-${meeting.meeting_id}`,
        detail: {
          ...prepEvent.detail,
          meeting_id: meeting.meeting_id,
          user_id: userId,
          start_time: meeting.start_time,
        },
      },
    });
  }
  const batches: (typeof writes)[] = [];
  for (let i = 0; i < writes.length; i += 25) batches.push(writes.slice(i, i + 25));
  await Promise.all(
    batches.map(async (batch) => {
      let requests: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> = {};
      for (const { table, item } of batch) {
        const puts = requests[table] ?? [];
        puts.push({ PutRequest: { Item: item as unknown as Record<string, unknown> } });
        requests[table] = puts;
      }
      for (let attempt = 0; Object.keys(requests).length > 0; attempt++) {
        check(attempt < 10, 'dynalite left writes unprocessed ten times');
        const out = await env.db.send(new BatchWriteCommand({ RequestItems: requests }));
        requests = (out.UnprocessedItems ?? {}) as typeof requests;
      }
    }),
  );
  return items;
}

/** A burst's executions and how long each took. */
export interface BurstRun {
  readonly executions: readonly LocalExecution[];
  /** Each execution's time from its start to its end, ms, in start order. */
  readonly durations: readonly number[];
  /** From the first start to the last end, ms. */
  readonly wallMs: number;
}

/** Starts every execution at once (no await between them) and waits for all. */
export async function runBurst(workflow: LocalWorkflow, items: readonly BurstItem[]): Promise<BurstRun> {
  const started = performance.now();
  const runs = await Promise.all(
    items.map(async (item) => {
      const from = performance.now();
      const execution = await workflow.run(item.input, { executionName: `burst-${item.meetingId}` });
      return { execution, ms: performance.now() - from, end: performance.now() };
    }),
  );
  return {
    executions: runs.map((r) => r.execution),
    durations: runs.map((r) => r.ms),
    wallMs: Math.max(...runs.map((r) => r.end)) - started,
  };
}

/** Checks every execution succeeded on `path`; returns how many Task retries the histories show. */
export function checkPath(what: string, run: BurstRun, path: readonly string[]): number {
  for (const execution of run.executions) {
    check(
      execution.status === 'SUCCEEDED',
      `${what}: ${execution.name} ${execution.status}: ${execution.error} ${JSON.stringify(execution.cause)}`,
    );
    // A retried state is entered once per attempt: the path counts it once.
    const entered = statesEntered(execution).filter((s, i, all) => s !== all[i - 1]);
    check(
      entered.join(' → ') === path.join(' → '),
      `${what}: ${execution.name} took ${entered.join(' → ')}, not ${path.join(' → ')}`,
    );
  }
  return run.executions.reduce((n, e) => n + e.history.filter((h) => h.type === 'StateRetried').length, 0);
}

/** The meeting a Slack post is for, from its metadata. */
function postedMeeting(args: Readonly<Record<string, unknown>>): unknown {
  const raw = args['metadata'];
  const metadata = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { event_payload?: { meeting_id?: unknown } };
  return metadata?.event_payload?.meeting_id;
}

/** Checks the Slack fake received exactly one post per meeting of the burst (since its last reset), and no other. */
export function checkSlackPosts(env: LocalEnvironment, items: readonly BurstItem[]): number {
  const posts = env.slack.messages.filter((m) => m.method === 'chat.postMessage');
  const meetings = posts.map((m) => postedMeeting(m.args));
  const distinct = new Set(meetings);
  check(
    posts.length === items.length && distinct.size === items.length,
    `Slack received ${posts.length} posts for ${distinct.size} meetings; expected ${items.length}, one each`,
  );
  for (const item of items) check(distinct.has(item.meetingId), `no Slack post for ${item.meetingId}`);
  return posts.length;
}

/**
 * The calibration workflow: the deployed definition run by the same runner, each Task's function replaced by one that
 * returns at once, without I/O, what its real handler returned for the same state in a sample execution (the real
 * handlers run once here, on `sample`, recording their outputs). A handler that returned its input would send
 * PickChannel elsewhere: with the recorded outputs every state, Choice included, does what it does on the Slack path,
 * on the same documents.
 */
export async function calibrationWorkflow(env: LocalEnvironment, sample: BurstItem): Promise<LocalWorkflow> {
  const local = localDefinition(env.template);
  const outputs = new Map<string, unknown>();
  const recording: Record<string, Handler> = {};
  for (const [state, entry] of Object.entries(local.taskEntries)) {
    const real = loadHandler(entry);
    recording[state] = async (input) => {
      const output = await real(input);
      outputs.set(state, JSON.parse(JSON.stringify(output ?? null)));
      return output;
    };
  }
  const recorded = await new LocalWorkflow(local, undefined, recording).run(sample.input);
  check(
    recorded.status === 'SUCCEEDED',
    `the calibration's sample execution ${recorded.status}: ${recorded.error} ${JSON.stringify(recorded.cause)}`,
  );
  const trivial: Record<string, Handler> = {};
  for (const state of Object.keys(local.taskEntries)) {
    const output = outputs.get(state);
    trivial[state] = async () => output;
  }
  return new LocalWorkflow(local, undefined, trivial);
}
