/**
 * Acknowledging one specific cdk-nag finding on a resource ARN: cdk-nag names an IAM5 finding after the resource
 * as it renders it (`<LogicalId.Arn>` for Fn::GetAtt, `<LogicalId>` for Ref, `<AWS::Partition>` for pseudo
 * parameters, joins concatenated), so the acknowledgement is computed the same way from the ARN we granted.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if ('Fn::GetAtt' in v) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      return `<${id}.${attr}>`;
    }
    if ('Ref' in v) return `<${String(v['Ref'])}>`;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(sep);
    }
  }
  return JSON.stringify(value);
}

/** The id cdk-nag gives an IAM5 wildcard finding on this resource. */
export function wildcardFindingId(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${render(Stack.of(scope).resolve(resource))}]`;
}

/** Acknowledges the IAM5 finding of one wildcard resource on `scope`, with the reason it is as narrow as it can be. */
export function acknowledgeWildcard(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: wildcardFindingId(scope, resource), reason });
}
