/** How the Slack stand-in checks a view as Slack does before `views.publish` or `views.open` accepts it. */

/** Slack's limits on a view: 100 blocks in a Home tab or modal, a modal title of 24 characters. */
const VIEW_MAX_BLOCKS = 100;
const MODAL_TITLE_MAX = 24;

/** Why Slack would refuse a view, or undefined. */
export function viewProblem(view: unknown, type: 'home' | 'modal'): string | undefined {
  if (typeof view !== 'object' || view === null) return 'invalid_arguments';
  const v = view as Record<string, unknown>;
  if (v['type'] !== type) return 'invalid_arguments';
  if (!Array.isArray(v['blocks']) || v['blocks'].length > VIEW_MAX_BLOCKS) return 'invalid_arguments';
  if (type === 'modal') {
    const title = v['title'] as { text?: unknown } | undefined;
    if (typeof title?.text !== 'string' || title.text.length === 0 || title.text.length > MODAL_TITLE_MAX)
      return 'invalid_arguments';
  }
  return undefined;
}
