/**
 * The data (tables and their key), what each stage keeps, importing existing tables, and configuration errors.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../lib/config';
import {
  BuiltStack,
  ResourceJson,
  asObject,
  asString,
  buildStack,
  everyFunction,
  functionGrants,
  functionLogicalId,
  grants,
  logicalIdOf,
  perFunction,
  render,
  resourcesOfType,
  statementsOfRole,
  thrownBy,
} from './helpers';

let dev: BuiltStack;
/** A stage with `customerManagedKeys: true` (and alarms), as committed. */
let staging: BuiltStack;

beforeAll(() => {
  dev = buildStack();
  staging = buildStack({ context: { stage: 'staging' } });
});

describe('tables', () => {
  it('are the three tables meetings, users and chat_sessions, and the SMS answers table', () => {
    // Arrange
    const { template } = dev;

    // Act / Assert
    template.resourceCountIs('AWS::DynamoDB::Table', 4);
    for (const key of ['meeting_id', 'user_id', 'session_id', 'message_sid']) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      });
    }
  });

  it("are encrypted with the stack's customer-managed KMS key where the stage says so (customerManagedKeys)", () => {
    // Arrange
    const key = staging.stack.tables.encryptionKey;
    if (!key) throw new Error('the staging stack should create a key');
    const keyId = logicalIdOf(key);

    // Act
    const tables = resourcesOfType(staging.json, 'AWS::DynamoDB::Table');

    // Assert
    expect(tables.map(([, t]) => t.Properties['SSESpecification'])).toEqual([
      { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    ]);
  });

  it("are encrypted with DynamoDB's AWS-managed key, and no key of the stack's, in dev (customerManagedKeys: false)", () => {
    // Arrange / Act
    const tables = resourcesOfType(dev.json, 'AWS::DynamoDB::Table');

    // Assert
    expect(dev.stack.tables.encryptionKey).toBeUndefined();
    expect(tables.map(([, t]) => t.Properties['SSESpecification'])).toEqual([
      { SSEEnabled: true },
      { SSEEnabled: true },
      { SSEEnabled: true },
      { SSEEnabled: true },
    ]);
    expect(resourcesOfType(dev.json, 'AWS::KMS::Key')).toEqual([]);
  });

  it("use a key with automatic rotation (staging has two keys: the tables' and the alarm topic's)", () => {
    // Arrange
    const { template } = staging;

    // Act
    const keys = Object.values(template.findResources('AWS::KMS::Key'));

    // Assert
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key['Properties']).toMatchObject({ EnableKeyRotation: true });
  });

  it('have point-in-time recovery', () => {
    // Arrange / Act
    const tables = resourcesOfType(dev.json, 'AWS::DynamoDB::Table');

    // Assert
    for (const [, table] of tables) {
      expect(table.Properties['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('index meetings by user_id (HASH) and start_time (RANGE) as user_id-start_time-index', () => {
    // Arrange
    const meetingsId = logicalIdOf(dev.stack.tables.meetings);

    // Act
    const meetings = dev.json.Resources[meetingsId];

    // Assert
    expect(meetings?.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'meeting_id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: expect.arrayContaining([
        expect.objectContaining({
          IndexName: 'user_id-start_time-index',
          KeySchema: [
            { AttributeName: 'user_id', KeyType: 'HASH' },
            { AttributeName: 'start_time', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
  });

  it('expire chat sessions through TTL on expires_at', () => {
    // Arrange
    const sessionsId = logicalIdOf(dev.stack.tables.chatSessions);

    // Act
    const sessions = dev.json.Resources[sessionsId];

    // Assert
    expect(sessions?.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'session_id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
  });

  it('are named by CloudFormation, not hard-coded', () => {
    // Arrange
    const { template } = dev;

    // Act / Assert
    expect(
      Object.keys(template.findResources('AWS::DynamoDB::Table', { Properties: { TableName: Match.anyValue() } })),
    ).toEqual([]);
  });
});

/** The log group each function logs to (without one, Lambda makes /aws/lambda/… that never expires). */
function functionLogGroups(built: BuiltStack): Record<string, string> {
  return perFunction(built.json, (fn) => {
    const logGroup = asObject(asObject(fn.Properties['LoggingConfig'], 'LoggingConfig')['LogGroup'], 'LogGroup');
    return asString(logGroup['Ref'], 'LogGroup Ref');
  });
}

const policiesOf = (resources: [string, ResourceJson][]): (string | undefined)[] =>
  resources.map(([, r]) => r.DeletionPolicy);

describe('stage dev', () => {
  it('deletes the tables with the stack (it has no key)', () => {
    // Arrange / Act
    const data = [...resourcesOfType(dev.json, 'AWS::DynamoDB::Table'), ...resourcesOfType(dev.json, 'AWS::KMS::Key')];

    // Assert
    // Four tables; no key (customerManagedKeys: false, and no alarm topic).
    expect(policiesOf(data)).toEqual(['Delete', 'Delete', 'Delete', 'Delete']);
  });

  it('has no deletion protection on the tables', () => {
    // Arrange / Act
    const tables = resourcesOfType(dev.json, 'AWS::DynamoDB::Table');

    // Assert
    expect(tables.map(([, t]) => t.Properties['DeletionProtectionEnabled'] ?? false)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('keeps logs for 7 days', () => {
    // Arrange / Act
    const logGroups = resourcesOfType(dev.json, 'AWS::Logs::LogGroup');

    // Assert
    expect(logGroups.length).toBeGreaterThan(1);
    expect(new Set(logGroups.map(([, g]) => g.Properties['RetentionInDays']))).toEqual(new Set([7]));
  });

  it("sends every function's logs to a log group of its own, with that retention", () => {
    // Arrange
    const retentionById = new Map(
      resourcesOfType(dev.json, 'AWS::Logs::LogGroup').map(([id, g]) => [id, g.Properties['RetentionInDays']]),
    );

    // Act
    const logGroups = functionLogGroups(dev);
    const retention = Object.fromEntries(Object.entries(logGroups).map(([name, id]) => [name, retentionById.get(id)]));

    // Assert
    expect(retention).toEqual(everyFunction(dev.json, 7));
    expect(new Set(Object.values(logGroups)).size).toBe(Object.keys(logGroups).length);
  });
});

describe('stage prod (context stage=prod)', () => {
  let prod: BuiltStack;

  beforeAll(() => {
    prod = buildStack({ context: { stage: 'prod' } });
  });

  it('retains the tables and key when the stack is deleted or the resources replaced', () => {
    // Arrange / Act
    const data = [
      ...resourcesOfType(prod.json, 'AWS::DynamoDB::Table'),
      ...resourcesOfType(prod.json, 'AWS::KMS::Key'),
    ];

    // Assert
    // Four tables, the tables' key and the alarm topic's key.
    expect(data).toHaveLength(6);
    for (const [, r] of data) expect([r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('turns on deletion protection on the tables', () => {
    // Arrange / Act
    const tables = resourcesOfType(prod.json, 'AWS::DynamoDB::Table');

    // Assert
    expect(tables.map(([, t]) => t.Properties['DeletionProtectionEnabled'])).toEqual([true, true, true, true]);
  });

  it('keeps logs for 30 days', () => {
    // Arrange / Act
    const logGroups = resourcesOfType(prod.json, 'AWS::Logs::LogGroup');

    // Assert
    expect(logGroups.length).toBeGreaterThan(1);
    expect(new Set(logGroups.map(([, g]) => g.Properties['RetentionInDays']))).toEqual(new Set([30]));
  });
});

describe('importing existing tables (context meetingsTableName, usersTableName, chatSessionsTableName)', () => {
  const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  let imported: BuiltStack;

  beforeAll(() => {
    imported = buildStack({
      context: {
        meetingsTableName: 'ea-meetings',
        usersTableName: 'ea-users',
        chatSessionsTableName: 'ea-chat-sessions',
        tableEncryptionKeyArn: KEY_ARN,
      },
    });
  });

  it('creates no table but its own SMS answers table (encrypted with the given key), and no key of its own', () => {
    // Arrange
    const { template } = imported;

    // Act / Assert
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'message_sid', KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN },
    });
    // No tables' key; and dev has no alarms, so no alarm topic key either.
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  it('grants on the given tables, by name', () => {
    // Arrange
    const tableArn = (name: string) =>
      `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${name}`;

    // Act
    const load = functionGrants(imported, 'loadMeeting').filter((g) => g.startsWith('dynamodb:'));

    // Assert
    expect(load).toEqual([
      `dynamodb:GetItem ${tableArn('ea-meetings')}`,
      `dynamodb:GetItem ${tableArn('ea-users')}`,
      `dynamodb:UpdateItem ${tableArn('ea-meetings')}`,
    ]);
  });

  it('grants table access, in every policy, only on the given tables and their indexes, and the SMS answers table', () => {
    // Arrange
    const policies = resourcesOfType(imported.json, 'AWS::IAM::Policy').map(([id]) => id);

    // Act
    const tableResources = resourcesOfType(imported.json, 'AWS::IAM::Role').flatMap(([roleId]) =>
      grants(statementsOfRole(imported.json, roleId))
        .filter((g) => g.startsWith('dynamodb:'))
        .map((g) => g.split(' ')[1] ?? ''),
    );

    // Assert
    expect(policies.length).toBeGreaterThan(0);
    expect(tableResources.length).toBeGreaterThan(0);
    const answers = `\${${logicalIdOf(imported.stack.tables.smsReplies)}.Arn}`;
    expect(
      tableResources.filter(
        (r) =>
          r !== answers &&
          !/:table\/(ea-meetings|ea-users|ea-chat-sessions)(\/index\/(\*|phone_number-index))?$/.test(r),
      ),
    ).toEqual([]);
  });

  it('passes the given table names to the functions', () => {
    // Arrange
    const fn = imported.json.Resources[functionLogicalId(imported.stack, 'loadMeeting')];

    // Act
    const variables = asObject(asObject(fn?.Properties['Environment'], 'Environment')['Variables'], 'Variables');

    // Assert
    expect(render(variables['MEETINGS_TABLE_NAME'])).toBe('ea-meetings');
    expect(render(variables['USERS_TABLE_NAME'])).toBe('ea-users');
  });

  it('grants KMS use on the given key', () => {
    // Arrange / Act
    const kms = functionGrants(imported, 'loadMeeting').filter((g) => g.startsWith('kms:'));

    // Assert
    expect(kms).toEqual([`kms:Decrypt ${KEY_ARN}`, `kms:Encrypt ${KEY_ARN}`, `kms:GenerateDataKey ${KEY_ARN}`]);
  });
});

describe('loadConfig', () => {
  it('reports an unknown stage, a partial table set, a bad secret ARN and a bad email in one error', () => {
    // Arrange
    const context: Record<string, string> = {
      stage: 'qa',
      meetingsTableName: 'ea-meetings',
      slackSecretArn: 'not-an-arn',
      sesFromEmail: 'nobody',
    };

    // Act
    const error = thrownBy(() => loadConfig((key) => context[key]));

    // Assert
    expect(error.message).toMatch(/^Invalid configuration:/);
    expect(error.message).toContain('context stage must be one of dev, staging, prod, got "qa"');
    expect(error.message).toContain('give all three of meetingsTableName, usersTableName, chatSessionsTableName');
    expect(error.message).toContain('context slackSecretArn is not a Secrets Manager ARN: not-an-arn');
    expect(error.message).toContain('context sesFromEmail is not an email address: nobody');
  });

  it('reads the channel order from the agents.yaml text it is given', () => {
    // Arrange
    const yamlText = 'meeting_coordinator:\n  notification_channels: [email, slack]\n';

    // Act
    const config = loadConfig(() => undefined, yamlText);

    // Assert
    expect(config.notificationChannels).toEqual(['email', 'slack']);
  });

  it('rejects an unknown or repeated channel', () => {
    // Arrange
    const yamlText = 'meeting_coordinator:\n  notification_channels: [slack, pager, slack]\n';

    // Act
    const error = thrownBy(() => loadConfig(() => undefined, yamlText));

    // Assert
    expect(error.message).toContain('unknown notification channel "pager"');
    expect(error.message).toContain('channel slack is listed twice');
  });
});
