import * as fs from 'node:fs';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AGENTS_CONFIG_PATH, readMinimumLeadMinutes, readNotificationChannels } from '../../lib/agents-config';
import { STAGES, loadConfig } from '../../lib/config';
import { PUBLIC_ROUTES } from '../../lib/public-routes';

/** The error a call throws, failing the test when it returns. */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected the call to throw an Error');
}

function read(yamlText: string): { channels: string[]; problems: string[] } {
  const problems: string[] = [];
  const channels = readNotificationChannels(yamlText, problems);
  return { channels, problems };
}

/** A stage file's `routeThrottles`, every public route at 5 req/s, burst 10, on one line. */
const routeThrottlesLine = `routeThrottles: { ${PUBLIC_ROUTES.map((r) => `"${r}": { rate: 5, burst: 10 }`).join(', ')} }`;

const agents = (channels: string): string =>
  `meeting_coordinator:\n  prep_timing:\n    default: 24\n  notification_channels: ${channels}\n`;

describe('readNotificationChannels', () => {
  it('reads slack, sms, email from the shipped config/agents.yaml', () => {
    const result = read(readFileSync(AGENTS_CONFIG_PATH, 'utf8'));

    expect(result).toEqual({ channels: ['slack', 'sms', 'email'], problems: [] });
  });

  it('keeps the order the file gives', () => {
    expect(read(agents('[email, slack]'))).toEqual({ channels: ['email', 'slack'], problems: [] });
  });

  it('accepts a block-style list', () => {
    expect(read(agents('\n    - sms\n    - email'))).toEqual({ channels: ['sms', 'email'], problems: [] });
  });

  it('reports an unknown channel, naming it and the known ones', () => {
    const { channels, problems } = read(agents('[slack, fax]'));

    expect(channels).toEqual(['slack']);
    expect(problems).toEqual(['config/agents.yaml: unknown notification channel "fax" (known: slack, sms, email)']);
  });

  it('reports a channel listed twice', () => {
    const { channels, problems } = read(agents('[slack, sms, slack]'));

    expect(channels).toEqual(['slack', 'sms']);
    expect(problems).toEqual(['config/agents.yaml: channel slack is listed twice']);
  });

  it.each([
    ['an empty list', agents('[]')],
    ['a single string instead of a list', agents('slack')],
    ['no notification_channels key', 'meeting_coordinator:\n  prep_timing:\n    default: 24\n'],
    ['an empty file', ''],
  ])('reports %s', (_what, yamlText) => {
    const { channels, problems } = read(yamlText);

    expect(channels).toEqual([]);
    expect(problems).toEqual([
      'config/agents.yaml: meeting_coordinator.notification_channels must be a non-empty list',
    ]);
  });

  it('reports invalid YAML', () => {
    const { channels, problems } = read('meeting_coordinator:\n  notification_channels: [slack, sms\n');

    expect(channels).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/^config\/agents\.yaml is not valid YAML: /)]);
  });

  it('reports every problem at once, after those already found', () => {
    const problems = ['context stage must be one of dev, staging, prod, got "qa"'];

    readNotificationChannels(agents('[fax, slack, slack, Email]'), problems);

    expect(problems).toEqual([
      'context stage must be one of dev, staging, prod, got "qa"',
      expect.stringContaining('unknown notification channel "fax"'),
      expect.stringContaining('channel slack is listed twice'),
      expect.stringContaining('unknown notification channel "Email"'),
    ]);
  });
});

describe('readMinimumLeadMinutes', () => {
  it.each<[string, number, number]>([
    ['meeting_coordinator:\n  notification_channels: [slack]\n', 120, 0],
    ['meeting_coordinator:\n  quiet_hours_minimum_lead_minutes: 45\n', 45, 0],
    ['meeting_coordinator:\n  quiet_hours_minimum_lead_minutes: two hours\n', 120, 1],
    ['meeting_coordinator:\n  quiet_hours_minimum_lead_minutes: 2000\n', 120, 1],
  ])('reads %j as %d minutes with %d problem(s)', (yamlText, minutes, problemCount) => {
    const problems: string[] = [];

    expect(readMinimumLeadMinutes(yamlText, problems)).toBe(minutes);
    expect(problems).toHaveLength(problemCount);
  });

  it('reads the committed agents.yaml: two hours', () => {
    expect(readMinimumLeadMinutes(readFileSync(AGENTS_CONFIG_PATH, 'utf8'), [])).toBe(120);
  });
});

describe('loadConfig', () => {
  const context = (values: Record<string, string>) => (key: string) => values[key];

  it('refuses a table key given without the tables it would be for', () => {
    const load = () =>
      loadConfig(context({ tableEncryptionKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc' }), agents('[slack]'));

    expect(load).toThrow(/tableEncryptionKeyArn is only used with imported tables/);
  });

  it('defaults to the dev stage, its committed settings and the listed channels', () => {
    expect(loadConfig(context({}), agents('[sms, email]'))).toEqual({
      stage: 'dev',
      notificationChannels: ['sms', 'email'],
      minimumLeadMinutes: 120,
      enablePrepNotification: true,
      settings: {
        logRetentionDays: 7,
        retainData: false,
        apiThrottle: { rate: 10, burst: 20 },
        routeThrottles: {
          'POST /slack/webhook': { rate: 10, burst: 20 },
          'POST /twilio/status': { rate: 5, burst: 10 },
          'POST /twilio/sms': { rate: 1, burst: 5 },
          'GET /act': { rate: 2, burst: 5 },
          'POST /act': { rate: 1, burst: 5 },
          'GET /unsubscribe': { rate: 2, burst: 5 },
          'POST /unsubscribe': { rate: 1, burst: 5 },
        },
        receiptWaitSeconds: { sms: 600, email: 900 },
        alarmsEnabled: false,
        dashboardEnabled: false,
        customerManagedKeys: false,
        alarms: { failedExecutions: 5, lambdaErrors: 5, webhook5xx: 5 },
      },
    });
  });
});

describe('stage files', () => {
  const context = (values: Record<string, string>) => (key: string) => values[key];
  let dir: string;
  const write = (stage: string, text: string) => fs.writeFileSync(path.join(dir, `${stage}.yaml`), text);
  const valid = [
    'enablePrepNotification: true',
    'logRetentionDays: 14',
    'retainData: true',
    'apiThrottleRate: 5',
    'apiThrottleBurst: 10',
    routeThrottlesLine,
    'webAcl: false',
    'smsReceiptWaitSeconds: 600',
    'emailReceiptWaitSeconds: 900',
    'alarmFailedExecutions: 1',
    'alarmLambdaErrors: 2',
    'alarmWebhook5xx: 3',
    'alarms: true',
    'dashboard: true',
    'customerManagedKeys: true',
  ].join('\n');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stages-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads every committed stage file', () => {
    for (const stage of STAGES) {
      expect(loadConfig(context({ stage }), agents('[slack]')).stage).toBe(stage);
    }
  });

  it('reads every setting of the stage from its file', () => {
    write(
      'staging',
      `${valid}\nsesFromEmail: prep@exec.example.com\nalarmEmail: oncall@exec.example.com\nslackSecretArn: arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf\nsecretsEncryptionKeyArn: arn:aws:kms:eu-west-1:111122223333:key/k1\n`,
    );

    const config = loadConfig(context({ stage: 'staging' }), agents('[slack]'), dir);

    expect(config).toMatchObject({
      stage: 'staging',
      sesFromEmail: 'prep@exec.example.com',
      alarmEmail: 'oncall@exec.example.com',
      slackSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf',
      secretsEncryptionKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/k1',
      settings: {
        logRetentionDays: 14,
        retainData: true,
        apiThrottle: { rate: 5, burst: 10 },
        alarms: { failedExecutions: 1, lambdaErrors: 2, webhook5xx: 3 },
      },
    });
  });

  it('reads the lean settings (alarms, dashboard, customerManagedKeys), and refuses an alarm email with no alarms', () => {
    write('dev', `${valid.replace('alarms: true', 'alarms: false')}\nalarmEmail: oncall@exec.example.com\n`);

    const error = thrownBy(() => loadConfig(context({ stage: 'dev' }), agents('[slack]'), dir));
    write('dev', valid.replace('alarms: true', 'alarms: false'));
    const lean = loadConfig(context({ stage: 'dev', dashboard: 'false' }), agents('[slack]'), dir);

    expect(error.message).toContain('alarmEmail is only used with alarms: true');
    expect(lean.settings).toMatchObject({ alarmsEnabled: false, dashboardEnabled: false, customerManagedKeys: true });
  });

  it('lets -c key=value override the file for one run', () => {
    write('prod', `${valid}\nsesFromEmail: prep@exec.example.com\n`);

    const config = loadConfig(
      context({
        stage: 'prod',
        enablePrepNotification: 'false',
        apiThrottleRate: '7',
        sesFromEmail: 'other@exec.example.com',
      }),
      agents('[slack]'),
      dir,
    );

    expect(config.enablePrepNotification).toBe(false);
    expect(config.settings.apiThrottle.rate).toBe(7);
    expect(config.sesFromEmail).toBe('other@exec.example.com');
  });

  it('reports each mistake in the file on its own line, naming the file and the setting', () => {
    write(
      'prod',
      [
        'enablePrepNotification: maybe',
        'logRetentionDays: 10',
        'retainData: true',
        'apiThrottleRate: -1',
        'apiThrottleBurst: 10',
        routeThrottlesLine,
        'webAcl: false',
        'smsReceiptWaitSeconds: 600',
        'emailReceiptWaitSeconds: 30',
        'alarmFailedExecutions: 1',
        'alarmLambdaErrors: 1',
        'sesFromEmail: nobody',
        'slackSecretArn: arn:aws:s3:::bucket',
        'alarmEmial: oncall@exec.example.com',
      ].join('\n'),
    );

    const error = thrownBy(() => loadConfig(context({ stage: 'prod' }), agents('[slack]'), dir));

    expect(error.message.split('\n')).toEqual([
      'Invalid configuration:',
      expect.stringContaining('config/stages/prod.yaml: unknown setting alarmEmial'),
      '  - config/stages/prod.yaml: alarmWebhook5xx must be set',
      '  - config/stages/prod.yaml: alarms must be set',
      '  - config/stages/prod.yaml: dashboard must be set',
      '  - config/stages/prod.yaml: customerManagedKeys must be set',
      '  - config/stages/prod.yaml: slackSecretArn is not a Secrets Manager ARN: arn:aws:s3:::bucket',
      '  - config/stages/prod.yaml: sesFromEmail is not an email address: nobody',
      '  - config/stages/prod.yaml: enablePrepNotification must be true or false, got "maybe"',
      expect.stringMatching(
        /^ {2}- config\/stages\/prod\.yaml: logRetentionDays must be one of CloudWatch Logs' retention periods \(1, 3, .*\), got 10$/,
      ),
      '  - config/stages/prod.yaml: apiThrottleRate must be a positive whole number of requests per second, got -1',
      '  - config/stages/prod.yaml: emailReceiptWaitSeconds must be a whole number of seconds from 60 to 86400, got 30',
    ]);
  });

  it('names a bad -c override as context, not as the file', () => {
    write('dev', valid);

    const error = thrownBy(() =>
      loadConfig(context({ stage: 'dev', apiThrottleBurst: 'lots' }), agents('[slack]'), dir),
    );

    expect(error.message).toContain('context apiThrottleBurst must be a positive whole number of requests, got "lots"');
  });

  it('refuses a stage without its committed file', () => {
    const error = thrownBy(() => loadConfig(context({ stage: 'staging' }), agents('[slack]'), dir));

    expect(error.message).toContain(
      "config/stages/staging.yaml is missing: every stage's settings are committed there",
    );
  });
});
