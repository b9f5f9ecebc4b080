/**
 * The synthesized template as typed JSON, without `any`: checked accessors, resources by type or id, CloudFormation
 * values rendered as readable text, and the Lambda functions with their environments.
 */
import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { ENTRY_METADATA_KEY } from '../../lib/entry-metadata';

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a plain (non-array) object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as an object, or a test failure naming what was expected. */
export function asObject(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw new Error(`expected ${what} to be an object, got ${JSON.stringify(value)}`);
  return value;
}

/** The value as an array, or a test failure naming what was expected. */
export function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected ${what} to be an array, got ${JSON.stringify(value)}`);
  return value;
}

/** The value as a string, or a test failure naming what was expected. */
export function asString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`expected ${what} to be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** A scalar or a list of them, as a list (IAM allows both shapes for Action and Resource). */
export function toList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** One CloudFormation resource. */
export interface ResourceJson {
  readonly Type: string;
  readonly Properties: JsonObject;
  readonly Metadata?: JsonObject;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** A CloudFormation template. */
export interface TemplateJson {
  readonly Resources: Readonly<Record<string, ResourceJson>>;
}

/** The template as typed JSON. */
export function templateJson(template: Template): TemplateJson {
  const json: unknown = template.toJSON();
  const resources = asObject(asObject(json, 'template')['Resources'], 'Resources');
  const typed: Record<string, ResourceJson> = {};
  for (const [id, raw] of Object.entries(resources)) {
    const resource = asObject(raw, id);
    const optionalString = (key: string) =>
      resource[key] === undefined ? {} : { [key]: asString(resource[key], `${id}.${key}`) };
    typed[id] = {
      Type: asString(resource['Type'], `${id}.Type`),
      Properties: resource['Properties'] === undefined ? {} : asObject(resource['Properties'], `${id}.Properties`),
      ...(resource['Metadata'] === undefined ? {} : { Metadata: asObject(resource['Metadata'], `${id}.Metadata`) }),
      ...optionalString('DeletionPolicy'),
      ...optionalString('UpdateReplacePolicy'),
    };
  }
  return { Resources: typed };
}

/** The resources of one type, as `[logicalId, resource]` pairs. */
export function resourcesOfType(json: TemplateJson, type: string): [string, ResourceJson][] {
  return Object.entries(json.Resources).filter(([, resource]) => resource.Type === type);
}

/** A resource by logical id, failing the test when it is missing. */
export function resource(json: TemplateJson, logicalId: string): ResourceJson {
  const found = json.Resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId} in the template`);
  return found;
}

/** The logical id of a construct's CloudFormation resource (an L2's default child). */
export function logicalIdOf(construct: IConstruct): string {
  const cfn = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(cfn).getLogicalId(cfn);
}

/**
 * A CloudFormation value as readable text: `Ref` → `${Id}`, `Fn::GetAtt` → `${Id.Attr}`, `Fn::Join` concatenated,
 * plain strings as they are. Two values that render alike point at the same thing.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    if ('Ref' in value) return `\${${asString(value['Ref'], 'Ref')}}`;
    if ('Fn::GetAtt' in value) {
      const [id, attribute] = asArray(value['Fn::GetAtt'], 'Fn::GetAtt');
      return `\${${asString(id, 'GetAtt id')}.${asString(attribute, 'GetAtt attribute')}}`;
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = asArray(value['Fn::Join'], 'Fn::Join');
      return asArray(parts, 'Fn::Join parts').map(render).join(asString(separator, 'Fn::Join separator'));
    }
  }
  return JSON.stringify(value);
}

/** A token of the stack (an ARN, a name) rendered as it appears in the template. */
export function renderToken(stack: Stack, token: string): string {
  const resolved: unknown = stack.resolve(token);
  return render(resolved);
}

/** Every string anywhere in a JSON value (keys included). */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (isObject(value)) return Object.entries(value).flatMap(([key, v]) => [key, ...allStrings(v)]);
  return [];
}

/**
 * Every AWS::Lambda::Function of the template, keyed by the source entry it runs (the house construct's metadata,
 * e.g. `lambda/workflow/load-meeting.ts`) or, for any other function, its logical id.
 */
export function lambdaFunctions(
  json: TemplateJson,
): Map<string, { readonly logicalId: string; readonly resource: ResourceJson }> {
  const byName = new Map<string, { logicalId: string; resource: ResourceJson }>();
  for (const [logicalId, fn] of resourcesOfType(json, 'AWS::Lambda::Function')) {
    const entry = fn.Metadata?.[ENTRY_METADATA_KEY];
    byName.set(typeof entry === 'string' ? entry : logicalId, { logicalId, resource: fn });
  }
  return byName;
}

/** One value per function, keyed like {@link lambdaFunctions}: failures name the function. */
export function perFunction<T>(
  json: TemplateJson,
  pick: (fn: ResourceJson, logicalId: string) => T,
): Record<string, T> {
  return Object.fromEntries(
    [...lambdaFunctions(json)].map(([name, { logicalId, resource: fn }]) => [name, pick(fn, logicalId)]),
  );
}

/** The same value for every function, keyed like {@link lambdaFunctions}. */
export function everyFunction<T>(json: TemplateJson, value: T): Record<string, T> {
  return perFunction(json, () => value);
}

/** A function's environment variables (empty when it has none). */
export function environmentOf(fn: ResourceJson): JsonObject {
  const environment = fn.Properties['Environment'];
  if (environment === undefined) return {};
  const variables = asObject(environment, 'Environment')['Variables'];
  return variables === undefined ? {} : asObject(variables, 'Environment.Variables');
}
