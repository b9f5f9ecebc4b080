/**
 * Stage settings in source control: what `config/stages/<stage>.yaml` says reaches the synthesized template, a
 * one-off `-c key=value` overrides it, and CI passes the stage and nothing else (so a merge deploys what is
 * committed, not what someone once typed).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  PROJECT_ROOT,
  asObject,
  buildStack,
  environmentOf,
  lambdaFunctions,
  resourcesOfType,
  templateJson,
} from './helpers';

function committedStage(stage: string): Record<string, unknown> {
  return asObject(
    parse(fs.readFileSync(path.join(PROJECT_ROOT, 'config', 'stages', `${stage}.yaml`), 'utf8')),
    `${stage}.yaml`,
  );
}

function apiStage(json: ReturnType<typeof templateJson>): Record<string, unknown> {
  const stages = resourcesOfType(json, 'AWS::ApiGateway::Stage');
  expect(stages).toHaveLength(1);
  return (stages[0] as [string, { Properties: Record<string, unknown> }])[1].Properties;
}

describe('the committed stage files reach the template', () => {
  it.each(['dev', 'staging', 'prod'])('%s: the API stage carries its name and the file’s throttling', (stage) => {
    // Arrange
    const file = committedStage(stage);

    // Act
    const { json } = buildStack({ context: { stage } });

    // Assert
    expect(apiStage(json)).toMatchObject({
      StageName: stage,
      // The stage's default; each route's own throttle beside it is public-budget.spec.ts's.
      MethodSettings: expect.arrayContaining([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: file['apiThrottleRate'],
          ThrottlingBurstLimit: file['apiThrottleBurst'],
        }),
      ]),
    });
    const retentions = resourcesOfType(json, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties['RetentionInDays']);
    expect(new Set(retentions)).toEqual(new Set([file['logRetentionDays']]));
  });

  it('a sender and alarm address written in a stage file configure email and the alarm subscription', () => {
    // Arrange: a copy of the committed prod file with the two addresses filled in
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stages-'));
    const prod = fs.readFileSync(path.join(PROJECT_ROOT, 'config', 'stages', 'prod.yaml'), 'utf8');
    fs.writeFileSync(
      path.join(dir, 'prod.yaml'),
      prod
        .replace(/^sesFromEmail:.*$/m, 'sesFromEmail: prep@exec.example.com')
        .replace(/^alarmEmail:.*$/m, 'alarmEmail: oncall@exec.example.com'),
    );

    // Act
    const { json } = buildStack({ context: { stage: 'prod' }, stagesDir: dir });
    fs.rmSync(dir, { recursive: true, force: true });

    // Assert
    const email = lambdaFunctions(json).get('lambda/channels/email/notify.ts');
    expect(email && environmentOf(email.resource)['EMAIL_FROM_ADDRESS']).toBe('prep@exec.example.com');
    expect(resourcesOfType(json, 'AWS::SNS::Subscription').map(([, s]) => s.Properties['Endpoint'])).toEqual([
      'oncall@exec.example.com',
    ]);
  });

  it('-c overrides the file for one run: enablePrepNotification=false removes the workflow and the bot', () => {
    // Arrange / Act
    const { json } = buildStack({ context: { stage: 'prod', enablePrepNotification: 'false' } });

    // Assert
    expect(committedStage('prod')['enablePrepNotification']).toBe(true);
    expect(resourcesOfType(json, 'AWS::StepFunctions::StateMachine')).toEqual([]);
    expect(resourcesOfType(json, 'AWS::ApiGateway::RestApi')).toEqual([]);
    expect(resourcesOfType(json, 'AWS::DynamoDB::Table')).toHaveLength(4);
  });
});

describe('CI deploys what is committed', () => {
  const workflowText = fs.readFileSync(path.join(PROJECT_ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8');
  const cdkRuns = [...workflowText.matchAll(/npx cdk [^\n]*(?:\n\s{10,}[^\n-][^\n]*)*/g)].map((m) =>
    m[0].replace(/\s+/g, ' ').trim(),
  );

  it('passes the stage and nothing else to every cdk command', () => {
    // Arrange
    const contexts = cdkRuns.map((run) => [...run.matchAll(/(?:-c|--context)[ =]("[^"]*"|\S+)/g)].map((m) => m[1]));

    // Act / Assert
    expect(cdkRuns.length).toBeGreaterThanOrEqual(4);
    for (const [i, run] of cdkRuns.entries()) {
      expect({ run, context: contexts[i] }).toEqual({
        run,
        context: [expect.stringMatching(/^stage=(dev|staging|prod)$/)],
      });
    }
  });

  it('sets no stage setting through GitHub variables or the environment', () => {
    // Arrange
    const settingNames = Object.keys(committedStage('prod'));

    // Act
    const withoutComments = JSON.stringify(parse(workflowText));
    const mentioned = settingNames.filter((name) => withoutComments.includes(name));

    // Assert
    expect(mentioned).toEqual([]);
  });
});
