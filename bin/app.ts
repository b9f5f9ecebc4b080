#!/usr/bin/env node
/**
 * The CDK app: context → one typed config → the stack. `npx cdk synth -c stage=prod` and the other context keys
 * are listed in the README.
 */
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../lib/config';
import { MeetingPrepStack } from '../lib/meeting-prep-stack';

const app = new App();
const config = loadConfig((key) => app.node.tryGetContext(key));

new MeetingPrepStack(app, `MeetingPrep-${config.stage}`, {
  config,
  description: `Meeting-prep notifications (${config.stage})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  tags: { project: 'exec-assistant', component: 'meeting-prep', stage: config.stage },
});
