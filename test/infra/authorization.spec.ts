/**
 * Authorization proven by simulation: every request of docs/AUTHORIZATION.md is evaluated against the synthesized
 * template of each stage as AWS would evaluate it (identity, trust, resource and key policies, and the context
 * keys the calling service presents), and must come out as the table says. The code under lambda/ may send no
 * command that the table lacks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountStack } from '../../lib/account-stack';
import { AuthorizationRow, describeRow, readAuthorizationTable } from './authorization-table';
import { Symbols, commonSymbols, stackSymbols } from './authorization-symbols';
import {
  BuiltStack,
  JsonObject,
  PROJECT_ROOT,
  buildStack,
  lambdaFunctions,
  logicalIdOf,
  resourcesOfType,
  templateJson,
} from './helpers';
import { TemplatePolicies, simulate } from './iam-simulation';
import { commandsOfEntry, moduleGraph } from './lambda-commands';
import { ACCOUNT, REGION } from './template-resolver';

const ROWS = readAuthorizationTable();

/** A stack the table is checked against. */
interface Variant {
  readonly name: string;
  readonly context: JsonObject;
  readonly workflow: boolean;
  readonly sender: boolean;
  readonly secretsKey: boolean;
  /** The tables have a customer-managed key (the stage's `customerManagedKeys`, or an imported key). */
  readonly tablesKey: boolean;
  /** The stage has alarms (and so the alarm topic and its key). */
  readonly alarms: boolean;
}

const IMPORTED: JsonObject = {
  meetingsTableName: 'exec-meetings',
  usersTableName: 'exec-users',
  chatSessionsTableName: 'exec-chat-sessions',
  tableEncryptionKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-2222-bbbb-3333-cccc4444dddd`,
  slackSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:meeting-prep/slack-AbCdEf`,
  twilioSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:meeting-prep/twilio-GhIjKl`,
  secretsEncryptionKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/5555eeee-6666-ffff-7777-aaaa8888bbbb`,
  sesFromEmail: 'prep@exec.example.com',
};

const VARIANTS: readonly Variant[] = [
  {
    name: 'dev',
    context: { stage: 'dev' },
    workflow: true,
    sender: false,
    secretsKey: false,
    tablesKey: false,
    alarms: false,
  },
  {
    name: 'staging',
    context: { stage: 'staging' },
    workflow: true,
    sender: false,
    secretsKey: false,
    tablesKey: true,
    alarms: true,
  },
  {
    name: 'prod',
    context: { stage: 'prod' },
    workflow: true,
    sender: false,
    secretsKey: false,
    tablesKey: true,
    alarms: true,
  },
  {
    name: 'prod with imported tables, secrets, keys and a sender',
    context: { stage: 'prod', ...IMPORTED },
    workflow: true,
    sender: true,
    secretsKey: true,
    tablesKey: true,
    alarms: true,
  },
];

function applies(row: AuthorizationRow, variant: Variant): boolean {
  switch (row.when) {
    case '-':
      return variant.workflow;
    case 'sender':
      return variant.workflow && variant.sender;
    case 'secrets-key':
      return variant.workflow && variant.secretsKey;
    case 'tables-key':
      return variant.workflow && variant.tablesKey;
    case 'alarms':
      return variant.workflow && variant.alarms;
    case 'account':
      return false;
  }
}

function lookup(symbols: Symbols, symbol: string, what: string): string {
  const value = symbols.values.get(symbol);
  if (value === undefined) throw new Error(`${what} ${symbol} is not in this stack's template`);
  return value;
}

/** Evaluates a row for one caller symbol; `self` is the function a `fn:*` row is expanded for. */
async function evaluate(
  policies: TemplatePolicies,
  symbols: Symbols,
  row: AuthorizationRow,
  callerSymbol: string,
): Promise<string> {
  const caller = callerSymbol.endsWith('.amazonaws.com')
    ? { principal: callerSymbol, identityPolicies: [] }
    : symbols.callers.get(callerSymbol);
  if (!caller) throw new Error(`caller ${callerSymbol} is not in this stack's template`);
  const resourceArn =
    row.resource === 'own-log-group'
      ? (symbols.ownLogGroups.get(callerSymbol) ?? lookup(symbols, `${callerSymbol} log group`, 'resource'))
      : lookup(symbols, row.resource, 'resource');
  const context = Object.fromEntries(
    Object.entries(row.context).map(([key, symbol]) => [
      key,
      key === 'aws:SecureTransport' ? symbol : lookup(symbols, symbol, `context ${key}`),
    ]),
  );
  const decision = await simulate(policies, caller, row.action, resourceArn, context);
  if (decision.ignoredContextKeys.length > 0) {
    throw new Error(
      `the simulator ignored context keys ${decision.ignoredContextKeys.join(', ')}: they do not apply to ${row.action}`,
    );
  }
  return decision.result === 'Allowed' ? 'Allowed' : 'Denied';
}

describe.each(VARIANTS)('authorization of the $name stack', (variant) => {
  let built: BuiltStack;
  let policies: TemplatePolicies;
  let symbols: Symbols;

  beforeAll(() => {
    built = buildStack({ context: variant.context });
    policies = new TemplatePolicies(built.json);
    symbols = stackSymbols(built, policies);
  });

  const rows = ROWS.filter((row) => applies(row, variant));
  it.each(rows.map((row) => [describeRow(row), row] as const))('%s', async (_name, row) => {
    const callers = row.caller === 'fn:*' ? symbols.functions : [row.caller];
    const outcomes: Record<string, string> = {};
    for (const caller of callers) outcomes[caller] = await evaluate(policies, symbols, row, caller);
    expect(outcomes).toEqual(Object.fromEntries(callers.map((c) => [c, row.expect])));
  });
});

describe('authorization of the account stack (API Gateway logging role)', () => {
  let policies: TemplatePolicies;
  let symbols: Symbols;

  beforeAll(() => {
    const stack = new AccountStack(new App({ builtinCloudFormationValidation: false }), 'AccountTest');
    policies = new TemplatePolicies(templateJson(Template.fromStack(stack)));
    const values = commonSymbols();
    const role = policies.roleCaller(logicalIdOf(stack.apiGatewayLoggingRole));
    values.set('role:apigw-logging', role.principal);
    symbols = { values, callers: new Map([['role:apigw-logging', role]]), functions: [], ownLogGroups: new Map() };
  });

  it.each(ROWS.filter((row) => row.when === 'account').map((row) => [describeRow(row), row] as const))(
    '%s',
    async (_name, row) => {
      expect(await evaluate(policies, symbols, row, row.caller)).toBe(row.expect);
    },
  );
});

describe('authorization with enablePrepNotification=false (the rollback)', () => {
  it('leaves no role, Lambda permission, queue or topic policy that could act on the retained data', () => {
    // Arrange
    const { json } = buildStack({ context: { stage: 'prod', enablePrepNotification: 'false' } });

    // Act
    const acting = [
      'AWS::IAM::Role',
      'AWS::IAM::Policy',
      'AWS::Lambda::Permission',
      'AWS::SQS::QueuePolicy',
      'AWS::SNS::TopicPolicy',
    ].flatMap((type) => resourcesOfType(json, type).map(([id]) => `${type} ${id}`));

    // Assert
    expect(acting).toEqual([]);
    expect(
      ROWS.filter((row) =>
        applies(row, {
          name: 'off',
          context: {},
          workflow: false,
          sender: false,
          secretsKey: false,
          tablesKey: false,
          alarms: false,
        }),
      ),
    ).toEqual([]);
  });
});

describe('the authorization table covers the code', () => {
  let built: BuiltStack;
  beforeAll(() => {
    built = buildStack({ context: { stage: 'dev' } });
  });

  it('has a row for every AWS command each function’s code can send', () => {
    // Arrange
    const entries = [...lambdaFunctions(built.json).keys()].filter((entry) => entry.startsWith('lambda/'));

    // Act
    const missing = entries.flatMap((entry) => {
      const caller = `fn:${entry.replace(/^lambda\//, '').replace(/\.ts$/, '')}`;
      const listed = new Set(
        ROWS.filter((row) => row.caller === caller || row.caller === 'fn:*').map((row) => row.action),
      );
      return [
        ...new Set(
          commandsOfEntry(entry)
            .filter((c) => !listed.has(c.action))
            .map((c) => `${caller} ${c.action} (sent in ${c.file})`),
        ),
      ];
    });

    // Assert
    expect(entries.length).toBeGreaterThanOrEqual(8);
    expect(missing).toEqual([]);
  });

  it('has a row acting as every role of the template', () => {
    // Arrange
    const policies = new TemplatePolicies(built.json);
    const symbols = stackSymbols(built, policies);
    const callerSymbols = new Set(
      ROWS.filter((row) => row.when === '-').flatMap((row) =>
        row.caller === 'fn:*' ? symbols.functions : [row.caller],
      ),
    );
    const exercised = new Set([...callerSymbols].map((symbol) => symbols.callers.get(symbol)?.principal));

    // Act
    const roles = resourcesOfType(built.json, 'AWS::IAM::Role').map(([id]) => policies.resolver.getAtt(id, 'Arn'));

    // Assert
    expect(roles.filter((role) => !exercised.has(role))).toEqual([]);
  });

  it('keeps the AGPL policy simulator out of every function bundle and out of the dependencies', () => {
    // Arrange
    const entries = [...lambdaFunctions(built.json).keys()].filter((entry) => entry.startsWith('lambda/'));
    const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };

    // Act
    const importers = entries
      .flatMap((entry) => moduleGraph(entry))
      .filter((file) => /@cloud-copilot\//.test(fs.readFileSync(file, 'utf8')));

    // Assert
    expect(importers).toEqual([]);
    expect(Object.keys(packageJson.dependencies).filter((name) => name.startsWith('@cloud-copilot/'))).toEqual([]);
    expect(packageJson.devDependencies['@cloud-copilot/iam-simulate']).toBeDefined();
  });
});
