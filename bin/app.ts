#!/usr/bin/env node
/**
 * The CDK app: the stage (`-c stage=prod`) → its committed settings (`config/stages/<stage>.yaml`, any `-c key=value`
 * on top) → one typed config → the stage's stack, which depends on the account stack (API Gateway's logging role).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ACCOUNT_STACK_ID, AccountStack } from '../lib/account-stack';
import { CiBootstrapStack } from '../lib/ci-bootstrap-stack';
import { AppConfig, loadConfig } from '../lib/config';
import { MeetingPrepStack } from '../lib/meeting-prep-stack';

const app = new App();
// Security review as code: every synth runs the AWS Solutions checks; an unacknowledged finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
let config: AppConfig;
try {
  config = loadConfig((key) => app.node.tryGetContext(key));
} catch (error) {
  // One clear message listing every problem, without a stack trace.
  console.error((error as Error).message);
  process.exit(1);
}

const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
const accountStack = new AccountStack(app, ACCOUNT_STACK_ID, {
  description: 'Meeting-prep: account-wide settings (API Gateway CloudWatch Logs role), retained',
  env,
  tags: { project: 'exec-assistant', component: 'meeting-prep' },
});
const stageStack = new MeetingPrepStack(app, `MeetingPrep-${config.stage}`, {
  config,
  description: `Meeting-prep notifications (${config.stage})`,
  env,
  tags: { project: 'exec-assistant', component: 'meeting-prep', stage: config.stage },
});
// A new account gets its API Gateway logging role before the first stage's API needs it.
stageStack.addStackDependency(accountStack);

// The optional CI bootstrap stack (OIDC trust for GitHub Actions), only when a repository is named:
// `npx cdk deploy MeetingPrep-ci -c githubRepository=OWNER/REPO` (docs/DEPLOY.md).
const githubRepository: unknown = app.node.tryGetContext('githubRepository');
if (typeof githubRepository === 'string' && githubRepository !== '') {
  const [, githubOwner = '', githubRepo = ''] = /^([^/]*)\/(.*)$/.exec(githubRepository) ?? [];
  new CiBootstrapStack(app, 'MeetingPrep-ci', {
    githubOwner,
    githubRepo,
    oidcProviderArn: app.node.tryGetContext('githubOidcProviderArn'),
  });
}
