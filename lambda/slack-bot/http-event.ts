/**
 * API Gateway events as the webhook receives them, REST (v1) or HTTP API (v2): normalised to lower-case headers and
 * the raw body text, and the body parsed the way Slack sends it (form fields, a `payload=` JSON field, or JSON).
 * Pure.
 */

/** The parts of an API Gateway proxy event (v1 or v2) the webhook reads. */
export interface ApiGatewayEvent {
  readonly version?: string;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly [key: string]: unknown;
}

/** A proxy integration response (both shapes accept it). */
export interface ApiGatewayResult {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** An event with lower-case headers and its body decoded. */
export interface NormalizedRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: string;
}

/** Lower-cases header names (v1 keeps the sender's case) and decodes a base64 body as UTF-8. */
export function normalizeRequest(event: ApiGatewayEvent): NormalizedRequest {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (values && values.length > 0) headers[name.toLowerCase()] = values.join(',');
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  const body = event.body ?? '';
  return { headers, rawBody: event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body };
}

/** The media types Slack sends, as Bolt's receiver compares them (exactly, without parameters). */
export type SlackContentType = 'application/x-www-form-urlencoded' | 'application/json';

/** A parsed body, or why it could not be parsed. */
export type ParsedBody =
  | { readonly ok: true; readonly body: Readonly<Record<string, unknown>>; readonly contentType: SlackContentType }
  | { readonly ok: false; readonly problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string, what: string): ParsedBody {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed)
      ? { ok: true, body: parsed, contentType: 'application/json' }
      : { ok: false, problem: `${what} is not a JSON object` };
  } catch {
    return { ok: false, problem: `${what} is not valid JSON` };
  }
}

/**
 * Parses the body by its content type: form bodies (slash commands; interactions carry their JSON in `payload`)
 * or JSON (Events API). Anything else is tried as JSON.
 */
export function parseSlackBody(rawBody: string, contentTypeHeader: string | undefined): ParsedBody {
  const mediaType = (contentTypeHeader ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(rawBody);
    const payload = form.get('payload');
    if (payload !== null) {
      const parsed = parseJsonObject(payload, 'the payload field');
      return parsed.ok ? { ...parsed, contentType: 'application/x-www-form-urlencoded' } : parsed;
    }
    return { ok: true, body: Object.fromEntries(form), contentType: 'application/x-www-form-urlencoded' };
  }
  return parseJsonObject(rawBody, 'the body');
}

/** A JSON response. */
export function jsonResult(statusCode: number, body: unknown): ApiGatewayResult {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
