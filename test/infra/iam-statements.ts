/**
 * IAM policies of the template flattened into comparable, sorted `"action resource"` grant lines.
 */
import {
  asArray,
  asObject,
  asString,
  isObject,
  type JsonObject,
  render,
  resource,
  resourcesOfType,
  type TemplateJson,
  toList,
} from './template-json';

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
    .filter(([, policy]) => toList(policy.Properties['Roles']).some((r) => isObject(r) && r['Ref'] === roleLogicalId))
    .flatMap(([id, policy]) =>
      toList(asObject(policy.Properties['PolicyDocument'], `${id}.PolicyDocument`)['Statement']),
    );
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
export const LAMBDA_TRACING_GRANTS: readonly string[] = grantLines(
  ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
  ['*'],
);

/** Sorted unique lines, for comparing with {@link grants}. */
export function sortedUnique(lines: readonly string[]): string[] {
  return [...new Set(lines)].sort();
}

/** The grant lines of any function's role, by the function's logical id. */
export function grantsOfFunction(json: TemplateJson, functionLogicalIdValue: string): string[] {
  // Writing to its own log group is every function's (tested once for all); these are what differ.
  return grants(statementsOfRole(json, roleOfFunction(json, functionLogicalIdValue))).filter(
    (g) => !/^logs:(CreateLogStream|PutLogEvents) /.test(g),
  );
}
