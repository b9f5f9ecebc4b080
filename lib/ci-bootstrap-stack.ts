/**
 * The optional CI bootstrap stack: lets GitHub Actions deploy this app through OpenID Connect, with no stored AWS
 * keys. Deploy it once per AWS account (by hand, with an administrator's credentials); the deploy workflow then
 * assumes its roles. See docs/DEPLOY.md.
 */
import { CfnOutput, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** GitHub's OIDC issuer, as IAM names it in condition keys. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The audience `aws-actions/configure-aws-credentials` asks GitHub for. */
export const STS_AUDIENCE = 'sts.amazonaws.com';

/** The qualifier `cdk bootstrap` uses unless told otherwise. */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

/**
 * The roles `cdk bootstrap` creates that the CDK CLI assumes: deploy (CloudFormation), file and image publishing
 * (assets), lookup (reading the deployed template, context lookups). The bootstrap's `cfn-exec-role` is left out:
 * only CloudFormation may assume it.
 */
export const BOOTSTRAP_ROLE_KINDS = ['deploy', 'file-publishing', 'image-publishing', 'lookup'] as const;

/** Props of {@link CiBootstrapStack}. */
export interface CiBootstrapStackProps extends StackProps {
  /** The GitHub user or organisation owning the repository, as GitHub spells it (`sub` claims are case-sensitive). */
  readonly githubOwner: string;
  /** The repository name, as GitHub spells it. */
  readonly githubRepo: string;
  /**
   * GitHub environments whose jobs may deploy (OIDC subject `repo:<owner>/<repo>:environment:<name>`). Restrict each
   * environment to the `main` branch in the repository's settings, or any branch could claim it.
   * @default ['dev', 'prod']
   */
  readonly environments?: readonly string[];
  /**
   * Branches whose jobs *without* an environment may deploy (subject `repo:<owner>/<repo>:ref:refs/heads/<branch>`).
   * Environments are preferred: they carry the approval gate.
   * @default none
   */
  readonly branches?: readonly string[];
  /**
   * Whether pull-request jobs get a role for `cdk diff` (subject `repo:<owner>/<repo>:pull_request`). That role may
   * assume only the bootstrap lookup role (read-only, `kms:Decrypt` denied), because a pull request can change the
   * workflow it runs.
   * @default true
   */
  readonly allowPullRequestDiff?: boolean;
  /**
   * The account's existing GitHub OIDC provider (an account holds one per URL).
   * @default a provider for `https://token.actions.githubusercontent.com` is created
   */
  readonly oidcProviderArn?: string;
  /** The `cdk bootstrap` qualifier of the target account. @default 'hnb659fds' */
  readonly bootstrapQualifier?: string;
  /**
   * Regions the app is deployed to. The bootstrap roles are named `cdk-<qualifier>-<kind>-role-<account>-<region>`,
   * so the roles may assume exactly those of these regions (no wildcard).
   * @default the region this stack is deployed to
   */
  readonly regions?: readonly string[];
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
const BRANCH = /^[A-Za-z0-9._/-]{1,255}$/;
const QUALIFIER = /^[a-z0-9]{1,10}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;

/** Every problem with the props, empty when they are valid. */
export function ciBootstrapProblems(props: CiBootstrapStackProps): string[] {
  const problems: string[] = [];
  const environments = props.environments ?? ['dev', 'prod'];
  const branches = props.branches ?? [];
  // Names end up in IAM conditions: only literal characters, so nothing can widen who may assume the roles.
  if (!OWNER.test(props.githubOwner))
    problems.push(`githubOwner must be a GitHub user or organisation name, got ${JSON.stringify(props.githubOwner)}`);
  if (!REPO.test(props.githubRepo) || props.githubRepo === '.' || props.githubRepo === '..') {
    problems.push(
      `githubRepo must be a repository name (letters, digits, . _ -), got ${JSON.stringify(props.githubRepo)}`,
    );
  }
  for (const environment of environments) {
    if (!ENVIRONMENT.test(environment))
      problems.push(`environment ${JSON.stringify(environment)} may only contain letters, digits, . _ -`);
  }
  for (const branch of branches) {
    if (
      !BRANCH.test(branch) ||
      branch.includes('..') ||
      branch.startsWith('refs/') ||
      branch.startsWith('/') ||
      branch.endsWith('/')
    ) {
      problems.push(`branch ${JSON.stringify(branch)} must be a plain branch name (no wildcards, no refs/ prefix)`);
    }
  }
  const duplicates = (list: readonly string[]) => [...new Set(list.filter((item, i) => list.indexOf(item) !== i))];
  for (const environment of duplicates(environments)) problems.push(`environment ${environment} is listed twice`);
  for (const branch of duplicates(branches)) problems.push(`branch ${branch} is listed twice`);
  if (environments.length === 0 && branches.length === 0)
    problems.push('give at least one environment or branch that may deploy');
  if (props.oidcProviderArn !== undefined && !PROVIDER_ARN.test(props.oidcProviderArn)) {
    problems.push(
      `oidcProviderArn must be the ARN of the ${GITHUB_OIDC_HOST} OIDC provider, got ${JSON.stringify(props.oidcProviderArn)}`,
    );
  }
  for (const region of props.regions ?? []) {
    if (!Token.isUnresolved(region) && !REGION.test(region))
      problems.push(`region ${JSON.stringify(region)} is not an AWS region name`);
  }
  if (props.regions !== undefined && props.regions.length === 0)
    problems.push('regions, when given, must list at least one region');
  for (const region of duplicates(props.regions ?? [])) problems.push(`region ${region} is listed twice`);
  const qualifier = props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
  if (!QUALIFIER.test(qualifier))
    problems.push(`bootstrapQualifier must be 1-10 lower-case letters or digits, got ${JSON.stringify(qualifier)}`);
  return problems;
}

/**
 * GitHub Actions' access to this account, by OIDC role assumption:
 * - `deployRole`, for jobs in the allowed GitHub environments (and branches): may assume the CDK bootstrap roles,
 *   which is all the CDK CLI needs to publish assets and deploy (the CDK-recommended pattern: the CI role holds no
 *   service permissions itself);
 * - `diffRole`, for pull-request jobs: may assume only the bootstrap lookup role, enough for
 *   `cdk diff --method template`.
 * The roles it may assume are named exactly (`…-<account>-<region>`), with no wildcard: nothing else in the account
 * can be reached, and cdk-nag's AwsSolutions-IAM5 has nothing to flag.
 */
export class CiBootstrapStack extends Stack {
  /** The role deploying jobs assume (`vars.AWS_DEPLOY_ROLE_ARN`). */
  public readonly deployRole: iam.Role;
  /** The role pull-request jobs assume for `cdk diff` (`vars.AWS_DIFF_ROLE_ARN`), unless turned off. */
  public readonly diffRole?: iam.Role;
  /** The GitHub OIDC provider, created or imported. */
  public readonly oidcProvider: iam.IOidcProvider;

  constructor(scope: Construct, id: string, props: CiBootstrapStackProps) {
    super(scope, id, props);
    const problems = ciBootstrapProblems(props);
    if (problems.length > 0)
      throw new Error(`CiBootstrapStack: invalid props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

    const repository = `repo:${props.githubOwner}/${props.githubRepo}`;
    const qualifier = props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
    // The native AWS::IAM::OIDCProvider: no custom-resource Lambda. IAM no longer needs a thumbprint for GitHub.
    this.oidcProvider = props.oidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidcProvider', props.oidcProviderArn)
      : new iam.OidcProviderNative(this, 'GitHubOidcProvider', {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIds: [STS_AUDIENCE],
        });

    const regions = props.regions ?? [this.region];
    const bootstrapRoles = (kinds: readonly (typeof BOOTSTRAP_ROLE_KINDS)[number][]) =>
      kinds.flatMap((kind) =>
        regions.map((region) =>
          this.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName: `cdk-${qualifier}-${kind}-role-${this.account}-${region}`,
          }),
        ),
      );
    const githubPrincipal = (subjects: readonly string[]) =>
      new iam.WebIdentityPrincipal(this.oidcProvider.oidcProviderArn, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: [...subjects],
        },
      });

    this.deployRole = new iam.Role(this, 'DeployRole', {
      description: `GitHub Actions deploys of ${props.githubOwner}/${props.githubRepo}: assumes the CDK bootstrap roles only`,
      assumedBy: githubPrincipal([
        ...(props.environments ?? ['dev', 'prod']).map((environment) => `${repository}:environment:${environment}`),
        ...(props.branches ?? []).map((branch) => `${repository}:ref:refs/heads/${branch}`),
      ]),
    });
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: bootstrapRoles(BOOTSTRAP_ROLE_KINDS) }),
    );
    new CfnOutput(this, 'DeployRoleArn', {
      value: this.deployRole.roleArn,
      description: 'GitHub variable AWS_DEPLOY_ROLE_ARN (environments dev and prod)',
    });

    if (props.allowPullRequestDiff ?? true) {
      this.diffRole = new iam.Role(this, 'DiffRole', {
        description: `GitHub Actions pull requests of ${props.githubOwner}/${props.githubRepo}: cdk diff through the read-only lookup role`,
        assumedBy: githubPrincipal([`${repository}:pull_request`]),
      });
      this.diffRole.addToPolicy(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: bootstrapRoles(['lookup']) }),
      );
      new CfnOutput(this, 'DiffRoleArn', {
        value: this.diffRole.roleArn,
        description: 'GitHub repository variable AWS_DIFF_ROLE_ARN (pull requests: cdk diff)',
      });
    }
    new CfnOutput(this, 'OidcProviderArn', { value: this.oidcProvider.oidcProviderArn });
  }
}
