/**
 * The CI bootstrap stack: GitHub Actions may assume its roles only from this repository's allowed environments (or
 * pull requests, for the read-only diff role), and the roles can do nothing but assume the CDK bootstrap roles.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CiBootstrapStack, CiBootstrapStackProps } from '../../lib/ci-bootstrap-stack';
import {
  JsonObject,
  TemplateJson,
  asObject,
  cdkJsonContext,
  grants,
  logicalIdOf,
  managedPoliciesOfRole,
  removeTemporaryOutdir,
  render,
  resource,
  resourcesOfType,
  statementsOfRole,
  templateJson,
  thrownBy,
  toList,
} from './helpers';

const EXISTING_PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const ROLE_ARN = (name: string) => `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}`;

interface BuiltCiStack {
  readonly stack: CiBootstrapStack;
  readonly template: Template;
  readonly json: TemplateJson;
}

function build(props: Partial<CiBootstrapStackProps> = {}): BuiltCiStack {
  const app = new App({ context: cdkJsonContext() });
  const stack = new CiBootstrapStack(app, 'CiBootstrapTest', { githubOwner: 'acme', githubRepo: 'exec-assistant', ...props });
  const template = Template.fromStack(stack);
  removeTemporaryOutdir(app);
  return { stack, template, json: templateJson(template) };
}

function logicalIdOfRole(built: BuiltCiStack, which: 'deployRole' | 'diffRole'): string {
  const role = built.stack[which];
  if (!role) throw new Error(`the stack has no ${which}`);
  return logicalIdOf(role);
}

/** The role's trust policy statements, with the federated principal rendered. */
function trustOf(built: BuiltCiStack, which: 'deployRole' | 'diffRole'): JsonObject[] {
  const document = asObject(resource(built.json, logicalIdOfRole(built, which)).Properties['AssumeRolePolicyDocument'], 'trust policy');
  return toList(document['Statement']).map((raw) => {
    const statement = asObject(raw, 'trust statement');
    const principal = asObject(statement['Principal'], 'Principal');
    return { ...statement, Principal: { Federated: render(principal['Federated']) } };
  });
}

function grantsOf(built: BuiltCiStack, which: 'deployRole' | 'diffRole'): string[] {
  return grants(statementsOfRole(built.json, logicalIdOfRole(built, which)));
}

let built: BuiltCiStack;

beforeAll(() => {
  built = build();
});

describe('CiBootstrapStack, by default', () => {
  it('creates the GitHub OIDC provider natively (no custom-resource Lambda), for the sts.amazonaws.com audience', () => {
    const providers = resourcesOfType(built.json, 'AWS::IAM::OIDCProvider');

    expect(providers.map(([, p]) => p.Properties)).toEqual([
      { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] },
    ]);
    expect(resourcesOfType(built.json, 'AWS::Lambda::Function')).toEqual([]);
  });

  it('lets only jobs in the dev and prod environments of acme/exec-assistant assume the deploy role', () => {
    const [providerId] = resourcesOfType(built.json, 'AWS::IAM::OIDCProvider').map(([id]) => id);

    expect(trustOf(built, 'deployRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: `\${${providerId}}` },
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': [
              'repo:acme/exec-assistant:environment:dev',
              'repo:acme/exec-assistant:environment:prod',
            ],
          },
        },
      },
    ]);
  });

  it('lets only pull-request jobs of acme/exec-assistant assume the diff role', () => {
    const [providerId] = resourcesOfType(built.json, 'AWS::IAM::OIDCProvider').map(([id]) => id);

    expect(trustOf(built, 'diffRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: `\${${providerId}}` },
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': ['repo:acme/exec-assistant:pull_request'],
          },
        },
      },
    ]);
  });

  it('allows the deploy role nothing but assuming the CDK bootstrap roles the CLI uses (not cfn-exec-role)', () => {
    expect(grantsOf(built, 'deployRole')).toEqual([
      `sts:AssumeRole ${ROLE_ARN('cdk-hnb659fds-deploy-role-*')}`,
      `sts:AssumeRole ${ROLE_ARN('cdk-hnb659fds-file-publishing-role-*')}`,
      `sts:AssumeRole ${ROLE_ARN('cdk-hnb659fds-image-publishing-role-*')}`,
      `sts:AssumeRole ${ROLE_ARN('cdk-hnb659fds-lookup-role-*')}`,
    ]);
    expect(managedPoliciesOfRole(built.json, logicalIdOfRole(built, 'deployRole'))).toEqual([]);
  });

  it('allows the diff role nothing but assuming the read-only lookup role', () => {
    expect(grantsOf(built, 'diffRole')).toEqual([`sts:AssumeRole ${ROLE_ARN('cdk-hnb659fds-lookup-role-*')}`]);
    expect(managedPoliciesOfRole(built.json, logicalIdOfRole(built, 'diffRole'))).toEqual([]);
  });

  it('has no deny, condition or other key in the roles’ identity policies, and no other role or policy', () => {
    const statements = [
      ...statementsOfRole(built.json, logicalIdOfRole(built, 'deployRole')),
      ...statementsOfRole(built.json, logicalIdOfRole(built, 'diffRole')),
    ];

    expect(statements.filter((s) => s.Effect !== 'Allow' || s.Condition !== undefined || s.otherKeys.length > 0)).toEqual([]);
    expect(resourcesOfType(built.json, 'AWS::IAM::Role')).toHaveLength(2);
    expect(resourcesOfType(built.json, 'AWS::IAM::Policy')).toHaveLength(2);
    expect(resourcesOfType(built.json, 'AWS::IAM::ManagedPolicy')).toEqual([]);
  });

  it('outputs both role ARNs and the provider ARN', () => {
    const outputs = asObject(asObject(built.template.toJSON(), 'template')['Outputs'], 'Outputs');

    expect(Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, render(asObject(output, key)['Value'])]))).toEqual({
      DeployRoleArn: `\${${logicalIdOfRole(built, 'deployRole')}.Arn}`,
      DiffRoleArn: `\${${logicalIdOfRole(built, 'diffRole')}.Arn}`,
      OidcProviderArn: `\${${resourcesOfType(built.json, 'AWS::IAM::OIDCProvider').map(([id]) => id)[0]}}`,
    });
  });
});

describe('CiBootstrapStack, configured', () => {
  it('imports an existing OIDC provider by ARN instead of creating one', () => {
    const imported = build({ oidcProviderArn: EXISTING_PROVIDER });

    expect(resourcesOfType(imported.json, 'AWS::IAM::OIDCProvider')).toEqual([]);
    expect(trustOf(imported, 'deployRole').map((s) => s['Principal'])).toEqual([{ Federated: EXISTING_PROVIDER }]);
    expect(trustOf(imported, 'diffRole').map((s) => s['Principal'])).toEqual([{ Federated: EXISTING_PROVIDER }]);
  });

  it('trusts exactly the environments and branches given', () => {
    const custom = build({ environments: ['production'], branches: ['main'] });

    expect(trustOf(custom, 'deployRole').map((s) => s['Condition'])).toEqual([
      {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': [
            'repo:acme/exec-assistant:environment:production',
            'repo:acme/exec-assistant:ref:refs/heads/main',
          ],
        },
      },
    ]);
  });

  it('creates no diff role when pull requests are not allowed', () => {
    const noDiff = build({ allowPullRequestDiff: false });

    expect(noDiff.stack.diffRole).toBeUndefined();
    expect(resourcesOfType(noDiff.json, 'AWS::IAM::Role')).toHaveLength(1);
    expect(Object.keys(asObject(asObject(noDiff.template.toJSON(), 'template')['Outputs'], 'Outputs')).sort()).toEqual([
      'DeployRoleArn',
      'OidcProviderArn',
    ]);
  });

  it('uses the bootstrap qualifier given', () => {
    const qualified = build({ bootstrapQualifier: 'mprep01' });

    expect(grantsOf(qualified, 'diffRole')).toEqual([`sts:AssumeRole ${ROLE_ARN('cdk-mprep01-lookup-role-*')}`]);
  });

  it('refuses bad props with one error that lists every problem, wildcards included', () => {
    const error = thrownBy(() =>
      build({
        githubOwner: 'acme*',
        githubRepo: '',
        environments: ['dev', 'dev', 'pr?d'],
        branches: ['refs/heads/main'],
        oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/example.com',
        bootstrapQualifier: 'Not-Valid',
      }),
    );

    expect(error.message.split('\n')).toEqual([
      'CiBootstrapStack: invalid props:',
      '  - githubOwner must be a GitHub user or organisation name, got "acme*"',
      '  - githubRepo must be a repository name (letters, digits, . _ -), got ""',
      '  - environment "pr?d" may only contain letters, digits, . _ -',
      '  - branch "refs/heads/main" must be a plain branch name (no wildcards, no refs/ prefix)',
      '  - environment dev is listed twice',
      '  - oidcProviderArn must be the ARN of the token.actions.githubusercontent.com OIDC provider, got "arn:aws:iam::123456789012:oidc-provider/example.com"',
      '  - bootstrapQualifier must be 1-10 lower-case letters or digits, got "Not-Valid"',
    ]);
  });

  it('refuses a stack that nobody could deploy with', () => {
    expect(thrownBy(() => build({ environments: [], branches: [] })).message).toContain('give at least one environment or branch that may deploy');
  });
});
