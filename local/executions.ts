/**
 * Executions of the local runtime: each one run by the local runner, printed when it ends as the console would show
 * it (local/trace.ts), with what it delivered looked up by its own delivery id. Tracks running work so the runtime
 * (and a client waiting for the bot's replies) can wait until everything started has finished.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Meeting } from '../lambda/shared/domain';
import type { LocalEnvironment } from './local-environment';
import { ExecutionFacts, blocksToText, describeExecution } from './trace';
import type { LocalExecution } from './workflow-runner';

/** Runs executions and keeps them. */
export interface Executions {
  /** Every finished execution, in order. */
  readonly all: readonly LocalExecution[];
  /** Starts an execution of the workflow with this input and name; it is printed when it ends. */
  start(input: Record<string, unknown>, name: string): void;
  /** Counts `work` as running until it settles (anything that can still send a message: executions, queued work). */
  track(work: Promise<unknown>): void;
  /** Resolves when nothing tracked is running. */
  idle(): Promise<void>;
  /** Resolves once `count` executions have finished in all. */
  finished(count: number): Promise<readonly LocalExecution[]>;
}

/** A real wait in words: "here that takes 1 h 20 min". */
function waitInWords(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `here that takes ${s} s`;
  const min = Math.round(s / 60);
  return min < 60 ? `here that takes ${min} min` : `here that takes ${Math.floor(min / 60)} h ${min % 60} min`;
}

/** Options of {@link createExecutions}. */
export interface ExecutionsOptions {
  readonly env: LocalEnvironment;
  readonly log: (line: string) => void;
  readonly retryIntervalMs?: number;
  /** How many times faster Wait states pass (`--time-scale`). @default 1 */
  readonly timeScale?: number;
  /** How much faster than real time a waiting task's receipt wait runs. @default 1 */
  readonly waitTimeScale?: number;
}

/** How the message an execution delivered looks to the executive, found by the provider id it recorded. */
async function deliveredMessage(env: LocalEnvironment, output: unknown): Promise<string[] | undefined> {
  const delivery = (output as { delivery?: { channel?: string; notification_id?: string } } | undefined)?.delivery;
  const id = delivery?.notification_id;
  if (!id) return undefined;
  if (delivery.channel === 'slack') {
    const message = env.slack.messages.find((m) => m.method === 'chat.postMessage' && m.ts === id);
    if (!message) return ['(sent to Slack itself: see the app’s DM)'];
    const shown = Array.isArray(message.blocks) ? blocksToText(message.blocks) : (message.text ?? '');
    return [`Slack message to ${message.channel}:`, ...shown.split('\n')];
  }
  if (delivery.channel === 'sms') {
    const sms = env.twilio.messages.find((m) => m.sid === id);
    return sms ? [`SMS to ${sms.to}: ${sms.body}`] : ['(sent through Twilio itself)'];
  }
  if (delivery.channel === 'email') {
    const mail = (await env.ses.emails()).find((m) => m.messageId === id);
    return mail
      ? [`Email to ${mail.destination.to.join(', ')}, subject: ${mail.subject}`]
      : ['(sent through SES itself)'];
  }
  return undefined;
}

/** The executions of one runtime. */
export function createExecutions(options: ExecutionsOptions): Executions {
  const { env, log } = options;
  const all: LocalExecution[] = [];
  const running = new Set<Promise<unknown>>();
  const waiters: { count: number; resolve: (all: readonly LocalExecution[]) => void }[] = [];

  const track = (work: Promise<unknown>): void => {
    const tracked: Promise<unknown> = work.catch(() => undefined).finally(() => running.delete(tracked));
    running.add(tracked);
  };

  const report = async (execution: LocalExecution, input: Record<string, unknown>): Promise<void> => {
    const detail = (input['detail'] ?? {}) as Record<string, unknown>;
    const meetingId =
      typeof detail['meeting_id'] === 'string' && detail['meeting_id'] !== '' ? detail['meeting_id'] : undefined;
    let meetingAfter: ExecutionFacts['meetingAfter'];
    if (meetingId) {
      const out = await env.db.send(new GetCommand({ TableName: env.tables.meetings, Key: { meeting_id: meetingId } }));
      meetingAfter = (out.Item as Meeting | undefined) ?? null;
    }
    const message = execution.status === 'SUCCEEDED' ? await deliveredMessage(env, execution.output) : undefined;
    log('');
    for (const line of describeExecution({
      execution,
      kind: String(input['detail-type']),
      ...(meetingId ? { meetingId } : {}),
      ...(message ? { deliveredMessage: message } : {}),
      ...(meetingAfter !== undefined ? { meetingAfter } : {}),
    })) {
      log(line);
    }
  };

  return {
    all,
    track,
    start(input, name) {
      track(
        (async () => {
          const execution = await env.workflow.run(input, {
            executionName: name,
            timeScale: options.timeScale ?? 1,
            // A quiet-hours wait can last hours: say so when it starts, not only in the execution's final trace.
            onEvent: (e) => {
              if (e.type === 'WaitScheduled') {
                log(
                  `  Execution ${name} waits in ${e.state} until ${e.until} (${e.reason}): ${waitInWords(e.realMs ?? 0)}${(options.timeScale ?? 1) === 1 ? '; --time-scale N makes it pass N times faster' : ''}.`,
                );
              }
            },
            ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
            ...(options.waitTimeScale !== undefined ? { waitTimeScale: options.waitTimeScale } : {}),
          });
          await report(execution, input);
          all.push(execution);
          for (const w of waiters.filter((x) => all.length >= x.count)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(all);
          }
        })().catch((error: unknown) => log(`  Execution ${name} could not run: ${(error as Error).message}`)),
      );
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    finished(count) {
      if (all.length >= count) return Promise.resolve(all);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
}
