/**
 * The CI bootstrap stack: GitHub Actions may assume its roles only from this repository's allowed environments (or
 * pull requests, for the read-only diff role), and the roles can do nothing but assume the CDK bootstrap roles.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
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
/** A bootstrap role ARN as the template renders it, for an environment-agnostic stack. */
const ROLE_ARN = (qualifier: string, kind: string, region = '${AWS::Region}') =>
  `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-${qualifier}-${kind}-role-\${AWS::AccountId}-${region}`;

interface BuiltCiStack {
  readonly stack: CiBootstrapStack;
  readonly template: Template;
  readonly json: TemplateJson;
}

function build(props: Partial<CiBootstrapStackProps> = {}): BuiltCiStack {
  const app = new App({ context: cdkJsonContext() });
  const stack = new CiBootstrapStack(app, 'CiBootstrapTest', {
    githubOwner: 'acme',
    githubRepo: 'exec-assistant',
    ...props,
  });
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
  const document = asObject(
    resource(built.json, logicalIdOfRole(built, which)).Properties['AssumeRolePolicyDocument'],
    'trust policy',
  );
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

  it('allows the deploy role nothing but assuming the CDK bootstrap roles the CLI uses, by exact name (not cfn-exec-role)', () => {
    expect(grantsOf(built, 'deployRole')).toEqual([
      `sts:AssumeRole ${ROLE_ARN('hnb659fds', 'deploy')}`,
      `sts:AssumeRole ${ROLE_ARN('hnb659fds', 'file-publishing')}`,
      `sts:AssumeRole ${ROLE_ARN('hnb659fds', 'image-publishing')}`,
      `sts:AssumeRole ${ROLE_ARN('hnb659fds', 'lookup')}`,
    ]);
    expect(managedPoliciesOfRole(built.json, logicalIdOfRole(built, 'deployRole'))).toEqual([]);
  });

  it('allows the diff role nothing but assuming the read-only lookup role', () => {
    expect(grantsOf(built, 'diffRole')).toEqual([`sts:AssumeRole ${ROLE_ARN('hnb659fds', 'lookup')}`]);
    expect(managedPoliciesOfRole(built.json, logicalIdOfRole(built, 'diffRole'))).toEqual([]);
  });

  it('has no deny, condition or other key in the roles’ identity policies, and no other role or policy', () => {
    const statements = [
      ...statementsOfRole(built.json, logicalIdOfRole(built, 'deployRole')),
      ...statementsOfRole(built.json, logicalIdOfRole(built, 'diffRole')),
    ];

    expect(
      statements.filter((s) => s.Effect !== 'Allow' || s.Condition !== undefined || s.otherKeys.length > 0),
    ).toEqual([]);
    expect(resourcesOfType(built.json, 'AWS::IAM::Role')).toHaveLength(2);
    expect(resourcesOfType(built.json, 'AWS::IAM::Policy')).toHaveLength(2);
    expect(resourcesOfType(built.json, 'AWS::IAM::ManagedPolicy')).toEqual([]);
  });

  it('outputs both role ARNs and the provider ARN', () => {
    const outputs = asObject(asObject(built.template.toJSON(), 'template')['Outputs'], 'Outputs');

    expect(
      Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, render(asObject(output, key)['Value'])])),
    ).toEqual({
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

  it('uses the bootstrap qualifier and the regions given', () => {
    const qualified = build({ bootstrapQualifier: 'mprep01', regions: ['us-east-1', 'eu-west-1'] });

    expect(grantsOf(qualified, 'diffRole')).toEqual([
      `sts:AssumeRole ${ROLE_ARN('mprep01', 'lookup', 'eu-west-1')}`,
      `sts:AssumeRole ${ROLE_ARN('mprep01', 'lookup', 'us-east-1')}`,
    ]);
  });

  it('names the bootstrap roles of its own account and region when deployed to a known environment', () => {
    const pinned = build({ env: { account: '123456789012', region: 'eu-west-1' } });

    // A known region gives a known partition: cdk.json's @aws-cdk/core:enablePartitionLiterals writes it literally.
    expect(grantsOf(pinned, 'diffRole')).toEqual([
      'sts:AssumeRole arn:aws:iam::123456789012:role/cdk-hnb659fds-lookup-role-123456789012-eu-west-1',
    ]);
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
        regions: ['us-east-1', 'mars-north-1a'],
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
      '  - region "mars-north-1a" is not an AWS region name',
      '  - bootstrapQualifier must be 1-10 lower-case letters or digits, got "Not-Valid"',
    ]);
  });

  it('passes cdk-nag’s AWS Solutions checks with nothing acknowledged', () => {
    const app = new App({ context: cdkJsonContext() });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new CiBootstrapStack(app, 'CiBootstrapNag', { githubOwner: 'acme', githubRepo: 'exec-assistant' });

    expect(() => app.synth()).not.toThrow();
    removeTemporaryOutdir(app);
  });

  it('refuses a stack that nobody could deploy with', () => {
    expect(thrownBy(() => build({ environments: [], branches: [] })).message).toContain(
      'give at least one environment or branch that may deploy',
    );
  });
});
