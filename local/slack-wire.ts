/**
 * Slack Web API arguments as the WebClient sends them: a JSON body, or a form body whose object-valued arguments
 * are JSON-encoded and whose booleans are `true`/`false`, plus any query arguments.
 */

/** A Web API method's arguments. */
export type Args = Record<string, unknown>;

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'user_auth_blocks']);
const BOOLEAN_FIELDS = new Set([
  'as_user',
  'link_names',
  'mrkdwn',
  'reply_broadcast',
  'unfurl_links',
  'unfurl_media',
  'replace_original',
  'delete_original',
  'include_locale',
  'return_im',
  'prevent_creation',
]);
/** Parses a JSON or form body (plus query arguments); `undefined` when a JSON body is not an object. */
export function parseArgs(body: string, contentType: string, query: URLSearchParams): Args | undefined {
  const args: Args = Object.fromEntries(query);
  if (contentType.includes('application/json')) {
    if (body.trim() === '') return args;
    const parsed = parseJson(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? { ...args, ...(parsed as Args) }
      : undefined;
  }
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = decodeFormValue(key, value);
  }
  return args;
}

/** WebClient JSON-encodes object-valued arguments in form bodies and sends booleans as `true`/`false`. */
function decodeFormValue(key: string, value: string): unknown {
  if (BOOLEAN_FIELDS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return JSON_FIELDS.has(key) ? (parseJson(value) ?? value) : value;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
