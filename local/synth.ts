/**
 * The synthesized stack as the local runtime and the workflow tests use it: the same template that `cdk deploy`
 * would send, read for the state machine definition, the tables' key schemas, and which source file each
 * function runs. Synthesized in-process, without bundling.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppConfig } from '../lib/config';
import { ENTRY_METADATA_KEY } from '../lib/entry-metadata';

/** A CloudFormation resource, loosely typed. */
export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

/** A CloudFormation template, loosely typed. */
export interface CfnTemplate {
  Resources: Record<string, CfnResourceJson>;
  Outputs?: Record<string, unknown>;
}

/** cdk.json's context (feature flags, stage…), as `cdk synth` gives it to the app. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * The folder where one test run keeps the templates it synthesized, by context (set by the test run's global setup,
 * which removes it afterwards). Unset outside tests: every call synthesizes.
 */
export const SYNTH_CACHE_ENV = 'MEETING_PREP_SYNTH_CACHE';

/**
 * Synthesizes the stack as `cdk synth` would with cdk.json's context (its feature flags included) and `context` on
 * top (default: the dev stage, agents.yaml as committed). Within a test run the same context is synthesized once
 * and read back by every other test file: a synthesis costs seconds, most of it loading aws-cdk-lib's modules.
 */
export function synthesizeTemplate(context: Record<string, unknown> = {}): {
  template: CfnTemplate;
  config: AppConfig;
} {
  const cacheDir = process.env[SYNTH_CACHE_ENV];
  if (!cacheDir) return synthesizeNow(context);
  const key = createHash('sha256').update(JSON.stringify(context)).digest('hex').slice(0, 16);
  const file = path.join(cacheDir, `${key}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as ReturnType<typeof synthesizeNow>;
  const synthesized = synthesizeNow(context);
  // Written whole, then renamed: a test file in another worker never reads half a template.
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify(synthesized));
  fs.renameSync(partial, file);
  return synthesized;
}

function synthesizeNow(context: Record<string, unknown>): { template: CfnTemplate; config: AppConfig } {
  // Loaded here, not at the top: a test file that reads a synthesized template never loads aws-cdk-lib.
  const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { loadConfig } = require('../lib/config') as typeof import('../lib/config');
  const { MeetingPrepStack } = require('../lib/meeting-prep-stack') as typeof import('../lib/meeting-prep-stack');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-prep-synth-'));
  const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
  const config = loadConfig((key) => app.node.tryGetContext(key));
  const stack = new MeetingPrepStack(app, 'MeetingPrepLocal', {
    config,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  try {
    const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
    return { template, config };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResourceJson][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** A fake but well-formed Lambda ARN for a function's logical id. */
export function localFunctionArn(logicalId: string): string {
  return `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`;
}

/** The Resource of a Task that invokes a Lambda function and waits for its task token. */
export const LAMBDA_WAIT_FOR_TASK_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** The workflow as the local runner needs it. */
export interface LocalDefinition {
  /** The ASL document with every substitution resolved. */
  readonly definition: Record<string, unknown> & {
    States: Record<
      string,
      { Type: string; Resource?: string; Parameters?: { FunctionName?: unknown }; TimeoutSeconds?: number }
    >;
  };
  /** Task state name → source entry of the function it invokes (e.g. `lambda/workflow/load-meeting.ts`). */
  readonly taskEntries: Readonly<Record<string, string>>;
}

/**
 * The state machine's definition from the template, with `${…}` substitutions resolved: function ARNs become
 * local fake ARNs, and each Task state is mapped to the source entry its function runs.
 */
export function localDefinition(template: CfnTemplate): LocalDefinition {
  const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine in the template, found ${machines.length}`);
  const props = (machines[0] as [string, CfnResourceJson])[1].Properties ?? {};
  const body = props['DefinitionString'];
  if (typeof body !== 'string') throw new Error('expected an inline DefinitionString (DefinitionBody.fromString)');
  const substitutions = (props['DefinitionSubstitutions'] ?? {}) as Record<string, unknown>;
  const arnToEntry = new Map<string, string>();
  const text = body.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_match, key: string) => {
    const value = substitutions[key];
    const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
    if (!getAtt) throw new Error(`substitution ${key} is not a Fn::GetAtt: ${JSON.stringify(value)}`);
    const [logicalId] = getAtt;
    const resource = template.Resources[logicalId];
    const entry = resource?.Metadata?.[ENTRY_METADATA_KEY];
    if (resource?.Type !== 'AWS::Lambda::Function' || typeof entry !== 'string') {
      throw new Error(`substitution ${key} does not name a house function (${logicalId})`);
    }
    const arn = localFunctionArn(logicalId);
    arnToEntry.set(arn, entry);
    return arn;
  });
  const definition = JSON.parse(text) as LocalDefinition['definition'];
  const taskEntries: Record<string, string> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    // The callback pattern names its function in Parameters; a plain Lambda task in Resource.
    const arn = state.Resource === LAMBDA_WAIT_FOR_TASK_TOKEN ? state.Parameters?.FunctionName : state.Resource;
    const entry = typeof arn === 'string' ? arnToEntry.get(arn) : undefined;
    if (!entry) throw new Error(`task ${name} invokes an unknown resource ${String(arn)}`);
    taskEntries[name] = entry;
  }
  return { definition, taskEntries };
}

/** A table's key schema and indexes as `CreateTable` takes them. */
export interface LocalTableSpec {
  readonly logicalId: string;
  readonly KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  readonly AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  readonly GlobalSecondaryIndexes?: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
}

/** The tables the template creates, as local CreateTable specs. */
export function tableSpecs(template: CfnTemplate): LocalTableSpec[] {
  return resourcesOfType(template, 'AWS::DynamoDB::Table').map(([logicalId, r]) => {
    const p = (r.Properties ?? {}) as unknown as Omit<LocalTableSpec, 'logicalId'>;
    return {
      logicalId,
      KeySchema: p.KeySchema,
      AttributeDefinitions: p.AttributeDefinitions,
      ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
    };
  });
}

/**
 * The environment variables the template gives functions that name tables (`MEETINGS_TABLE_NAME: {Ref: …}`),
 * resolved with the local table names by logical id.
 */
export function tableEnvironment(
  template: CfnTemplate,
  localNames: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const vars =
      (fn.Properties?.['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    for (const [name, value] of Object.entries(vars)) {
      const ref = (value as { Ref?: string } | null)?.Ref;
      if (ref && localNames[ref]) env[name] = localNames[ref] as string;
    }
  }
  return env;
}

/** The variables that route between channels (the stack's order, the quiet-hours lead), as the template sets them. */
export const ROUTING_VARIABLES = ['NOTIFICATION_CHANNELS', 'MINIMUM_LEAD_MINUTES'] as const;

/** The routing variables of the template's functions (LoadMeeting, RouteNextChannel, CheckStillDue share them). */
export function routingEnvironment(template: CfnTemplate): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const variables =
      (fn.Properties?.['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    for (const name of ROUTING_VARIABLES) {
      const value = variables[name];
      if (typeof value === 'string') found[name] = value;
    }
  }
  return found;
}
