/**
 * The authorization table of docs/AUTHORIZATION.md, read as data: one request per row, with symbols the
 * simulation resolves against a synthesized template.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from './helpers';

/** Where the table lives (docs/AUTHORIZATION.md). */
export const AUTHORIZATION_TABLE_PATH = path.join(PROJECT_ROOT, 'docs', 'AUTHORIZATION.md');

/** When a row applies. */
export type RowCondition = '-' | 'sender' | 'secrets-key' | 'tables-key' | 'alarms' | 'account';
const CONDITIONS: readonly RowCondition[] = ['-', 'sender', 'secrets-key', 'tables-key', 'alarms', 'account'];

/** One request of the table. */
export interface AuthorizationRow {
  /** 1-based row number in the table, for messages. */
  readonly line: number;
  readonly caller: string;
  readonly action: string;
  readonly resource: string;
  /** Context key → symbol. */
  readonly context: Readonly<Record<string, string>>;
  readonly expect: 'Allowed' | 'Denied';
  readonly when: RowCondition;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

const unquote = (cell: string) => cell.replace(/`/g, '').trim();

/** Parses the "Requests" table; throws one error listing every malformed row. */
export function parseAuthorizationTable(markdown: string): AuthorizationRow[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === '## Requests');
  if (start < 0) throw new Error('docs/AUTHORIZATION.md has no "## Requests" section');
  const tableLines = lines.slice(start + 1).filter((l) => l.trim().startsWith('|'));
  const [header, , ...body] = tableLines;
  const expectedHeader = ['caller', 'action', 'resource', 'context', 'expect', 'when'];
  if (!header || cells(header).join(',') !== expectedHeader.join(',')) {
    throw new Error(`the Requests table's header must be | ${expectedHeader.join(' | ')} |`);
  }
  const problems: string[] = [];
  const rows: AuthorizationRow[] = [];
  body.forEach((raw, i) => {
    const line = i + 1;
    const [caller = '', action = '', resource = '', context = '', expect = '', when = ''] = cells(raw);
    const contextEntries: Record<string, string> = {};
    for (const pair of context.match(/`[^`]+`/g) ?? []) {
      const [key, ...value] = unquote(pair).split('=');
      if (!key || value.length === 0) problems.push(`row ${line}: context ${pair} is not key=value`);
      else contextEntries[key] = value.join('=');
    }
    if (expect !== 'Allowed' && expect !== 'Denied')
      problems.push(`row ${line}: expect must be Allowed or Denied, got ${expect}`);
    if (!(CONDITIONS as readonly string[]).includes(when))
      problems.push(`row ${line}: when must be one of ${CONDITIONS.join(', ')}, got ${when}`);
    if (!/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(unquote(action)))
      problems.push(`row ${line}: action ${action} is not service:Action`);
    rows.push({
      line,
      caller: unquote(caller),
      action: unquote(action),
      resource: unquote(resource),
      context: contextEntries,
      expect: expect as AuthorizationRow['expect'],
      when: when as RowCondition,
    });
  });
  if (problems.length > 0) throw new Error(`docs/AUTHORIZATION.md:\n${problems.join('\n')}`);
  return rows;
}

/** The committed table. */
export function readAuthorizationTable(): AuthorizationRow[] {
  return parseAuthorizationTable(fs.readFileSync(AUTHORIZATION_TABLE_PATH, 'utf8'));
}

/** A row as one line of text, for test names and failure messages. */
export function describeRow(row: AuthorizationRow, caller = row.caller): string {
  const context = Object.entries(row.context)
    .map(([k, v]) => ` ${k}=${v}`)
    .join('');
  return `${caller} → ${row.action} → ${row.resource}${context} ⇒ ${row.expect}`;
}
