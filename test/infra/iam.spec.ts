/**
 * Least privilege: each task function may do exactly what its task needs, and the state machine may invoke exactly
 * its task functions.
 */
import {
  BuiltStack,
  FUNCTION_KEYS,
  LAMBDA_TRACING_GRANTS,
  Statement,
  asString,
  buildStack,
  functionGrants,
  functionLogicalId,
  grantLines,
  grants,
  invokedFunctions,
  logicalIdOf,
  managedPoliciesOfRole,
  render,
  renderToken,
  resourcesOfType,
  roleOfFunction,
  sortedUnique,
  stateMachineOf,
  statementsOfRole,
  workflowOf,
  asObject,
  WITH_ALARMS_AND_KEYS,
} from './helpers';

const SES_FROM = 'prep@example.com';

/** Write access to a table's items needs these on the table's key. */
const KMS_WRITE = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];
const SECRET_READ = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

/**
 * Log delivery (vended logs) and X-Ray writes: CDK grants them on Resource "*" because these APIs support no
 * resource-level permissions.
 */
const UNSCOPED_DELIVERY_ACTIONS = new Set([
  // Completing a waiting task: the task token is the capability; these take no resource-level permission.
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
]);

let built: BuiltStack;
/** Rendered ARNs of the stack's resources, as policies reference them. */
let arn: { meetings: string; users: string; key: string; slackSecret: string; twilioSecret: string; linkKeys: string };

beforeAll(() => {
  // The grants with the tables' customer-managed key (staging, prod); dev has none (test/infra/stage-cost.spec.ts).
  built = buildStack({ context: WITH_ALARMS_AND_KEYS });
  const { stack } = built;
  const key = stack.tables.encryptionKey;
  if (!key) throw new Error('the stack should create a table key');
  arn = {
    meetings: renderToken(stack, stack.tables.meetings.tableArn),
    users: renderToken(stack, stack.tables.users.tableArn),
    key: renderToken(stack, key.keyArn),
    slackSecret: renderToken(stack, stack.slackSecret.secretArn),
    linkKeys: renderToken(stack, stack.linkSigningKeys.secretArn),
    twilioSecret: renderToken(stack, stack.twilioSecret.secretArn),
  };
});

/** Every identity-policy statement of every role in the template. */
function allRoleStatements(): [string, Statement][] {
  return resourcesOfType(built.json, 'AWS::IAM::Role').flatMap(([roleId]) =>
    statementsOfRole(built.json, roleId).map((s): [string, Statement] => [roleId, s]),
  );
}

describe('every role', () => {
  it('is granted no wildcard action (no "*", no "service:*", no "service:Get*")', () => {
    // Arrange
    const statements = allRoleStatements();

    // Act
    const wildcards = statements.flatMap(([roleId, s]) =>
      s.Action.filter((a) => a.includes('*')).map((a) => `${roleId}: ${a}`),
    );

    // Assert
    expect(statements.length).toBeGreaterThan(0);
    expect(wildcards).toEqual([]);
  });

  it('uses Resource "*" only for X-Ray and log delivery, which support no resource-level permissions', () => {
    // Arrange
    const statements = allRoleStatements();

    // Act
    const unscoped = statements
      .filter(([, s]) => s.Resource.some((r) => r === '*'))
      .flatMap(([roleId, s]) =>
        s.Action.filter((a) => !UNSCOPED_DELIVERY_ACTIONS.has(a)).map((a) => `${roleId}: ${a}`),
      );

    // Assert
    expect(unscoped).toEqual([]);
  });

  it('has only plain Allow statements (no Deny tricks, NotAction, NotResource or Principal)', () => {
    // Arrange
    const statements = allRoleStatements();

    // Act
    const odd = statements.filter(([, s]) => s.Effect !== 'Allow' || s.otherKeys.length > 0);

    // Assert
    expect(odd).toEqual([]);
  });
});

describe('task function roles', () => {
  it.each(FUNCTION_KEYS)('%s has no managed policy and writes logs only to its own log group', (key) => {
    // Arrange
    const fnId = functionLogicalId(built.stack, key);
    const roleId = roleOfFunction(built.json, fnId);
    const logGroupId = asString(
      asObject(
        asObject(built.json.Resources[fnId]?.Properties['LoggingConfig'], 'LoggingConfig')['LogGroup'],
        'LogGroup',
      )['Ref'],
      'log group ref',
    );

    // Act
    const managed = managedPoliciesOfRole(built.json, roleId);
    const logGrants = grants(statementsOfRole(built.json, roleId)).filter((g) => g.startsWith('logs:'));

    // Assert
    expect(managed).toEqual([]);
    expect(logGrants).toEqual([
      `logs:CreateLogStream \${${logGroupId}.Arn}`,
      `logs:PutLogEvents \${${logGroupId}.Arn}`,
    ]);
  });

  it.each(FUNCTION_KEYS)('%s has a role of its own', (key) => {
    // Arrange
    const roleId = roleOfFunction(built.json, functionLogicalId(built.stack, key));

    // Act
    const sharing = FUNCTION_KEYS.filter(
      (other) => roleOfFunction(built.json, functionLogicalId(built.stack, other)) === roleId,
    );

    // Assert
    expect(sharing).toEqual([key]);
  });

  it('LoadMeeting may only read items of the meetings and users tables, and update meetings (its claim)', () => {
    // Arrange
    const expected = sortedUnique([
      ...grantLines(['dynamodb:GetItem'], [arn.meetings, arn.users]),
      ...grantLines(['dynamodb:UpdateItem'], [arn.meetings]),
      ...grantLines(['kms:Decrypt'], [arn.key]),
      ...grantLines(KMS_WRITE, [arn.key]),
      ...LAMBDA_TRACING_GRANTS,
    ]);

    // Act
    const actual = functionGrants(built, 'loadMeeting');

    // Assert
    expect(actual).toEqual(expected);
  });

  it('RecordOutcome may only read and update items of the meetings table', () => {
    // Arrange
    const expected = sortedUnique([
      ...grantLines(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [arn.meetings]),
      ...grantLines(KMS_WRITE, [arn.key]),
      ...LAMBDA_TRACING_GRANTS,
    ]);

    // Act
    const actual = functionGrants(built, 'recordOutcome');

    // Assert
    expect(actual).toEqual(expected);
  });

  it('NotifySlack may read and update meetings and read the Slack secret, not the Twilio one', () => {
    // Arrange
    const expected = sortedUnique([
      ...grantLines(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [arn.meetings]),
      ...grantLines(KMS_WRITE, [arn.key]),
      ...grantLines(SECRET_READ, [arn.slackSecret]),
      ...LAMBDA_TRACING_GRANTS,
    ]);

    // Act
    const actual = functionGrants(built, 'notifySlack');

    // Assert
    expect(actual).toEqual(expected);
    expect(actual.join('\n')).not.toContain(arn.twilioSecret);
  });

  it('NotifySms may read and update meetings, read users and update them (the SMS reply numbers), read the Twilio secret (not the Slack one) and complete its task', () => {
    // Arrange
    const expected = sortedUnique([
      ...grantLines(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [arn.meetings]),
      ...grantLines(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [arn.users]),
      ...grantLines(KMS_WRITE, [arn.key]),
      ...grantLines(SECRET_READ, [arn.twilioSecret]),
      ...grantLines(['states:SendTaskFailure', 'states:SendTaskSuccess'], ['*']),
      ...LAMBDA_TRACING_GRANTS,
    ]);

    // Act
    const actual = functionGrants(built, 'notifySms');

    // Assert
    expect(actual).toEqual(expected);
    expect(actual.join('\n')).not.toContain(arn.slackSecret);
  });

  it('NotifyEmail may read and update meetings, read users, read the link signing keys (no other secret) and complete its task, and sends no email when no sender is configured', () => {
    // Arrange
    const expected = sortedUnique([
      ...grantLines(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [arn.meetings]),
      ...grantLines(['dynamodb:GetItem'], [arn.users]),
      ...grantLines(KMS_WRITE, [arn.key]),
      ...grantLines(SECRET_READ, [arn.linkKeys]),
      ...grantLines(['states:SendTaskFailure', 'states:SendTaskSuccess'], ['*']),
      ...LAMBDA_TRACING_GRANTS,
    ]);

    // Act
    const actual = functionGrants(built, 'notifyEmail');

    // Assert
    expect(actual).toEqual(expected);
  });
});

describe('NotifyEmail with context sesFromEmail', () => {
  let withSes: BuiltStack;
  let sesStatements: Statement[];

  beforeAll(() => {
    withSes = buildStack({ context: { ...WITH_ALARMS_AND_KEYS, sesFromEmail: SES_FROM } });
    const roleId = roleOfFunction(withSes.json, functionLogicalId(withSes.stack, 'notifyEmail'));
    sesStatements = statementsOfRole(withSes.json, roleId).filter((s) => s.Action.some((a) => a.startsWith('ses:')));
  });

  it('may call ses:SendEmail, and nothing else of SES', () => {
    // Arrange / Act
    const actions = sesStatements.flatMap((s) => s.Action);

    // Assert
    expect(actions).toEqual(['ses:SendEmail']);
  });

  it('may send only through the sender address or its domain identity, in the prep emails configuration set', () => {
    // Arrange / Act
    const resources = sesStatements.flatMap((s) => s.Resource.map(render)).sort();

    // Assert
    expect(resources).toEqual([
      expect.stringMatching(
        /^arn:\$\{AWS::Partition\}:ses:\$\{AWS::Region\}:\$\{AWS::AccountId\}:configuration-set\/\$\{DeliveryReceiptsPrepEmails[0-9A-F]+\}$/,
      ),
      expect.stringMatching(
        /^arn:\$\{AWS::Partition\}:ses:\$\{AWS::Region\}:\$\{AWS::AccountId\}:identity\/example\.com$/,
      ),
      expect.stringMatching(
        /^arn:\$\{AWS::Partition\}:ses:\$\{AWS::Region\}:\$\{AWS::AccountId\}:identity\/prep@example\.com$/,
      ),
    ]);
  });

  it('may send only with that From address (condition ses:FromAddress)', () => {
    // Arrange / Act
    const conditions = sesStatements.map((s) => s.Condition);

    // Assert
    expect(conditions).toEqual([{ StringEquals: { 'ses:FromAddress': SES_FROM } }]);
  });

  it('is told the sender address in its environment', () => {
    // Arrange
    const fn = withSes.json.Resources[functionLogicalId(withSes.stack, 'notifyEmail')];

    // Act / Assert
    expect(fn?.Properties).toMatchObject({ Environment: { Variables: { EMAIL_FROM_ADDRESS: SES_FROM } } });
  });

  it('gives no other function SES access', () => {
    // Arrange
    const others = FUNCTION_KEYS.filter((k) => k !== 'notifyEmail');

    // Act
    const sesGrants = others.flatMap((k) => functionGrants(withSes, k).filter((g) => g.startsWith('ses:')));

    // Assert
    expect(sesGrants).toEqual([]);
  });
});

describe('state machine role', () => {
  let roleStatements: Statement[];
  let invoked: string[];

  beforeAll(() => {
    const machine = stateMachineOf(built.json);
    const role = workflowOf(built.stack).stateMachine.role;
    roleStatements = statementsOfRole(built.json, logicalIdOf(role));
    invoked = invokedFunctions(machine);
  });

  it('is the role the state machine runs as', () => {
    // Arrange
    const machine = stateMachineOf(built.json);

    // Act
    const roleArn = render(machine.properties['RoleArn']);

    // Assert
    expect(roleArn).toBe(renderToken(built.stack, workflowOf(built.stack).stateMachine.role.roleArn));
  });

  it('may invoke exactly the functions its Task states name (unqualified: no versions or aliases)', () => {
    // Arrange
    const expected = sortedUnique(invoked.map((id) => `lambda:InvokeFunction \${${id}.Arn}`));

    // Act
    const actual = grants(roleStatements).filter((g) => g.startsWith('lambda:'));

    // Assert
    expect(invoked).toHaveLength(7);
    expect(invoked.some((id) => id.startsWith('PrepWorkflowNotifySms'))).toBe(true);
    expect(actual).toEqual(expected);
  });

  it('may do nothing else but deliver logs and traces', () => {
    // Arrange / Act
    const other = roleStatements
      .flatMap((s) => s.Action)
      .filter((a) => a !== 'lambda:InvokeFunction' && !UNSCOPED_DELIVERY_ACTIONS.has(a));

    // Assert
    expect(other).toEqual([]);
  });
});

describe('state machine role with notification_channels [email, slack]', () => {
  let reordered: BuiltStack;

  beforeAll(() => {
    reordered = buildStack({
      context: WITH_ALARMS_AND_KEYS,
      agentsYaml: 'meeting_coordinator:\n  notification_channels: [email, slack]\n',
    });
  });

  it('has no SMS function at all, whose channel is not listed, and invokes only the functions it uses', () => {
    // Arrange
    const functions = workflowOf(reordered.stack).functions;

    // Act
    const invokable = grants(
      statementsOfRole(reordered.json, logicalIdOf(workflowOf(reordered.stack).stateMachine.role)),
    )
      .filter((g) => g.startsWith('lambda:InvokeFunction'))
      .map((g) => asString(g.split(' ')[1], 'resource'));
    const entries = Object.values(reordered.json.Resources ?? {})
      .map((r) => (r as { Metadata?: Record<string, unknown> }).Metadata?.['exec-assistant:entry'])
      .filter((e): e is string => typeof e === 'string');

    // Assert
    expect(functions.notifySms).toBeUndefined();
    expect(entries).not.toContain('lambda/channels/sms/notify.ts');
    const used = [
      functions.loadMeeting,
      functions.recordOutcome,
      functions.routeNextChannel,
      functions.checkStillDue,
      functions.notifySlack,
      functions.notifyEmail,
    ];
    const usedArns = used.map((f) => renderToken(reordered.stack, (f as NonNullable<typeof f>).function.functionArn));
    for (const arn of usedArns) expect(invokable.some((r) => r.startsWith(arn))).toBe(true);
    expect(invokable.every((r) => usedArns.some((arn) => r.startsWith(arn)))).toBe(true);
  });
});
