/**
 * Evaluates a request against a synthesized template as AWS would, with `@cloud-copilot/iam-simulate`
 * (AGPL-3.0, a devDependency used by tests only): the caller's identity policies, the target's resource policy
 * (role trust, key, topic, queue policy, Lambda permissions) and the request's context keys.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { JsonObject, TemplateJson, asObject, isObject, resourcesOfType, toList } from './helpers';
import { ACCOUNT, PARTITION, REGION, TemplateResolver } from './template-resolver';

/** A policy document. */
export type PolicyDocument = JsonObject;

/** AWS-managed policies the templates attach, as AWS publishes them. */
export const MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  [`arn:${PARTITION}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`]: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
          'logs:GetLogEvents',
          'logs:FilterLogEvents',
        ],
        Resource: '*',
      },
    ],
  },
};

/**
 * The default key policy AWS gives a key created without one: the account's IAM policies decide. Assumed for keys
 * this project imports by ARN (their real policy is outside the template).
 */
export const DEFAULT_KEY_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:${PARTITION}:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
  ],
};

/** Who makes a request. */
export interface Caller {
  /** A role ARN, or a service principal such as `scheduler.amazonaws.com`. */
  readonly principal: string;
  readonly identityPolicies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
}

/** The decision, and what the simulator ignored. */
export interface Decision {
  readonly result: 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';
  /** Context keys the simulator dropped as not applicable to the action (a row that names one is wrong). */
  readonly ignoredContextKeys: readonly string[];
}

/** The policies of one synthesized template, resolved to concrete ARNs. */
export class TemplatePolicies {
  readonly resolver: TemplateResolver;
  private readonly resourcePolicies = new Map<string, PolicyDocument>();

  constructor(readonly json: TemplateJson) {
    this.resolver = new TemplateResolver(json);
    const add = (resourceArn: string, document: unknown) => {
      const resolved = asObject(this.resolver.resolve(document), `policy of ${resourceArn}`);
      const existing = this.resourcePolicies.get(resourceArn);
      const statements = [...toList(existing?.['Statement']), ...toList(resolved['Statement'])];
      this.resourcePolicies.set(resourceArn, { Version: '2012-10-17', Statement: statements });
    };
    for (const [id, role] of resourcesOfType(json, 'AWS::IAM::Role'))
      add(this.resolver.getAtt(id, 'Arn'), role.Properties['AssumeRolePolicyDocument']);
    for (const [id, key] of resourcesOfType(json, 'AWS::KMS::Key'))
      add(this.resolver.getAtt(id, 'Arn'), key.Properties['KeyPolicy']);
    for (const [, policy] of resourcesOfType(json, 'AWS::SNS::TopicPolicy')) {
      for (const topic of toList(policy.Properties['Topics']))
        add(this.resolver.resolveString(topic), policy.Properties['PolicyDocument']);
    }
    const queueArnByUrl = new Map(
      resourcesOfType(json, 'AWS::SQS::Queue').map(([id]) => [this.resolver.ref(id), this.resolver.getAtt(id, 'Arn')]),
    );
    for (const [id, policy] of resourcesOfType(json, 'AWS::SQS::QueuePolicy')) {
      for (const queue of toList(policy.Properties['Queues'])) {
        const queueArn = queueArnByUrl.get(this.resolver.resolveString(queue));
        if (!queueArn) throw new Error(`${id} names a queue that is not in the template`);
        add(queueArn, policy.Properties['PolicyDocument']);
      }
    }
    for (const [, permission] of resourcesOfType(json, 'AWS::Lambda::Permission')) {
      const p = this.resolver.resolve(permission.Properties) as JsonObject;
      const name = String(p['FunctionName']);
      const functionArn = name.startsWith('arn:')
        ? name
        : `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      const principal = String(p['Principal']);
      const condition: JsonObject = {};
      if (p['SourceArn'] !== undefined) condition['ArnLike'] = { 'aws:SourceArn': p['SourceArn'] };
      if (p['SourceAccount'] !== undefined) condition['StringEquals'] = { 'aws:SourceAccount': p['SourceAccount'] };
      add(functionArn, {
        Statement: [
          {
            Effect: 'Allow',
            Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
            Action: p['Action'],
            Resource: functionArn,
            ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
          },
        ],
      });
    }
  }

  /** The resource policy AWS evaluates for a request on this ARN, if any. */
  resourcePolicy(resourceArn: string): PolicyDocument | undefined {
    const found = this.resourcePolicies.get(resourceArn);
    if (found) return found;
    if (resourceArn.startsWith(`arn:${PARTITION}:kms:`)) return DEFAULT_KEY_POLICY;
    return undefined;
  }

  /** A role of the template as a caller: its ARN and every identity policy attached to it. */
  roleCaller(roleLogicalId: string): Caller {
    const role = this.json.Resources[roleLogicalId];
    if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role of the template`);
    const inline = toList(role.Properties['Policies']).map((p, i) => {
      const policy = asObject(p, 'inline policy');
      return {
        name: `${roleLogicalId}-inline-${i}`,
        policy: asObject(this.resolver.resolve(policy['PolicyDocument']), 'PolicyDocument'),
      };
    });
    const attached = resourcesOfType(this.json, 'AWS::IAM::Policy')
      .filter(([, policy]) => toList(policy.Properties['Roles']).some((r) => isObject(r) && r['Ref'] === roleLogicalId))
      .map(([id, policy]) => ({
        name: id,
        policy: asObject(this.resolver.resolve(policy.Properties['PolicyDocument']), `${id}.PolicyDocument`),
      }));
    const managed = toList(role.Properties['ManagedPolicyArns']).map((m) => {
      const managedArn = this.resolver.resolveString(m);
      const policy = MANAGED_POLICIES[managedArn];
      if (!policy)
        throw new Error(`${roleLogicalId} has managed policy ${managedArn}: add its document to MANAGED_POLICIES`);
      return { name: managedArn, policy };
    });
    return {
      principal: this.resolver.getAtt(roleLogicalId, 'Arn'),
      identityPolicies: [...inline, ...attached, ...managed],
    };
  }

  /** The logical id of the role with this ARN. */
  roleIdOfArn(roleArn: string): string {
    const found = resourcesOfType(this.json, 'AWS::IAM::Role').find(
      ([id]) => this.resolver.getAtt(id, 'Arn') === roleArn,
    );
    if (!found) throw new Error(`no role ${roleArn} in the template`);
    return found[0];
  }
}

/** Evaluates one request. */
export async function simulate(
  policies: TemplatePolicies,
  caller: Caller,
  action: string,
  resourceArn: string,
  context: Readonly<Record<string, string>>,
): Promise<Decision> {
  const resourcePolicy = policies.resourcePolicy(resourceArn);
  const outcome = await runSimulation(
    {
      request: {
        principal: caller.principal,
        action,
        resource: {
          resource: resourceArn,
          accountId: resourceArn === '*' ? ACCOUNT : resourceArn.split(':')[4] || ACCOUNT,
        },
        contextVariables: { 'aws:SecureTransport': 'true', ...context },
      },
      identityPolicies: caller.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    },
    {},
  );
  if (outcome.resultType === 'error')
    throw new Error(`the simulator refused the request: ${JSON.stringify(outcome.errors)}`);
  const ignored =
    outcome.resultType === 'single'
      ? (outcome.result.ignoredContextKeys ?? [])
      : outcome.results.flatMap((r) => r.ignoredContextKeys ?? []);
  return { result: outcome.overallResult, ignoredContextKeys: ignored };
}
