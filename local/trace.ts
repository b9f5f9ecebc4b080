/**
 * Renders a local execution like the Step Functions console's event history, and the messages it sent as a
 * person would see them. Pure: strings in, strings out.
 */
import { HistoryEvent, LocalExecution } from './workflow-runner';

/** A Block Kit block, loosely typed: only what the renderer reads. */
interface BlockLike {
  type: string;
  text?: { text?: string };
  fields?: { text?: string }[];
  elements?: { type?: string; text?: { text?: string } | string; style?: string }[];
}

/** Slack's mrkdwn as plain text: `*bold*` kept readable, entities decoded. */
function plain(mrkdwn: string): string {
  return mrkdwn.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Block Kit blocks as readable text: header, sections and fields, buttons in brackets. */
export function blocksToText(blocks: readonly unknown[]): string {
  const out: string[] = [];
  for (const raw of blocks) {
    const block = raw as BlockLike;
    switch (block.type) {
      case 'header':
        out.push(`== ${block.text?.text ?? ''} ==`);
        break;
      case 'section':
        if (block.text?.text) out.push(plain(block.text.text));
        if (block.fields?.length) out.push(block.fields.map((f) => plain(f.text ?? '').replace('\n', ': ')).join('   '));
        break;
      case 'context':
        out.push((block.elements ?? []).map((e) => (typeof e.text === 'string' ? plain(e.text) : '')).join(' '));
        break;
      case 'actions':
        out.push(
          (block.elements ?? [])
            .map((e) => `[ ${typeof e.text === 'object' ? e.text?.text ?? '' : ''} ]${e.style === 'primary' ? '*' : ''}`)
            .join(' '),
        );
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
        lines.push(`${at(e)}  → ${state} (${e.stateType ?? 'State'})`);
        break;
      case 'StateExited':
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
