/**
 * The AWS requests each function's code can send, read from the source: every module a function's entry imports
 * (relative imports, followed transitively, as esbuild bundles them), and in each, every `new XxxCommand(` whose
 * class comes from an AWS SDK package. Each command becomes the IAM action it needs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from './helpers';

/** IAM service prefix of each SDK package a function may import commands from. */
export const SDK_PREFIXES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-ses': 'ses',
  '@aws-sdk/client-sesv2': 'ses',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
};

/** lib-dynamodb's document commands are named after the item, not the API action. */
const DOCUMENT_COMMANDS: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

/** One command found in the source. */
export interface SentCommand {
  /** The IAM action, e.g. `dynamodb:GetItem`. */
  readonly action: string;
  /** Where: `lambda/shared/meetings/table.ts`. */
  readonly file: string;
}

const IMPORT = /(?:import|export)\s+(?:type\s+)?([\s\S]*?)\s*from\s*['"]([^'"]+)['"]/g;
const BARE_IMPORT = /(?:import\s*\(|require\s*\(|import\s+)\s*['"]([^'"]+)['"]/g;

function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** The names a file imports from each package: local name → package. */
function importedNames(source: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const match of source.matchAll(IMPORT)) {
    const [, clause = '', from = ''] = match;
    const braces = /\{([\s\S]*)\}/.exec(clause);
    if (!braces) continue;
    for (const raw of (braces[1] ?? '').split(',')) {
      const item = raw.trim().replace(/^type\s+/, '');
      if (!item) continue;
      const [, local] = /^\S+(?:\s+as\s+(\S+))?$/.exec(item) ?? [];
      names.set(local ?? item.split(/\s+/)[0] ?? item, from);
    }
  }
  return names;
}

/** Every source file an entry pulls in through relative imports, the entry first. */
export function moduleGraph(entry: string): string[] {
  const start = path.join(PROJECT_ROOT, entry);
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = fs.readFileSync(file, 'utf8');
    // `import type … from` is erased by esbuild: it brings no code, so it is not followed.
    const specifiers = [...source.matchAll(IMPORT)]
      .filter((m) => !/^(?:import|export)\s+type\s/.test(m[0]))
      .map((m) => m[2] ?? '')
      .concat([...source.matchAll(BARE_IMPORT)].map((m) => m[1] ?? ''));
    for (const specifier of specifiers) {
      if (!specifier.startsWith('.')) continue;
      const resolved = resolveRelative(file, specifier);
      if (resolved) queue.push(resolved);
    }
  }
  return [...seen];
}

/** The commands one file constructs; throws for a command from a package {@link SDK_PREFIXES} does not know. */
export function commandsInFile(file: string): SentCommand[] {
  const source = fs.readFileSync(file, 'utf8');
  const imports = importedNames(source);
  const relative = path.relative(PROJECT_ROOT, file);
  const found: SentCommand[] = [];
  for (const match of source.matchAll(/new\s+([A-Z][A-Za-z0-9]*)Command\s*\(/g)) {
    const name = match[1] as string;
    const from = imports.get(`${name}Command`);
    if (from === undefined || !from.startsWith('@aws-sdk/')) continue;
    const prefix = SDK_PREFIXES[from];
    if (!prefix) throw new Error(`${relative} sends ${name}Command from ${from}: add its IAM prefix to SDK_PREFIXES`);
    const action = from === '@aws-sdk/lib-dynamodb' ? (DOCUMENT_COMMANDS[name] ?? name) : name;
    found.push({ action: `${prefix}:${action}`, file: relative });
  }
  return found;
}

/** Every AWS command a function's bundle can send. */
export function commandsOfEntry(entry: string): SentCommand[] {
  return moduleGraph(entry).flatMap(commandsInFile);
}
