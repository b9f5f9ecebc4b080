#!/usr/bin/env node
/**
 * The CDK app: context → one typed config → the stack. `npx cdk synth -c stage=prod` and the other context keys
 * are listed in the README.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
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

new MeetingPrepStack(app, `MeetingPrep-${config.stage}`, {
  config,
  description: `Meeting-prep notifications (${config.stage})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  tags: { project: 'exec-assistant', component: 'meeting-prep', stage: config.stage },
});

// The optional CI bootstrap stack (OIDC trust for GitHub Actions), only when a repository is named:
// `npx cdk deploy MeetingPrep-ci -c githubRepository=OWNER/REPO` (docs/DEPLOY.md).
const githubRepository: unknown = app.node.tryGetContext('githubRepository');
if (typeof githubRepository === 'string' && githubRepository !== '') {
  const [, githubOwner = '', githubRepo = ''] = /^([^/]*)\/(.*)$/.exec(githubRepository) ?? [];
  new CiBootstrapStack(app, 'MeetingPrep-ci', { githubOwner, githubRepo, oidcProviderArn: app.node.tryGetContext('githubOidcProviderArn') });
}
