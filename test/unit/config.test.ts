import { readFileSync } from 'node:fs';
import { AGENTS_CONFIG_PATH, loadConfig, readNotificationChannels } from '../../lib/config';

function read(yamlText: string): { channels: string[]; problems: string[] } {
  const problems: string[] = [];
  const channels = readNotificationChannels(yamlText, problems);
  return { channels, problems };
}

const agents = (channels: string): string => `meeting_coordinator:\n  prep_timing:\n    default: 24\n  notification_channels: ${channels}\n`;

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
    expect(problems).toEqual(['config/agents.yaml: meeting_coordinator.notification_channels must be a non-empty list']);
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

describe('loadConfig', () => {
  const context = (values: Record<string, string>) => (key: string) => values[key];

  it('refuses a table key given without the tables it would be for', () => {
    const load = () => loadConfig(context({ tableEncryptionKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc' }), agents('[slack]'));

    expect(load).toThrow(/tableEncryptionKeyArn is only used with imported tables/);
  });

  it('defaults to the dev stage and the listed channels', () => {
    expect(loadConfig(context({}), agents('[sms, email]'))).toEqual({
      stage: 'dev',
      notificationChannels: ['sms', 'email'],
      enablePrepNotification: true,
    });
  });
});
