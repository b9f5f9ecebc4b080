/**
 * EventBridge, as far as `npm start` needs it: `PutEvents` requests read and checked like the real API, and the
 * rule's pattern from the synthesized template deciding which events start the workflow.
 */
import type { CfnTemplate } from './synth';

/** One entry of a `PutEvents` request. */
export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
  readonly Time?: string;
}

/** The `PutEvents` response. */
export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly { readonly EventId: string }[];
}

/** Bad input to the events endpoint: answered 400 with the message, nothing published. */
export class BadEventsRequest extends Error {
  override readonly name = 'BadEventsRequest';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a `PutEvents` request body (`{"Entries":[…]}`), or a single EventBridge envelope (`{"source",
 * "detail-type","detail"}`) for convenience. Lists every problem; throws {@link BadEventsRequest}.
 */
export function parseEventsRequest(body: unknown): PutEventsEntry[] {
  if (isRecord(body) && typeof body['detail-type'] === 'string') {
    return parseEventsRequest({
      Entries: [{ Source: body['source'], DetailType: body['detail-type'], Detail: JSON.stringify(body['detail']) }],
    });
  }
  if (!isRecord(body) || !Array.isArray(body['Entries'])) {
    throw new BadEventsRequest('expected a PutEvents request: {"Entries":[{"Source","DetailType","Detail"}]}');
  }
  const entries = body['Entries'] as unknown[];
  const problems: string[] = [];
  if (entries.length < 1 || entries.length > 10)
    problems.push(`Entries must hold 1 to 10 events, got ${entries.length}`);
  entries.forEach((entry, i) => {
    if (!isRecord(entry)) {
      problems.push(`Entries[${i}] is not an object`);
      return;
    }
    for (const key of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[key] !== 'string' || entry[key] === '')
        problems.push(`Entries[${i}].${key} must be a non-empty string`);
    }
    if (typeof entry['Detail'] === 'string') {
      try {
        if (!isRecord(JSON.parse(entry['Detail'])))
          problems.push(`Entries[${i}].Detail must be a JSON object (as a string)`);
      } catch {
        problems.push(`Entries[${i}].Detail is not valid JSON`);
      }
    }
    if (entry['EventBusName'] !== undefined && entry['EventBusName'] !== 'default') {
      problems.push(`Entries[${i}].EventBusName: only the default bus is served locally`);
    }
  });
  if (problems.length > 0) throw new BadEventsRequest(problems.join('; '));
  return entries as PutEventsEntry[];
}

/** The rule's pattern from the template: the sources and detail types that start the workflow. */
export function rulePattern(template: CfnTemplate): { source: string[]; detailType: string[] } {
  const rule = Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::Rule');
  const pattern = rule?.Properties?.['EventPattern'] as { source?: string[]; 'detail-type'?: string[] } | undefined;
  if (!pattern?.source || !pattern['detail-type'])
    throw new Error('the template has no EventBridge rule with a pattern');
  return { source: pattern.source, detailType: pattern['detail-type'] };
}

/** The envelope EventBridge hands a rule's target for `entry`, with event id `id`. */
export function eventEnvelope(entry: PutEventsEntry, id: string): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: '123456789012',
    time: entry.Time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: entry.Resources ?? [],
    detail: JSON.parse(entry.Detail) as Record<string, unknown>,
  };
}
