/**
 * What each stage pays for before it sends anything, counted from its synthesized template and held to the table
 * of docs/DEPLOY.md ("What each stage costs before it sends anything"): alarms, dashboards, KMS keys, secrets and
 * web ACLs (with their rules), priced at the published monthly list prices. Changing what a stage creates without
 * the table fails here. dev is lean by its stage file (`alarms`, `dashboard`, `customerManagedKeys` all false);
 * staging and prod keep what protects data and pages someone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STAGES, type Stage } from '../../lib/config';
import { BuiltStack, buildStack, PROJECT_ROOT, resourcesOfType } from './helpers';

/** Monthly list prices (us-east-1): standard-resolution alarm, dashboard, KMS key, secret, web ACL and its rules. */
const PRICE = { alarm: 0.1, dashboard: 3, key: 1, secret: 0.4, webAcl: 5, webAclRule: 1 } as const;

/** What a stage's template creates that is billed by the month, whatever it sends. */
interface FixedResources {
  readonly alarms: number;
  readonly dashboards: number;
  readonly keys: number;
  readonly secrets: number;
  readonly webAcls: number;
  readonly webAclRules: number;
}

function fixedResources(built: BuiltStack): FixedResources {
  const count = (type: string) => resourcesOfType(built.json, type).length;
  const acls = resourcesOfType(built.json, 'AWS::WAFv2::WebACL');
  return {
    alarms: count('AWS::CloudWatch::Alarm'),
    dashboards: count('AWS::CloudWatch::Dashboard'),
    keys: count('AWS::KMS::Key'),
    secrets: count('AWS::SecretsManager::Secret'),
    webAcls: acls.length,
    webAclRules: acls.reduce(
      (sum, [, acl]) => sum + ((acl.Properties['Rules'] as unknown[] | undefined)?.length ?? 0),
      0,
    ),
  };
}

/** The fixed monthly cost, in cents (whole numbers: no rounding drift). */
function monthlyCents(r: FixedResources): number {
  const cents = (dollars: number) => Math.round(dollars * 100);
  return (
    r.alarms * cents(PRICE.alarm) +
    r.dashboards * cents(PRICE.dashboard) +
    r.keys * cents(PRICE.key) +
    r.secrets * cents(PRICE.secret) +
    r.webAcls * cents(PRICE.webAcl) +
    r.webAclRules * cents(PRICE.webAclRule)
  );
}

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

const DEPLOY_DOC = path.join(PROJECT_ROOT, 'docs', 'DEPLOY.md');
const HEADING = '### What each stage costs before it sends anything';
const HEADER = ['stage', 'alarms', 'dashboards', 'KMS keys', 'secrets', 'web ACLs (rules)', 'fixed per month'];

/** The rows of the doc's table, by stage, as their cells (the header checked). */
function docTable(): Map<string, string[]> {
  const text = fs.readFileSync(DEPLOY_DOC, 'utf8');
  const start = text.indexOf(`\n${HEADING}\n`);
  if (start < 0) throw new Error(`docs/DEPLOY.md has no section "${HEADING}"`);
  const lines = text.slice(start + HEADING.length + 2).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const table: string[] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    table.push(line);
  }
  const cells = (line: string) =>
    line
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim().replace(/\*\*/g, '').replace(/`/g, ''));
  const [header, separator, ...rows] = table;
  expect(cells(header ?? '')).toEqual(HEADER);
  expect(separator).toMatch(/^\|(-+\|)+$/);
  return new Map(rows.map((row) => [cells(row)[0] ?? '', cells(row)]));
}

const built = {} as Record<Stage, BuiltStack>;

beforeAll(() => {
  for (const stage of STAGES) built[stage] = buildStack({ context: { stage } });
});

describe("docs/DEPLOY.md's fixed cost per stage", () => {
  it('has a row for every stage and no other', () => {
    expect([...docTable().keys()]).toEqual([...STAGES]);
  });

  it.each(STAGES)('%s: states what the template creates and what that costs a month', (stage) => {
    // Arrange
    const r = fixedResources(built[stage]);

    // Act
    const row = docTable().get(stage);

    // Assert
    expect(row).toEqual([
      stage,
      String(r.alarms),
      String(r.dashboards),
      String(r.keys),
      String(r.secrets),
      `${r.webAcls} (${r.webAclRules})`,
      dollars(monthlyCents(r)),
    ]);
  });

  it('keeps dev within $2 a month before it sends anything', () => {
    expect(monthlyCents(fixedResources(built.dev))).toBeLessThanOrEqual(200);
  });
});

describe('a lean dev stage (alarms, dashboard, customerManagedKeys: false)', () => {
  it('creates no alarm, alarm topic, dashboard or KMS key', () => {
    const { json, stack } = built.dev;

    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::KMS::Key', 'AWS::SNS::Topic'])
      expect({ type, count: resourcesOfType(json, type).length }).toEqual({ type, count: 0 });
    expect(stack.monitoring?.alarmTopic).toBeUndefined();
    expect(stack.monitoring?.dashboard).toBeUndefined();
    expect(stack.tables.encryptionKey).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain('AlarmTopic');
  });

  it('still encrypts every table (with DynamoDB’s AWS-managed key) and keeps point-in-time recovery', () => {
    const tables = resourcesOfType(built.dev.json, 'AWS::DynamoDB::Table');

    expect(tables.length).toBe(4);
    for (const [, table] of tables) {
      expect(table.Properties['SSESpecification']).toEqual({ SSEEnabled: true });
      expect(table.Properties['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('has one secret per integration: Slack, Twilio, and the email links’ signing keys', () => {
    const { stack } = built.dev;

    expect(resourcesOfType(built.dev.json, 'AWS::SecretsManager::Secret')).toHaveLength(3);
    expect(new Set([stack.slackSecret, stack.twilioSecret, stack.linkSigningKeys]).size).toBe(3);
  });
});

describe.each(['staging', 'prod'] as const)('%s keeps what protects data and pages someone', (stage) => {
  it('alarms every alarm to the encrypted alarm topic, has the dashboard, and encrypts the tables with its key', () => {
    const { json, stack } = built[stage];
    const topic = stack.monitoring?.alarmTopic;
    const tablesKey = stack.tables.encryptionKey;
    if (!topic || !tablesKey) throw new Error(`${stage} should have the alarm topic and the tables' key`);

    const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(40);
    for (const [, alarm] of alarms) expect(alarm.Properties['AlarmActions']).toHaveLength(1);
    expect(topic.masterKey).toBeDefined();
    expect(resourcesOfType(json, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
    for (const [, table] of resourcesOfType(json, 'AWS::DynamoDB::Table'))
      expect(table.Properties['SSESpecification']).toMatchObject({ SSEType: 'KMS' });
  });
});
