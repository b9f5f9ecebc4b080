/**
 * Integration credentials live in Secrets Manager: created by the stack or imported by ARN, and only ever referenced
 * by ARN, never by value.
 */
import { Match } from 'aws-cdk-lib/assertions';
import {
  BuiltStack,
  JsonObject,
  allStrings,
  buildStack,
  environmentOf,
  grantsOfFunction,
  perFunction,
  render,
  renderToken,
} from './helpers';

const SLACK_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:exec-assistant/slack-AbCdEf';
const TWILIO_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:exec-assistant/twilio-GhIjKl';

/** Variable names that would carry a credential's value (the handlers accept them only for local runs). */
const CREDENTIAL_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_API_KEY',
  'TWILIO_API_SECRET',
];

/** Every function's environment variables, keyed by its source entry. */
function environments(built: BuiltStack): Record<string, JsonObject> {
  return perFunction(built.json, environmentOf);
}

/** The functions (by source entry) whose role may read the secret with this rendered ARN. */
function readersOf(built: BuiltStack, secretArn: string): string[] {
  const readers = perFunction(built.json, (_fn, logicalId) =>
    grantsOfFunction(built.json, logicalId).some((g) => g === `secretsmanager:GetSecretValue ${secretArn}`),
  );
  return Object.entries(readers)
    .filter(([, reads]) => reads)
    .map(([name]) => name)
    .sort();
}

let created: BuiltStack;
let imported: BuiltStack;

beforeAll(() => {
  created = buildStack();
  imported = buildStack({ context: { slackSecretArn: SLACK_ARN, twilioSecretArn: TWILIO_ARN } });
});

describe('secrets, by default', () => {
  it("are three secrets created by the stack (Slack, Twilio, and the email links' signing keys)", () => {
    // Arrange
    const { template } = created;

    // Act / Assert
    template.resourceCountIs('AWS::SecretsManager::Secret', 3);
  });

  it('generate the link signing key at deploy, as {"id":"k1","key":<64 letters and digits>}, never in the template', () => {
    created.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: '{"id":"k1"}',
        GenerateStringKey: 'key',
        PasswordLength: 64,
        ExcludePunctuation: true,
      },
    });
  });

  it('are created with no value in the template', () => {
    // Arrange / Act
    const strings = allStrings(created.template.toJSON());

    // Assert
    expect(strings).not.toContain('SecretString');
    expect(strings.filter((s) => s.includes('{{resolve:secretsmanager'))).toEqual([]);
  });

  it("reach the functions only as *_SECRET_ARN variables holding a secret's ARN", () => {
    // Arrange
    const secretArns = [
      created.stack.slackSecret.secretArn,
      created.stack.twilioSecret.secretArn,
      created.stack.linkSigningKeys.secretArn,
    ].map((a) => renderToken(created.stack, a));

    // Act
    const secretVariables = Object.entries(environments(created)).flatMap(([name, variables]) =>
      Object.entries(variables)
        .filter(([variable]) => variable.includes('SECRET'))
        .map(([variable, value]) => ({ fn: name, variable, value: render(value) })),
    );

    // Assert
    expect(secretVariables.length).toBeGreaterThan(0);
    expect(secretVariables.filter((v) => !/_SECRET_ARN$/.test(v.variable) || !secretArns.includes(v.value))).toEqual(
      [],
    );
  });

  it('name the Slack secret to NotifySlack and the Twilio secret to NotifySms', () => {
    // Arrange
    const byEntry = environments(created);

    // Act
    const slack = render(byEntry['lambda/channels/slack/notify.ts']?.['SLACK_SECRET_ARN']);
    const twilio = render(byEntry['lambda/channels/sms/notify.ts']?.['TWILIO_SECRET_ARN']);

    // Assert
    expect(slack).toBe(renderToken(created.stack, created.stack.slackSecret.secretArn));
    expect(twilio).toBe(renderToken(created.stack, created.stack.twilioSecret.secretArn));
  });

  it('put no credential-named variable anywhere in the template', () => {
    // Arrange
    const text = JSON.stringify(created.template.toJSON());

    // Act
    const found = CREDENTIAL_VARIABLES.filter((name) => text.includes(name));

    // Assert
    expect(found).toEqual([]);
  });

  it('leave no function environment variable that resolves a secret value', () => {
    // Arrange / Act
    const fromSecrets = Object.entries(environments(created)).flatMap(([name, variables]) =>
      Object.entries(variables)
        .filter(([, value]) =>
          allStrings(value).some((s) => s.includes('resolve:secretsmanager') || s === 'SecretString'),
        )
        .map(([variable]) => `${name} ${variable}`),
    );

    // Assert
    expect(fromSecrets).toEqual([]);
  });
});

describe('secrets imported by context slackSecretArn and twilioSecretArn', () => {
  it('are not created (the link signing keys, which the stack generates, are)', () => {
    // Arrange
    const { template } = imported;

    // Act / Assert
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'key' }),
    });
  });

  it('are named to the functions by their ARNs', () => {
    // Arrange
    const byEntry = environments(imported);

    // Act
    const slack = byEntry['lambda/channels/slack/notify.ts']?.['SLACK_SECRET_ARN'];
    const twilio = byEntry['lambda/channels/sms/notify.ts']?.['TWILIO_SECRET_ARN'];

    // Assert
    expect([slack, twilio]).toEqual([SLACK_ARN, TWILIO_ARN]);
  });

  it('let NotifySms, the Twilio status callback and the SMS reply function (signature checks) alone read the Twilio secret', () => {
    // Arrange / Act
    const readers = readersOf(imported, TWILIO_ARN);

    // Assert
    expect(readers).toEqual([
      'lambda/actions/sms-reply.ts',
      'lambda/channels/sms/notify.ts',
      'lambda/channels/sms/status.ts',
    ]);
  });

  it('let no workflow task but NotifySlack read the Slack secret', () => {
    // Arrange / Act
    const readers = readersOf(imported, SLACK_ARN).filter((name) => /^lambda\/(workflow|channels)\//.test(name));

    // Assert
    expect(readers).toEqual(['lambda/channels/slack/notify.ts']);
  });

  it('are granted read-only: GetSecretValue and DescribeSecret, nothing else', () => {
    // Arrange / Act
    const secretActions = new Set(
      Object.values(perFunction(imported.json, (_fn, logicalId) => grantsOfFunction(imported.json, logicalId)))
        .flat()
        .filter((g) => g.includes(':secretsmanager:'))
        .map((g) => g.split(' ')[0]),
    );

    // Assert
    expect(secretActions).toEqual(new Set(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']));
  });
});
