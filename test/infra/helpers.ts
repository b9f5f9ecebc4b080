/**
 * Shared helpers of the infrastructure tests: building the stack the way `bin/app.ts` does and finding its task
 * functions. Reading the template (`template-json.ts`), IAM grants (`iam-statements.ts`) and the ASL (`asl-json.ts`)
 * live beside it and are re-exported here, so every test imports its helpers from one place.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AppConfig, loadConfig } from '../../lib/config';
import { PrepWorkflow } from '../../lib/constructs/prep-workflow';
import { SlackBotApi } from '../../lib/constructs/slack-bot-api';
import { MeetingPrepStack } from '../../lib/meeting-prep-stack';
import { withoutBundlingBanner } from '../support/quiet-bundling';
import { grantsOfFunction } from './iam-statements';
import { asObject, type JsonObject, logicalIdOf, type TemplateJson, templateJson } from './template-json';

export * from './asl-json';
export * from './iam-statements';
export * from './template-json';

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

/** The agents configuration the stack reads by default. */
export const AGENTS_PATH = path.join(PROJECT_ROOT, 'config', 'agents.yaml');

/** Context that makes synthesis skip esbuild bundling: bundling is slow and asset hashes are masked anyway. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/**
 * Context that turns on, over any stage (dev by default), what staging and prod have and dev leaves off to save
 * money: the alarms (and their topic and its key), the dashboard and the tables' customer-managed key. Specs of
 * those resources, and of the grants on the key, build the dev stack with it.
 */
export const WITH_ALARMS_AND_KEYS = { alarms: 'true', dashboard: 'true', customerManagedKeys: 'true' } as const;

/** The id of every stack the tests build. */
export const TEST_STACK_ID = 'MeetingPrepTest';

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
 * The stacks this test file built without `asDeployed`, by their options: the tests only read a built stack, so
 * describe blocks of one file that ask for the same stack share one synthesis. (Jest gives each file its own
 * module registry, so this never crosses files.)
 */
const builtByOptions = new Map<string, BuiltStack>();

/**
 * Builds the stack as `bin/app.ts` does: context → `loadConfig` → `new MeetingPrepStack`, environment-agnostic;
 * for speed, without bundling or template validation unless `asDeployed`. Without `asDeployed`, the same options
 * give the same (read-only) stack again.
 */
export function buildStack(options: BuildOptions = {}): BuiltStack {
  if (options.asDeployed) return synthesizeStack(options);
  const key = JSON.stringify([options.context ?? {}, options.agentsYaml ?? null, options.stagesDir ?? null]);
  const known = builtByOptions.get(key);
  if (known) return known;
  const built = synthesizeStack(options);
  builtByOptions.set(key, built);
  return built;
}

function synthesizeStack(options: BuildOptions): BuiltStack {
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

/** The workflow's task functions, by the key `PrepWorkflow.functions` exposes them under. */
export type FunctionKey = keyof PrepWorkflow['functions'];

/** Every task function key, in the order the workflow runs them. */
export const FUNCTION_KEYS: readonly FunctionKey[] = [
  'loadMeeting',
  'routeNextChannel',
  'checkStillDue',
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
