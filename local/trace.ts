/**
 * Renders a local execution like the Step Functions console's event history, and the messages it sent as a
 * person would see them. Pure: strings in, strings out.
 */
import { CHANNELS, channelSpec } from '../lambda/shared/channel-registry';
import { DEMO_USER } from './demo';
import type { HistoryEvent, LocalExecution } from './workflow-runner';

/** A Block Kit button, loosely typed. */
interface ButtonLike {
  type?: string;
  action_id?: string;
  text?: { text?: string } | string;
  style?: string;
  value?: string;
}

/** A Block Kit block, loosely typed: only what the renderer reads. */
interface BlockLike {
  type: string;
  block_id?: string;
  text?: { text?: string };
  fields?: { text?: string }[];
  elements?: ButtonLike[];
  accessory?: ButtonLike;
}

/** Slack's mrkdwn as plain text: `*bold*` kept readable, entities decoded. */
function plain(mrkdwn: string): string {
  return mrkdwn.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function buttonLabel(button: ButtonLike): string {
  const text = typeof button.text === 'object' ? (button.text?.text ?? '') : '';
  return `[ ${text} ]${button.style === 'primary' ? '*' : ''}`;
}

/** The command that clicks this button locally, when its value names a meeting (the prep buttons do). */
function clickCommand(button: ButtonLike): string | undefined {
  if (!button.action_id || !button.value) return undefined;
  try {
    const value = JSON.parse(button.value) as { meeting_id?: unknown; user_id?: unknown };
    if (typeof value.meeting_id !== 'string') return undefined;
    // Only the owner may click: name them unless they are the client's default user.
    const user =
      typeof value.user_id === 'string' && value.user_id !== DEMO_USER.user_id ? ` --user ${value.user_id}` : '';
    return `click ${button.action_id} ${value.meeting_id}${user}`;
  } catch {
    return undefined;
  }
}

function buttonsLines(buttons: readonly ButtonLike[]): string[] {
  const commands = buttons.map(clickCommand).filter((c): c is string => c !== undefined);
  return [
    buttons.map(buttonLabel).join(' '),
    ...(commands.length ? [`  ↳ npm start -- ${commands.join('  |  npm start -- ')}`] : []),
  ];
}

/**
 * Block Kit blocks as readable text: header, sections and fields, buttons in brackets (`*` marks the primary one)
 * followed by the `npm start -- click …` command that presses each.
 */
export function blocksToText(blocks: readonly unknown[]): string {
  const out: string[] = [];
  for (const raw of blocks) {
    const block = raw as BlockLike;
    switch (block.type) {
      case 'header':
        out.push(`== ${block.text?.text ?? ''} ==`);
        break;
      case 'section': {
        const id = /^meeting_(.+)$/.exec(block.block_id ?? '')?.[1];
        if (block.text?.text) out.push(`${id ? `(${id}) ` : ''}${plain(block.text.text)}`);
        if (block.fields?.length)
          out.push(block.fields.map((f) => plain(f.text ?? '').replace('\n', ': ')).join('   '));
        if (block.accessory?.type === 'button') out.push(...buttonsLines([block.accessory]));
        break;
      }
      case 'context':
        out.push((block.elements ?? []).map((e) => (typeof e.text === 'string' ? plain(e.text) : '')).join(' '));
        break;
      case 'actions':
        out.push(...buttonsLines(block.elements ?? []));
        break;
      case 'divider':
        out.push('----');
        break;
      default:
        out.push(`(${block.type} block)`);
    }
  }
  return out.join('\n');
}

function causeText(cause: unknown): string {
  const text = typeof cause === 'string' ? cause : JSON.stringify(cause);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/**
 * The history as console-style lines: each state entered and left with its duration, retries and catches with
 * their errors, and the execution's end.
 */
export function formatHistory(execution: LocalExecution): string[] {
  const lines: string[] = [];
  const started = new Map<string, number>();
  const open = new Set<string>();
  // The runner schedules a wait as the Wait state starts, which can be recorded just before its StateEntered.
  const pendingWaits = new Map<string, string>();
  const first = execution.history[0]?.timestamp ?? 0;
  const at = (e: HistoryEvent) => `+${String(e.timestamp - first).padStart(5)} ms`;
  for (const e of execution.history) {
    const state = e.state ?? '';
    switch (e.type) {
      case 'ExecutionStarted':
        lines.push(`${at(e)}  ExecutionStarted      ${execution.name}`);
        break;
      case 'StateEntered':
        started.set(state, e.timestamp);
        open.add(state);
        lines.push(`${at(e)}  → ${state} (${e.stateType ?? 'State'})`);
        if (pendingWaits.has(state)) lines.push(pendingWaits.get(state) as string);
        pendingWaits.delete(state);
        break;
      case 'StateExited':
        open.delete(state);
        lines.push(`${at(e)}  ← ${state}  ${e.timestamp - (started.get(state) ?? e.timestamp)} ms`);
        break;
      case 'StateRetried':
        lines.push(`${at(e)}  ↻ ${state} retry #${e.retryAttempt ?? '?'}`);
        break;
      case 'StateCaught':
        lines.push(`${at(e)}  ⤷ ${state} caught an error, going on`);
        break;
      case 'StateFailed':
        lines.push(`${at(e)}  ✗ ${state} failed: ${e.error ?? 'Error'} ${causeText(e.cause)}`);
        break;
      case 'WaitScheduled': {
        const line = `${at(e)}  ⏾ ${state} until ${e.until ?? '?'} (${e.reason ?? 'wait'}); here it passes in ${e.realMs ?? 0} ms`;
        if (open.has(state)) lines.push(line);
        else pendingWaits.set(state, line);
        break;
      }
      case 'TaskSubmitted':
        lines.push(`${at(e)}  ⏳ ${state} sent; waiting for the provider's receipt (task token)`);
        break;
      case 'TaskSucceeded':
        lines.push(`${at(e)}  ✉ ${state} receipt: delivered (SendTaskSuccess)`);
        break;
      case 'TaskFailed':
        lines.push(`${at(e)}  ✉ ${state} receipt: not delivered — ${e.error ?? 'Error'} ${causeText(e.cause)}`);
        break;
      case 'TaskTimedOut':
        lines.push(`${at(e)}  ⌛ ${state} no receipt in time (States.Timeout): recorded unconfirmed, not resent`);
        break;
      case 'ExecutionSucceeded':
        lines.push(`${at(e)}  ExecutionSucceeded`);
        break;
      case 'ExecutionFailed':
        lines.push(`${at(e)}  ExecutionFailed       ${e.error ?? ''}: ${causeText(e.cause)}`);
        break;
      default:
        lines.push(`${at(e)}  ${e.type} ${state}`);
    }
  }
  return lines;
}

const CHANNEL_OF_STATE: Readonly<Record<string, string>> = Object.fromEntries(
  CHANNELS.map((c) => [channelSpec(c).state, c]),
);

/** What the runtime found about one finished execution, for {@link describeExecution}. */
export interface ExecutionFacts {
  readonly execution: LocalExecution;
  /** The event's `detail-type`. */
  readonly kind: string;
  readonly meetingId?: string;
  /** How the delivered message looks to the executive (from that execution's own delivery id), one line each. */
  readonly deliveredMessage?: readonly string[];
  /** The meeting as stored after the execution; `null` when there is no such meeting. */
  readonly meetingAfter?: { readonly status?: string; readonly notification_status?: string } | null;
}

/** `$.delivery` of a succeeded execution: the channel that took the message, and the provider's id. */
function deliveryOf(output: unknown): { channel: string; id: string; sentAt?: string } | undefined {
  const delivery = (
    output as { delivery?: { channel?: unknown; notification_id?: unknown; sent_at?: unknown } } | undefined
  )?.delivery;
  if (typeof delivery?.channel !== 'string' || typeof delivery.notification_id !== 'string') return undefined;
  return {
    channel: delivery.channel,
    id: delivery.notification_id,
    ...(typeof delivery.sent_at === 'string' ? { sentAt: delivery.sent_at } : {}),
  };
}

/** Each channel tried without delivering in this execution: how many tries, and the last error. */
function undelivered(execution: LocalExecution, delivered: string | undefined): string[] {
  const tries = new Map<string, { count: number; error?: string }>();
  for (const e of execution.history) {
    const channel = CHANNEL_OF_STATE[e.state ?? ''];
    if (!channel || channel === delivered) continue;
    const entry = tries.get(channel) ?? { count: 0 };
    if (e.type === 'StateEntered' || e.type === 'StateRetried') entry.count += 1;
    if (e.error) entry.error = e.error;
    tries.set(channel, entry);
  }
  return [...tries].map(
    ([channel, t]) => `Not delivered via ${channel}: ${t.error ?? 'failed'}${t.count > 1 ? ` (${t.count} tries)` : ''}`,
  );
}

/** The states an execution that did not claim the meeting runs: the skip path. */
const UNCLAIMED_PATH: ReadonlySet<string> = new Set(['LoadMeeting', 'PickChannel', 'NotificationSkipped']);

/**
 * Whether this execution wrote to the meeting: it claimed it (LoadMeeting's claim; an execution that did not claim
 * goes from PickChannel straight to NotificationSkipped), or recorded that every channel failed.
 */
function changedMeeting(execution: LocalExecution): boolean {
  return execution.history.some((e) => e.type === 'StateEntered' && e.state && !UNCLAIMED_PATH.has(e.state));
}

/**
 * One execution as the local trace prints it: its history, how it ended, what it delivered (from its own output,
 * never the meeting's latest state), what it tried without delivering, and what it changed on the meeting.
 */
export function describeExecution(facts: ExecutionFacts): string[] {
  const { execution } = facts;
  const lines = [
    `━━ Execution ${execution.name}: ${facts.kind}${facts.meetingId ? ` for meeting ${facts.meetingId}` : ''} ━━`,
    ...formatHistory(execution).map((line) => `  ${line}`),
    `  Status: ${execution.status}${execution.error ? ` (${execution.error})` : ''}`,
  ];
  const output = execution.output as { prep?: { skip_reason?: string }; skip?: { Error?: string } } | undefined;
  if (output?.prep?.skip_reason) lines.push(`  Skipped: ${output.prep.skip_reason}`);
  if (output?.skip?.Error) lines.push(`  Skipped: ${output.skip.Error}`);
  const delivery = execution.status === 'SUCCEEDED' ? deliveryOf(execution.output) : undefined;
  for (const line of undelivered(execution, delivery?.channel)) lines.push(`  ${line}`);
  if (delivery) {
    lines.push(
      `  Delivered via ${delivery.channel} (id ${delivery.id})${delivery.sentAt ? ` at ${delivery.sentAt}` : ''}`,
    );
    for (const line of facts.deliveredMessage ?? []) lines.push(`    │ ${line}`);
  }
  if (facts.meetingId && facts.meetingAfter === null) lines.push(`  Meeting ${facts.meetingId} does not exist`);
  else if (facts.meetingId && facts.meetingAfter && changedMeeting(execution)) {
    const { status, notification_status: notification } = facts.meetingAfter;
    lines.push(
      `  Meeting ${facts.meetingId} is now ${status ?? '?'}${notification ? ` (notification ${notification})` : ''}`,
    );
  } else if (facts.meetingId && facts.meetingAfter) {
    lines.push(
      `  Meeting ${facts.meetingId} not changed by this execution (${facts.meetingAfter.status ?? 'no status'})`,
    );
  }
  return lines;
}
