/** Text helpers every surface shares (messages, pages, Block Kit views). Pure. */

/** Escapes the five characters HTML reserves, for text and attribute values alike. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Cuts to at most `max` characters (code points, so no emoji is split), ending with `ellipsis` when cut. */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - ellipsis.length)).join('')}${ellipsis}`;
}
