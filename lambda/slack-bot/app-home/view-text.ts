/**
 * A Block Kit surface as plain text, for a terminal (`npm start -- home`) and for logs: headers, section and context
 * text, fields, and interactive elements as `[Button]`, `[x] Option`, `(select: …)`. Pure.
 */
import type { AnyBlock } from '@slack/types';

type Node = { readonly [key: string]: unknown };
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string => (isNode(v) && typeof v.text === 'string' ? v.text : '');
/** mrkdwn entities back to characters, for reading. */
const unescapeMrkdwn = (t: string): string => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function element(e: unknown): string {
  if (!isNode(e)) return '';
  const values = (list: unknown): string[] =>
    Array.isArray(list) ? list.map((o) => (isNode(o) ? String(o.value) : '')) : [];
  switch (e.type) {
    case 'button':
      return `[${textOf(e.text)}]`;
    case 'checkboxes': {
      const on = values(e.initial_options);
      return (Array.isArray(e.options) ? e.options : [])
        .map((o) => `[${on.includes(isNode(o) ? String(o.value) : '') ? 'x' : ' '}] ${isNode(o) ? textOf(o.text) : ''}`)
        .join('  ');
    }
    case 'static_select':
      return `(select: ${isNode(e.initial_option) ? textOf(e.initial_option.text) : '-'})`;
    case 'multi_static_select':
      return `(select: ${values(e.initial_options).join(', ') || '-'})`;
    case 'timepicker':
      return `(time: ${typeof e.initial_time === 'string' ? e.initial_time : '--:--'})`;
    default:
      return `(${String(e.type)})`;
  }
}

/** One line or more per block, in order. */
export function blocksAsText(blocks: readonly AnyBlock[]): string {
  const lines: string[] = [];
  for (const block of blocks as readonly unknown[]) {
    if (!isNode(block)) continue;
    switch (block.type) {
      case 'header':
        lines.push(`== ${textOf(block.text)} ==`);
        break;
      case 'divider':
        lines.push('----');
        break;
      case 'section': {
        const fields = Array.isArray(block.fields) ? block.fields.map(textOf) : [];
        lines.push(unescapeMrkdwn([textOf(block.text), ...fields].filter(Boolean).join('\n')));
        if (block.accessory) lines.push(`  ${element(block.accessory)}`);
        break;
      }
      case 'context':
        lines.push(unescapeMrkdwn((Array.isArray(block.elements) ? block.elements.map(textOf) : []).join(' ')));
        break;
      case 'actions':
        lines.push(`  ${(Array.isArray(block.elements) ? block.elements.map(element) : []).join(' ')}`);
        break;
      case 'input':
        lines.push(`${textOf(block.label)}: ${element(block.element)}`);
        break;
      default:
        lines.push(`(${String(block.type)})`);
    }
  }
  return lines.join('\n');
}
