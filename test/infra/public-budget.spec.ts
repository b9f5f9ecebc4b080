/**
 * The public API's budget shared out among its callers: every public method throttled on its own, as its stage file
 * says, so a flood on one route cannot take Slack's or Twilio's; in staging and prod, an AWS WAF web ACL on the stage
 * (a rate limit per source IP, AWS's IP reputation list, the core rule set with its body rules counting) with an
 * alarm per rule on the alarm topic; dev without one, acknowledged truthfully; stage-file mistakes refused at load.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parse } from 'yaml';
import { loadConfig } from '../../lib/config';
import { COUNTED_BODY_RULES, WEB_ACL_RULES } from '../../lib/constructs/api-firewall';
import { MeetingPrepStack } from '../../lib/meeting-prep-stack';
import { PUBLIC_ROUTES } from '../../lib/public-routes';
import {
  BuiltStack,
  PROJECT_ROOT,
  asObject,
  buildStack,
  cdkJsonContext,
  logicalIdOf,
  removeTemporaryOutdir,
  render,
  resourcesOfType,
  slackBotOf,
  thrownBy,
} from './helpers';

const STAGES = ['dev', 'staging', 'prod'] as const;
const stageFilePath = (stage: string) => path.join(PROJECT_ROOT, 'config', 'stages', `${stage}.yaml`);
const committed = (stage: string) => asObject(parse(fs.readFileSync(stageFilePath(stage), 'utf8')), stage);

/** The stage's method settings, by `<HTTP method> <path>` (`* /*` for the stage's default). */
function methodSettings(built: BuiltStack): Map<string, Record<string, unknown>> {
  const stages = resourcesOfType(built.json, 'AWS::ApiGateway::Stage');
  expect(stages).toHaveLength(1);
  const settings = (stages[0]?.[1].Properties['MethodSettings'] ?? []) as Record<string, unknown>[];
  return new Map(
    // `/~1slack~1webhook` is `/slack/webhook`: the path's slashes escaped after the leading one.
    settings.map((s) => [
      `${String(s['HttpMethod'])} ${String(s['ResourcePath']).replace(/^\/~1/, '~1').replace(/~1/g, '/')}`,
      s,
    ]),
  );
}

const alarmsOn = (built: BuiltStack, namespace: string) =>
  resourcesOfType(built.json, 'AWS::CloudWatch::Alarm')
    .map(([, alarm]) => alarm.Properties)
    .filter((p) => p['Namespace'] === namespace);

/** Every acknowledgement recorded in the stack: rule id → reasons. */
function acknowledgements(built: BuiltStack): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const construct of built.stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const rule = id.replace(/^.*::/, '');
        found.set(rule, [...(found.get(rule) ?? []), reason]);
      }
    }
  }
  return found;
}

const built: Record<(typeof STAGES)[number], BuiltStack> = {} as never;
beforeAll(() => {
  for (const stage of STAGES) built[stage] = buildStack({ context: { stage } });
});

describe('each public method has a throttle of its own', () => {
  it('the API serves exactly the seven public routes', () => {
    // Arrange / Act
    const served = slackBotOf(built.prod.stack).api.methods.map((m) => `${m.httpMethod} ${m.resource.path}`);

    // Assert
    expect(served.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it.each(STAGES)('%s: every route has its own rate and burst, as its stage file says', (stage) => {
    // Arrange
    const file = asObject(committed(stage)['routeThrottles'], 'routeThrottles');

    // Act
    const settings = methodSettings(built[stage]);

    // Assert: one entry per route, with the file's values, logging and metrics like the stage's default
    expect([...settings.keys()].sort()).toEqual(['* /*', ...PUBLIC_ROUTES].sort());
    for (const route of PUBLIC_ROUTES) {
      const { rate, burst } = asObject(file[route], route);
      expect({ route, setting: settings.get(route) }).toEqual({
        route,
        setting: expect.objectContaining({
          ThrottlingRateLimit: rate,
          ThrottlingBurstLimit: burst,
          LoggingLevel: 'ERROR',
          MetricsEnabled: true,
          DataTraceEnabled: false,
        }),
      });
    }
  });

  it('the stage-wide default is no longer the only limit: each caller is sized apart from the others', () => {
    // Arrange
    const prod = methodSettings(built.prod);
    const rate = (route: string) => prod.get(route)?.['ThrottlingRateLimit'] as number;

    // Assert: Slack keeps the most, Twilio's receipts more than its inbound SMS, the email links little
    const others = PUBLIC_ROUTES.filter((r) => r !== 'POST /slack/webhook').map(rate);
    expect(rate('POST /slack/webhook')).toBeGreaterThan(Math.max(...others));
    expect(rate('POST /twilio/status')).toBeGreaterThan(rate('POST /twilio/sms'));
    expect(rate('POST /act')).toBeLessThan(rate('POST /slack/webhook'));
    expect(new Set(PUBLIC_ROUTES.map(rate)).size).toBeGreaterThan(1);
  });

  it('a method added without a throttle of its own fails the synth, naming the route', () => {
    // Arrange
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const stack = new MeetingPrepStack(app, 'Unthrottled', {
      config: loadConfig((key) => app.node.tryGetContext(key)),
    });
    slackBotOf(stack).api.root.addResource('extra').addMethod('GET', new apigateway.MockIntegration());

    // Act
    const error = thrownBy(() => app.synth());
    removeTemporaryOutdir(app);

    // Assert
    expect(error.message).toContain('GET /extra has no throttle of its own');
  });
});

describe('the AWS WAF web ACL', () => {
  it('dev has none: no web ACL, no association, no WAF alarms', () => {
    for (const type of ['AWS::WAFv2::WebACL', 'AWS::WAFv2::WebACLAssociation']) {
      built.dev.template.resourceCountIs(type, 0);
    }
    expect(alarmsOn(built.dev, 'AWS/WAFV2')).toEqual([]);
  });

  it.each(['staging', 'prod'] as const)(
    '%s: one regional web ACL, associated with the API stage, with the per-IP limit and the managed groups',
    (stage) => {
      // Arrange
      const { json } = built[stage];
      const file = committed(stage);
      const acls = resourcesOfType(json, 'AWS::WAFv2::WebACL');
      const associations = resourcesOfType(json, 'AWS::WAFv2::WebACLAssociation');
      const [stageId] = resourcesOfType(json, 'AWS::ApiGateway::Stage')[0] ?? [];
      const [apiId] = resourcesOfType(json, 'AWS::ApiGateway::RestApi')[0] ?? [];

      // Assert: one ACL, allowing by default, with three rules in this order
      expect(acls).toHaveLength(1);
      const [aclId, acl] = acls[0] as (typeof acls)[number];
      expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
      const rules = acl.Properties['Rules'] as Record<string, unknown>[];
      expect(rules.map((r) => [r['Name'], r['Priority']])).toEqual([
        [WEB_ACL_RULES.rateLimitPerIp, 0],
        [WEB_ACL_RULES.ipReputation, 1],
        [WEB_ACL_RULES.commonRuleSet, 2],
      ]);
      // The rate limit: per source IP, over 5 minutes, as the stage file says, answered 429
      expect(rules[0]).toMatchObject({
        Statement: {
          RateBasedStatement: {
            Limit: file['webAclRateLimitPerIp'],
            AggregateKeyType: 'IP',
            EvaluationWindowSec: 300,
          },
        },
        Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
      });
      // AWS's managed groups; the core rule set's body rules only count
      expect(rules[1]).toMatchObject({
        Statement: {
          ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' },
        },
        OverrideAction: { None: {} },
      });
      const common = asObject(
        asObject(rules[2]?.['Statement'], 'Statement')['ManagedRuleGroupStatement'],
        'ManagedRuleGroupStatement',
      );
      expect(common).toMatchObject({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' });
      expect(common['RuleActionOverrides']).toEqual(
        COUNTED_BODY_RULES.map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
      );
      expect(COUNTED_BODY_RULES).toContain('SizeRestrictions_BODY');
      for (const rule of [acl.Properties, ...rules]) {
        expect(rule['VisibilityConfig']).toMatchObject({
          CloudWatchMetricsEnabled: true,
          SampledRequestsEnabled: true,
        });
      }
      // Associated with this API's stage
      expect(associations).toHaveLength(1);
      const association = (associations[0] as (typeof associations)[number])[1].Properties;
      expect(render(association['WebACLArn'])).toBe(`\${${aclId}.Arn}`);
      expect(render(association['ResourceArn'])).toMatch(
        new RegExp(`:apigateway:\\$\\{AWS::Region\\}::/restapis/\\$\\{${apiId}\\}/stages/\\$\\{${stageId}\\}$`),
      );
    },
  );

  it.each(['staging', 'prod'] as const)(
    '%s: an alarm per rule on its blocked requests, at the stage file’s threshold, notifying the alarm topic',
    (stage) => {
      // Arrange
      const { json, stack } = built[stage];
      const topicId = logicalIdOf(stack.monitoring?.alarmTopic as never);
      const aclName = (resourcesOfType(json, 'AWS::WAFv2::WebACL')[0]?.[1].Properties['Name'] ?? '') as string;

      // Act
      const alarms = alarmsOn(built[stage], 'AWS/WAFV2');

      // Assert
      expect(aclName).toBe(`${stack.stackName}-public-api`);
      expect(alarms.map((a) => a['Dimensions'])).toEqual(
        Object.values(WEB_ACL_RULES).map((rule) =>
          expect.arrayContaining([
            { Name: 'WebACL', Value: aclName },
            { Name: 'Region', Value: { Ref: 'AWS::Region' } },
            { Name: 'Rule', Value: rule },
          ]),
        ),
      );
      for (const alarm of alarms) {
        expect(alarm).toMatchObject({
          MetricName: 'BlockedRequests',
          Statistic: 'Sum',
          Period: 300,
          Threshold: committed(stage)['alarmWebAclBlockedRequests'],
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: topicId }],
          OKActions: [{ Ref: topicId }],
        });
      }
    },
  );

  it('the dashboard graphs what each rule blocks where the web ACL exists', () => {
    const body = (b: BuiltStack) =>
      render(resourcesOfType(b.json, 'AWS::CloudWatch::Dashboard')[0]?.[1].Properties['DashboardBody']);

    expect(body(built.prod)).toContain('"title":"Web ACL: blocked requests, by rule"');
    // dev has no web ACL, and no dashboard either (dashboard: false).
    expect(resourcesOfType(built.dev.json, 'AWS::CloudWatch::Dashboard')).toEqual([]);
  });
});

describe('the security review (cdk-nag) matches', () => {
  it('staging and prod satisfy AwsSolutions-APIG3 with the web ACL instead of acknowledging it', () => {
    for (const stage of ['staging', 'prod'] as const) {
      expect({ stage, apig3: acknowledgements(built[stage]).get('AwsSolutions-APIG3') }).toEqual({
        stage,
        apig3: undefined,
      });
    }
  });

  it('dev acknowledges it truthfully: no web ACL by its stage setting, each route throttled on its own', () => {
    const reasons = acknowledgements(built.dev).get('AwsSolutions-APIG3') ?? [];

    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('webAcl: false');
    expect(reasons[0]).toContain('routeThrottles');
  });

  it('no acknowledgement still speaks of a single endpoint', () => {
    for (const stage of STAGES) {
      const reasons = [...acknowledgements(built[stage]).values()].flat();
      expect(reasons.filter((r) => /single (signed )?endpoint|the caller is slack/i.test(r))).toEqual([]);
    }
  });

  it('staging passes the AWS Solutions checks with zero unacknowledged findings', () => {
    // Arrange
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], stage: 'staging' } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new MeetingPrepStack(app, 'NagStaging', { config: loadConfig((key) => app.node.tryGetContext(key)) });

    // Act / Assert
    try {
      expect(() => app.synth()).not.toThrow();
    } finally {
      removeTemporaryOutdir(app);
    }
  });
});

describe('stage-file mistakes fail loading, one clear line each', () => {
  let dir: string;
  const prodText = () => fs.readFileSync(stageFilePath('prod'), 'utf8');
  const load = (text: string, context: Record<string, string> = {}) => {
    fs.writeFileSync(path.join(dir, 'prod.yaml'), text);
    return thrownBy(() => loadConfig((key) => ({ stage: 'prod', ...context })[key], undefined, dir));
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stages-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an unknown route, a burst below its rate, a negative rate, a missing route: all in one error', () => {
    // Arrange
    const text = prodText()
      .replace(/^ {2}POST \/twilio\/sms: .*$/m, '  POST /twilio/sms-typo: { rate: 5, burst: 10 }')
      .replace(/^ {2}GET \/act: .*$/m, '  GET /act: { rate: 10, burst: 5 }')
      .replace(/^ {2}POST \/act: .*$/m, '  POST /act: { rate: -1, burst: 10 }')
      .replace(/^ {2}GET \/unsubscribe: .*$/m, '  GET /unsubscribe: { rate: 2, burst: 2.5, brust: 3 }');

    // Act
    const error = load(text);

    // Assert
    const file = 'config/stages/prod.yaml: routeThrottles';
    expect(error.message.split('\n')).toEqual([
      'Invalid configuration:',
      `  - ${file} has an unknown route "POST /twilio/sms-typo" (the public routes are ${PUBLIC_ROUTES.join(', ')})`,
      `  - ${file}."GET /act": burst (5) must be at least rate (10), or the route could never take one second of its own rate at once`,
      `  - ${file}."POST /act".rate must be a positive number of requests per second, at most 10000, got -1`,
      `  - ${file}."GET /unsubscribe" has an unknown key brust (rate and burst only)`,
      `  - ${file}."GET /unsubscribe".burst must be a positive whole number of requests, at most 5000, got 2.5`,
      `  - ${file} lacks POST /twilio/sms: every public route needs its own rate and burst, or it would share the stage's default with the others`,
    ]);
  });

  it('a stage with a web ACL must give its per-IP limit (within WAF’s bounds) and its alarm threshold', () => {
    // Arrange
    const text = prodText()
      .replace(/^webAclRateLimitPerIp:.*$/m, 'webAclRateLimitPerIp: 5')
      .replace(/^alarmWebAclBlockedRequests:.*$/m, 'alarmWebAclBlockedRequests:');

    // Act
    const error = load(text);

    // Assert
    expect(error.message).toContain(
      'config/stages/prod.yaml: webAclRateLimitPerIp must be a whole number of requests per source IP per 5 minutes, from 10 to 2000000000, got 5',
    );
    expect(error.message).toContain(
      'config/stages/prod.yaml: alarmWebAclBlockedRequests must be set when webAcl is true',
    );
  });

  it('routeThrottles and webAcl are required in every stage file', () => {
    // Arrange
    const text = prodText()
      .replace(/^routeThrottles:\n(?: {2}.*\n)+/m, '')
      .replace(/^webAcl: .*$/m, '');

    // Act
    const error = load(text);

    // Assert
    expect(error.message).toContain('config/stages/prod.yaml: routeThrottles must be set');
    expect(error.message).toContain('config/stages/prod.yaml: webAcl must be set');
  });

  it('-c routeThrottles takes the mapping as JSON, checked the same way; -c webAcl=false alone turns the web ACL off', () => {
    // Arrange
    fs.writeFileSync(path.join(dir, 'prod.yaml'), prodText());
    const all = Object.fromEntries(PUBLIC_ROUTES.map((r) => [r, { rate: 1, burst: 2 }]));
    const context = (values: Record<string, string>) => (key: string) => ({ stage: 'prod', ...values })[key];

    // Act
    const overridden = loadConfig(context({ routeThrottles: JSON.stringify(all), webAcl: 'false' }), undefined, dir);
    const bad = thrownBy(() => loadConfig(context({ routeThrottles: '{"POST /slack/webhook": ' }), undefined, dir));

    // Assert
    expect(overridden.settings.routeThrottles['POST /twilio/sms']).toEqual({ rate: 1, burst: 2 });
    expect(overridden.settings.webAcl).toBeUndefined();
    expect(bad.message).toContain('context routeThrottles given as a string must be JSON');
  });
});
