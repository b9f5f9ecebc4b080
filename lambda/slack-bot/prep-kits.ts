/**
 * Prep kits: per meeting type, an agenda outline, a question bank and a note-taking template, from
 * `config/meeting_types.yaml`. The Lambda bundle carries a copy of that file next to `index.js` (the function's
 * `copyFiles`); source runs (tests, tsx) read it from `config/`. Parsing and validation are pure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { MEETING_TYPES, MeetingType } from '../shared/domain';

/** The file's name, in `config/` and in the bundle. */
export const PREP_KITS_FILE = 'meeting_types.yaml';

/** One meeting type's kit. */
export interface PrepKit {
  readonly agenda: readonly string[];
  readonly questions: readonly string[];
  readonly notes_template: string;
}

/** Every type's kit, and the default for types without one. */
export interface PrepKits {
  readonly default: PrepKit;
  readonly byType: Readonly<Partial<Record<MeetingType, PrepKit>>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readKit(name: string, raw: unknown, problems: string[]): PrepKit | undefined {
  if (!isRecord(raw)) {
    problems.push(`${name}: must be a mapping with agenda, questions and notes_template`);
    return undefined;
  }
  const list = (key: string): string[] => {
    const value = raw[key];
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
      problems.push(`${name}.${key}: must be a non-empty list of strings`);
      return [];
    }
    return value as string[];
  };
  const agenda = list('agenda');
  const questions = list('questions');
  const template = raw['notes_template'];
  if (typeof template !== 'string' || template.trim() === '')
    problems.push(`${name}.notes_template: must be a non-empty string`);
  return { agenda, questions, notes_template: typeof template === 'string' ? template.trimEnd() : '' };
}

/** Parses and validates the YAML text; throws one error listing every problem. */
export function parsePrepKits(yamlText: string): PrepKits {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (error) {
    throw new Error(`${PREP_KITS_FILE} is not valid YAML: ${(error as Error).message}`);
  }
  const kits = isRecord(doc) ? doc['kits'] : undefined;
  if (!isRecord(kits)) throw new Error(`${PREP_KITS_FILE}: expected a top-level "kits" mapping`);
  const byType: Partial<Record<MeetingType, PrepKit>> = {};
  let fallback: PrepKit | undefined;
  for (const [name, raw] of Object.entries(kits)) {
    if (name === 'default') {
      fallback = readKit(name, raw, problems);
    } else if ((MEETING_TYPES as readonly string[]).includes(name)) {
      const kit = readKit(name, raw, problems);
      if (kit) byType[name as MeetingType] = kit;
    } else {
      problems.push(`${name}: not a meeting type (known: ${MEETING_TYPES.join(', ')}, default)`);
    }
  }
  if (!fallback) problems.push('default: a default kit is required');
  if (problems.length > 0) throw new Error(`Invalid ${PREP_KITS_FILE}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { default: fallback as PrepKit, byType };
}

/** The kit for a meeting type, or the default. */
export function prepKitFor(kits: PrepKits, type: MeetingType): PrepKit {
  return kits.byType[type] ?? kits.default;
}

/** Where the file is looked for: next to the bundle first, then the repository's `config/`. */
export function prepKitsCandidates(dir: string = __dirname): string[] {
  return [path.join(dir, PREP_KITS_FILE), path.join(dir, '..', '..', 'config', PREP_KITS_FILE)];
}

/** Reads and parses the kits file; throws (failing the cold start) when it is missing or invalid. */
export function loadPrepKits(candidates: readonly string[] = prepKitsCandidates()): PrepKits {
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`${PREP_KITS_FILE} not found (looked in ${candidates.join(', ')})`);
  return parsePrepKits(fs.readFileSync(found, 'utf8'));
}
