/**
 * The state machine's ASL: the committed file and the synthesized definition with its substitutions, and what its
 * states invoke and go to.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sortedUnique } from './iam-statements';
import {
  asArray,
  asObject,
  asString,
  type JsonObject,
  type ResourceJson,
  resourcesOfType,
  type TemplateJson,
} from './template-json';

/** The committed ASL definition. */
export const ASL_PATH = path.join(__dirname, '..', '..', 'state-machines', 'prep-notification.asl.json');

/** One state of an ASL document, loosely typed. */
export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[]; readonly Next: string }[];
  readonly Choices?: readonly { readonly Next: string }[];
  readonly [key: string]: unknown;
}

/** An ASL document. */
export interface AslDocument {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly [key: string]: unknown;
}

function asAsl(value: unknown, what: string): AslDocument {
  const doc = asObject(value, what);
  asString(doc['StartAt'], `${what}.StartAt`);
  for (const [name, state] of Object.entries(asObject(doc['States'], `${what}.States`))) {
    asString(asObject(state, name)['Type'], `${name}.Type`);
  }
  return doc as unknown as AslDocument;
}

/** The ASL file as committed. */
export function readAslFile(): AslDocument {
  return asAsl(JSON.parse(fs.readFileSync(ASL_PATH, 'utf8')), ASL_PATH);
}

/** The one state machine of a template: its logical id, properties and parsed definition. */
export interface SynthesizedStateMachine {
  readonly logicalId: string;
  readonly properties: JsonObject;
  /** The raw DefinitionString, `${…}` placeholders included. */
  readonly definitionString: string;
  readonly definition: AslDocument;
  /** DefinitionSubstitutions, by placeholder name. */
  readonly substitutions: JsonObject;
}

/** The state machine of the template; fails unless there is exactly one with an inline string definition. */
export function stateMachineOf(json: TemplateJson): SynthesizedStateMachine {
  const machines = resourcesOfType(json, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const [logicalId, machine] = machines[0] as [string, ResourceJson];
  const definitionString = asString(machine.Properties['DefinitionString'], 'DefinitionString');
  return {
    logicalId,
    properties: machine.Properties,
    definitionString,
    definition: asAsl(JSON.parse(definitionString), 'DefinitionString'),
    substitutions: asObject(machine.Properties['DefinitionSubstitutions'] ?? {}, 'DefinitionSubstitutions'),
  };
}

/** The placeholder name of a `${Name}` Resource, or undefined for a literal one. */
export function placeholderOf(resourceValue: string | undefined): string | undefined {
  return resourceValue?.match(/^\$\{([A-Za-z0-9_]+)\}$/)?.[1];
}

/** The logical id a substitution points at (`Fn::GetAtt [id, Arn]`). */
export function substitutedFunction(machine: SynthesizedStateMachine, placeholder: string): string {
  const value = asObject(machine.substitutions[placeholder], `substitution ${placeholder}`);
  const [id, attribute] = asArray(value['Fn::GetAtt'], `substitution ${placeholder} Fn::GetAtt`);
  if (attribute !== 'Arn') throw new Error(`substitution ${placeholder} is not an Arn: ${JSON.stringify(value)}`);
  return asString(id, 'substituted logical id');
}

/** The callback-pattern Lambda integration: the function is in `Parameters.FunctionName`. */
export const LAMBDA_WAIT_FOR_TASK_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** The placeholder of the function a Task invokes: its Resource, or FunctionName for the callback pattern. */
export function taskFunctionPlaceholder(state: AslState): string | undefined {
  if (state.Resource === LAMBDA_WAIT_FOR_TASK_TOKEN) {
    const name = (state as { Parameters?: { FunctionName?: unknown } }).Parameters?.FunctionName;
    return typeof name === 'string' ? placeholderOf(name) : undefined;
  }
  return placeholderOf(state.Resource);
}

/** The function logical ids the definition's Task states invoke. */
export function invokedFunctions(machine: SynthesizedStateMachine): string[] {
  const ids = Object.values(machine.definition.States)
    .map((state) => taskFunctionPlaceholder(state))
    .filter((p): p is string => p !== undefined)
    .map((p) => substitutedFunction(machine, p));
  return sortedUnique(ids);
}

/** Every state name a state can go to (Next, Default, Choices, Catch). */
export function transitionsOf(state: AslState): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ];
}
