/**
 * Shared helpers of the infrastructure tests: building the stack the way `bin/app.ts` does, reading the synthesized
 * template without `any`, and flattening IAM policies into comparable "action resource" grants.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { AppConfig, loadConfig } from '../../lib/config';
import { ENTRY_METADATA_KEY } from '../../lib/constructs/house-function';
import { PrepWorkflow } from '../../lib/constructs/prep-workflow';
import { SlackBotApi } from '../../lib/constructs/slack-bot-api';
import { MeetingPrepStack } from '../../lib/meeting-prep-stack';
import { withoutBundlingBanner } from '../support/quiet-bundling';

/** The stack's prep workflow (built with the flag on). */
export function workflowOf(stack: MeetingPrepStack): PrepWorkflow {
  if (!stack.workflow) throw new Error('this stack was built with enablePrepNotification=false');
  return stack.workflow;
}

/** The stack's Slack bot (built with the flag on). */
export function slackBotOf(stack: MeetingPrepStack): SlackBotApi {
  if (!stack.slackBot) throw new Error('this stack was built with enablePrepNotification=false');
  return stack.slackBot;
}

/** The project root. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** The ASL file the stack loads. */
export const ASL_PATH = path.join(PROJECT_ROOT, 'state-machines', 'prep-notification.asl.json');

/** The agents configuration the stack reads by default. */
export const AGENTS_PATH = path.join(PROJECT_ROOT, 'config', 'agents.yaml');

/** Context that makes synthesis skip esbuild bundling (see TOOLCHAIN.md). */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/** The id of every stack the tests build. */
export const TEST_STACK_ID = 'MeetingPrepTest';

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

/**
 * The context of `cdk.json` (feature flags such as `@aws-cdk/aws-iam:minimizePolicies`), so the tests check the
 * template `cdk synth` produces, not one built with different flags.
 */
export function cdkJsonContext(): JsonObject {
  const cdkJson = asObject(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')), 'cdk.json');
  return cdkJson['context'] === undefined ? {} : asObject(cdkJson['context'], 'cdk.json context');
}

/**
 * A synthesized stack with what the tests read from it. Unless built `asDeployed`, its cloud assembly directory is
 * already removed: read the template, not files of the assembly.
 */
export interface BuiltStack {
  readonly app: App;
  readonly config: AppConfig;
  readonly stack: MeetingPrepStack;
  readonly template: Template;
  /** The template as plain JSON. */
  readonly json: TemplateJson;
}

/** Options of {@link buildStack}. */
export interface BuildOptions {
  /** CDK context on top of cdk.json's, as `-c key=value` would give it. */
  readonly context?: JsonObject;
  /** The agents.yaml text. @default the committed config/agents.yaml */
  readonly agentsYaml?: string;
  /** The folder of the stage files. @default the committed config/stages */
  readonly stagesDir?: string;
  /**
   * Build it as `cdk synth` does: esbuild bundling and aws-cdk-lib's built-in CloudFormation Validate (~3 s to
   * start its engine in each test file, ~10 s of bundling). @default false: neither
   */
  readonly asDeployed?: boolean;
}

/**
 * Builds the stack as `bin/app.ts` does: context → `loadConfig` → `new MeetingPrepStack`, environment-agnostic;
 * for speed, without bundling or template validation unless `asDeployed`.
 */
export function buildStack(options: BuildOptions = {}): BuiltStack {
  const context = { ...cdkJsonContext(), ...(options.asDeployed ? {} : SKIP_BUNDLING), ...options.context };
  const app = new App({ context, builtinCloudFormationValidation: options.asDeployed === true });
  const config = loadConfig((key) => app.node.tryGetContext(key), options.agentsYaml, options.stagesDir);
  const stack = withoutBundlingBanner(() => new MeetingPrepStack(app, TEST_STACK_ID, { config }));
  const template = Template.fromStack(stack);
  if (!options.asDeployed) removeTemporaryOutdir(app);
  return { app, config, stack, template, json: templateJson(template) };
}

/**
 * Removes the temporary cloud assembly an App without `outdir` synthesizes into, once the template is read (one
 * per stack built, which would otherwise pile up in the temp directory). Anything outside it is left alone.
 */
export function removeTemporaryOutdir(app: App): void {
  const outdir = path.resolve(app.outdir);
  if (outdir.startsWith(path.resolve(os.tmpdir()) + path.sep)) fs.rmSync(outdir, { recursive: true, force: true });
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
      return asArray(parts, 'Fn::Join parts')
        .map(render)
        .join(asString(separator, 'Fn::Join separator'));
    }
  }
  return JSON.stringify(value);
}

/** A token of the stack (an ARN, a name) rendered as it appears in the template. */
export function renderToken(stack: Stack, token: string): string {
  const resolved: unknown = stack.resolve(token);
  return render(resolved);
}

/** An IAM statement, with Action and Resource always lists. */
export interface Statement {
  readonly Effect: string;
  readonly Action: readonly string[];
  readonly Resource: readonly unknown[];
  readonly Condition?: JsonObject;
  /** Keys present that this suite does not expect in identity policies (NotAction, NotResource, Principal). */
  readonly otherKeys: readonly string[];
}

function toStatement(raw: unknown): Statement {
  const statement = asObject(raw, 'policy statement');
  const known = new Set(['Effect', 'Action', 'Resource', 'Condition', 'Sid']);
  return {
    Effect: asString(statement['Effect'], 'Effect'),
    Action: toList(statement['Action']).map((a) => asString(a, 'Action')),
    Resource: toList(statement['Resource']),
    ...(statement['Condition'] === undefined ? {} : { Condition: asObject(statement['Condition'], 'Condition') }),
    otherKeys: Object.keys(statement).filter((key) => !known.has(key)),
  };
}

/** The logical id of the role a function runs as (its `Role` is a `Fn::GetAtt` of the role). */
export function roleOfFunction(json: TemplateJson, functionLogicalId: string): string {
  const role = asObject(resource(json, functionLogicalId).Properties['Role'], `${functionLogicalId}.Role`);
  const [roleId] = asArray(role['Fn::GetAtt'], `${functionLogicalId}.Role Fn::GetAtt`);
  return asString(roleId, 'role logical id');
}

/** Every identity-policy statement of a role: its inline policies and the AWS::IAM::Policy resources attached to it. */
export function statementsOfRole(json: TemplateJson, roleLogicalId: string): Statement[] {
  const role = resource(json, roleLogicalId);
  const inline = toList(role.Properties['Policies']).flatMap((p) =>
    toList(asObject(asObject(p, 'inline policy')['PolicyDocument'], 'PolicyDocument')['Statement']),
  );
  const attached = resourcesOfType(json, 'AWS::IAM::Policy')
    .filter(([, policy]) =>
      toList(policy.Properties['Roles']).some((r) => isObject(r) && r['Ref'] === roleLogicalId),
    )
    .flatMap(([id, policy]) => toList(asObject(policy.Properties['PolicyDocument'], `${id}.PolicyDocument`)['Statement']));
  return [...inline, ...attached].map(toStatement);
}

/** The managed policies of a role, rendered. */
export function managedPoliciesOfRole(json: TemplateJson, roleLogicalId: string): string[] {
  return toList(resource(json, roleLogicalId).Properties['ManagedPolicyArns']).map(render);
}

/**
 * The statements as sorted, unique `"action resource"` lines (Allow only; conditions left out). Independent of how
 * CDK groups actions and resources into statements, so it reads as the exact list of what the role may do.
 */
export function grants(statements: readonly Statement[]): string[] {
  const lines = statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => s.Action.flatMap((action) => s.Resource.map((r) => `${action} ${render(r)}`)));
  return [...new Set(lines)].sort();
}

/** Grant lines for `actions` on each of `resources` (already rendered), sorted like {@link grants}. */
export function grantLines(actions: readonly string[], resources: readonly string[]): string[] {
  return actions.flatMap((action) => resources.map((r) => `${action} ${r}`));
}

/** X-Ray writes CDK adds to a function role for active tracing. */
export const LAMBDA_TRACING_GRANTS: readonly string[] = grantLines(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']);

/** Sorted unique lines, for comparing with {@link grants}. */
export function sortedUnique(lines: readonly string[]): string[] {
  return [...new Set(lines)].sort();
}

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

/** Where a state's catch-all (`States.ALL`) goes. */
export function catchAllTarget(state: AslState | undefined): string | undefined {
  return state?.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next;
}

/**
 * The fallback chain as a reader of the console sees it: the claim, then each channel state reached through the
 * previous one's catch-all, ending at the first state that is not a channel attempt.
 */
export function channelChain(definition: AslDocument, channelStates: readonly string[]): string[] {
  const chain = ['MarkPrepScheduled'];
  let next = definition.States['MarkPrepScheduled']?.Next;
  while (next !== undefined && !chain.includes(next)) {
    chain.push(next);
    next = channelStates.includes(next) ? catchAllTarget(definition.States[next]) : undefined;
  }
  return chain;
}

/** The error a function throws, failing the test when it returns. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${JSON.stringify(error)}`);
  }
  throw new Error('expected the call to throw');
}

/** Every string anywhere in a JSON value (keys included). */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (isObject(value)) return Object.entries(value).flatMap(([key, v]) => [key, ...allStrings(v)]);
  return [];
}

/** The workflow's task functions, by the key `PrepWorkflow.functions` exposes them under. */
export type FunctionKey = keyof PrepWorkflow['functions'];

/** Every task function key, in the order the workflow runs them. */
export const FUNCTION_KEYS: readonly FunctionKey[] = [
  'loadMeeting',
  'markPrepScheduled',
  'notifySlack',
  'notifySms',
  'notifyEmail',
  'recordOutcome',
];

/** The logical id of a task function's AWS::Lambda::Function. */
export function functionLogicalId(stack: MeetingPrepStack, key: FunctionKey): string {
  const fn = workflowOf(stack).functions[key];
  if (!fn) throw new Error(`the stack has no ${key} function (its channel is not listed)`);
  return logicalIdOf(fn.function);
}

/** The grant lines of a task function's role. */
export function functionGrants(built: BuiltStack, key: FunctionKey): string[] {
  return grantsOfFunction(built.json, functionLogicalId(built.stack, key));
}

/**
 * Every AWS::Lambda::Function of the template, keyed by the source entry it runs (the house construct's metadata,
 * e.g. `lambda/workflow/load-meeting.ts`) or, for any other function, its logical id.
 */
export function lambdaFunctions(json: TemplateJson): Map<string, { readonly logicalId: string; readonly resource: ResourceJson }> {
  const byName = new Map<string, { logicalId: string; resource: ResourceJson }>();
  for (const [logicalId, fn] of resourcesOfType(json, 'AWS::Lambda::Function')) {
    const entry = fn.Metadata?.[ENTRY_METADATA_KEY];
    byName.set(typeof entry === 'string' ? entry : logicalId, { logicalId, resource: fn });
  }
  return byName;
}

/** One value per function, keyed like {@link lambdaFunctions}: failures name the function. */
export function perFunction<T>(json: TemplateJson, pick: (fn: ResourceJson, logicalId: string) => T): Record<string, T> {
  return Object.fromEntries([...lambdaFunctions(json)].map(([name, { logicalId, resource: fn }]) => [name, pick(fn, logicalId)]));
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

/** The grant lines of any function's role, by the function's logical id. */
export function grantsOfFunction(json: TemplateJson, functionLogicalIdValue: string): string[] {
  // Writing to its own log group is every function's (tested once for all); these are what differ.
  return grants(statementsOfRole(json, roleOfFunction(json, functionLogicalIdValue))).filter((g) => !/^logs:(CreateLogStream|PutLogEvents) /.test(g));
}
