/** Checks a Block Kit surface against Slack's limits; returns every violation (empty when within limits). */
import type { AnyBlock } from '@slack/types';

interface Limits {
  readonly maxBlocks: number;
}

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every violation of the documented limits in `blocks` (block count, texts, buttons, ids). */
export function blockKitViolations(blocks: readonly AnyBlock[], limits: Limits): string[] {
  const problems: string[] = [];
  if (blocks.length > limits.maxBlocks) problems.push(`${blocks.length} blocks > ${limits.maxBlocks}`);
  const blockIds = new Set<string>();
  const check = (cond: boolean, what: string): void => {
    if (!cond) problems.push(what);
  };
  const walk = (node: unknown, parentType: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, parentType);
      return;
    }
    if (!isObject(node)) return;
    const type = typeof node.type === 'string' ? node.type : undefined;
    const text = isObject(node.text) && typeof node.text.text === 'string' ? node.text.text : undefined;
    if (type === 'section' && text !== undefined) check(text.length <= 3000, `section text ${text.length} > 3000`);
    if (type === 'header' && text !== undefined) check(text.length <= 150, `header text ${text.length} > 150`);
    if (type === 'button') {
      check((text ?? '').length <= 75, `button text ${(text ?? '').length} > 75`);
      check(typeof node.value !== 'string' || node.value.length <= 2000, 'button value > 2000');
    }
    if (typeof node.action_id === 'string')
      check(node.action_id.length <= 255, `action_id ${node.action_id.length} > 255`);
    if (typeof node.block_id === 'string' && parentType === undefined) {
      check(node.block_id.length <= 255, `block_id ${node.block_id.length} > 255`);
      check(!blockIds.has(node.block_id), `duplicate block_id ${node.block_id}`);
      blockIds.add(node.block_id);
    }
    if (type === 'context' && Array.isArray(node.elements)) {
      for (const e of node.elements)
        if (isObject(e) && typeof e.text === 'string') check(e.text.length <= 3000, 'context text > 3000');
    }
    if (type === 'actions' && Array.isArray(node.elements)) check(node.elements.length <= 25, 'actions > 25 elements');
    for (const [key, value] of Object.entries(node)) if (key !== 'type') walk(value, type ?? parentType);
  };
  for (const b of blocks) walk(b, undefined);
  return problems;
}
