/**
 * The Slack app manifest generated from the stack's outputs: the scopes the code needs and no more, one request URL
 * in the three places Slack calls, and clear errors for outputs that cannot give that URL.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SLACK_WEBHOOK_PATH } from '../../lib/constructs/slack-bot-api';
import { MEETINGS_COMMAND } from '../../lambda/slack-bot/bolt-app';
import {
  BOT_SCOPES,
  SLASH_COMMAND,
  WEBHOOK_PATH,
  buildSlackManifest,
  parseCli,
  run,
  webhookUrlFromOutputs,
} from '../../scripts/slack-manifest';

const WEBHOOK = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/slack/webhook';
const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** `cdk deploy --outputs-file` JSON as the CLI writes it, for both stages. */
const OUTPUTS = {
  'MeetingPrep-dev': {
    SlackWebhookUrl: 'https://dev111.execute-api.us-east-1.amazonaws.com/prod/slack/webhook',
    StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:PrepNotification',
  },
  'MeetingPrep-prod': { SlackWebhookUrl: WEBHOOK },
};

/** Slack Web API methods called under lambda/, as `family.method` (`chat.postMessage`). */
function webApiMethodsCalled(): string[] {
  const files = fs
    .readdirSync(path.join(PROJECT_ROOT, 'lambda'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'));
  const calls = files.flatMap((file) => {
    const source = fs.readFileSync(path.join(PROJECT_ROOT, 'lambda', file), 'utf8');
    // Web API calls go through a WebClient, named `client` in this code base, in files that use the Slack SDK.
    if (!/@slack\/(web-api|bolt)|WebClient/.test(source)) return [];
    return [...source.matchAll(/\bclient\.([a-z]+)\.([a-zA-Z]+)\(/g)].map((m) => `${m[1]}.${m[2]}`);
  });
  return [...new Set(calls)].sort();
}

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slack-manifest-'));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('buildSlackManifest', () => {
  it('builds the prod app: Home tab and DM messages tab, /meetings, interactivity and app_home_opened + message.im events at the webhook, no socket mode', () => {
    const manifest = buildSlackManifest({ webhookUrl: WEBHOOK, stage: 'prod' });

    expect(manifest).toEqual({
      display_information: {
        name: 'Meeting Prep',
        description: 'Reminds executives to prepare for their meetings and walks them through the prep.',
      },
      features: {
        app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
        bot_user: { display_name: 'meeting-prep', always_online: true },
        slash_commands: [
          {
            command: '/meetings',
            url: WEBHOOK,
            description: 'Your meetings in the next 7 days, with prep status',
            should_escape: false,
          },
        ],
      },
      oauth_config: { scopes: { bot: ['chat:write', 'commands', 'im:history', 'im:write'] } },
      settings: {
        event_subscriptions: { request_url: WEBHOOK, bot_events: ['app_home_opened', 'message.im'] },
        interactivity: { is_enabled: true, request_url: WEBHOOK },
        org_deploy_enabled: false,
        socket_mode_enabled: false,
        token_rotation_enabled: false,
      },
    });
  });

  it('asks for exactly the four bot scopes, and no user scopes', () => {
    const manifest = buildSlackManifest({ webhookUrl: WEBHOOK, stage: 'dev' });

    expect(manifest.oauth_config).toEqual({ scopes: { bot: ['chat:write', 'commands', 'im:history', 'im:write'] } });
  });

  it('puts the webhook URL in the three places Slack calls, and nowhere else', () => {
    const json = JSON.stringify(buildSlackManifest({ webhookUrl: WEBHOOK, stage: 'prod' }));

    expect(json.split(WEBHOOK)).toHaveLength(4);
    expect(json.match(/https:\/\/[^"]+/g)).toEqual([WEBHOOK, WEBHOOK, WEBHOOK]);
  });

  it('names a non-prod app after its stage, so dev and prod can live in one workspace', () => {
    const manifest = buildSlackManifest({ webhookUrl: WEBHOOK, stage: 'staging' });

    expect([manifest.display_information.name, manifest.features.bot_user.display_name]).toEqual([
      'Meeting Prep (staging)',
      'meeting-prep-staging',
    ]);
  });

  it.each([
    ['http://abc123.execute-api.us-east-1.amazonaws.com/prod/slack/webhook', 'Slack only calls https request URLs'],
    ['abc123.execute-api.us-east-1.amazonaws.com/prod/slack/webhook', 'The webhook URL is not a URL'],
    ['https://abc123.execute-api.us-east-1.amazonaws.com/prod/', 'The webhook URL must end with /slack/webhook'],
    ['', 'The webhook URL is not a URL'],
  ])('refuses %j', (url, message) => {
    expect(() => buildSlackManifest({ webhookUrl: url, stage: 'prod' })).toThrow(message);
  });
});

describe('the manifest matches the code', () => {
  it('uses the slash command the bot registers and the path the API serves', () => {
    expect([SLASH_COMMAND, WEBHOOK_PATH]).toEqual([MEETINGS_COMMAND, SLACK_WEBHOOK_PATH]);
  });

  it('covers every Slack Web API method the functions call with a requested scope (the views methods need none)', () => {
    // Each method here is covered by a scope in BOT_SCOPES; a new method fails this test until its scope is added.
    const covered: Record<string, (typeof BOT_SCOPES)[number] | 'no scope'> = {
      'chat.postMessage': 'chat:write',
      'chat.postEphemeral': 'chat:write',
      'chat.update': 'chat:write',
      'conversations.history': 'im:history',
      'conversations.open': 'im:write',
      'views.open': 'no scope',
      'views.publish': 'no scope',
    };

    const called = webApiMethodsCalled();

    expect(called.filter((method) => !(method in covered))).toEqual([]);
    expect(called).toEqual(Object.keys(covered).sort());
  });
});

describe('webhookUrlFromOutputs', () => {
  it('reads SlackWebhookUrl of the stage’s stack (MeetingPrep-<stage>)', () => {
    expect([webhookUrlFromOutputs(OUTPUTS, 'dev'), webhookUrlFromOutputs(OUTPUTS, 'prod')]).toEqual([
      OUTPUTS['MeetingPrep-dev'].SlackWebhookUrl,
      WEBHOOK,
    ]);
  });

  it('names the stacks present when the stage’s stack is missing', () => {
    expect(() => webhookUrlFromOutputs(OUTPUTS, 'staging', 'cdk-outputs.json')).toThrow(
      'cdk-outputs.json has no outputs for stack MeetingPrep-staging (stacks present: MeetingPrep-dev, MeetingPrep-prod)',
    );
  });

  it('names the outputs present when SlackWebhookUrl is missing', () => {
    const outputs = { 'MeetingPrep-dev': { StateMachineArn: 'arn:…' } };

    expect(() => webhookUrlFromOutputs(outputs, 'dev', 'cdk-outputs.json')).toThrow(
      'cdk-outputs.json: stack MeetingPrep-dev has no SlackWebhookUrl output (outputs present: StateMachineArn)',
    );
  });

  it.each([[null], [[]], ['text'], [42]])('refuses %j as outputs', (outputs) => {
    expect(() => webhookUrlFromOutputs(outputs, 'dev', 'cdk-outputs.json')).toThrow(
      'cdk-outputs.json is not a cdk deploy --outputs-file JSON object',
    );
  });

  it('refuses an output that is not a string', () => {
    expect(() => webhookUrlFromOutputs({ 'MeetingPrep-dev': { SlackWebhookUrl: 7 } }, 'dev')).toThrow(
      'has no SlackWebhookUrl output',
    );
  });
});

describe('the command line', () => {
  it('reads an outputs file and writes the manifest with --out', () => {
    fs.writeFileSync(path.join(tmp, 'cdk-outputs.json'), JSON.stringify(OUTPUTS));

    const result = run(['--outputs', 'cdk-outputs.json', '--stage', 'prod', '--out', 'manifest.json'], tmp);

    expect(result.writtenTo).toBe(path.join(tmp, 'manifest.json'));
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'manifest.json'), 'utf8'))).toEqual(
      buildSlackManifest({ webhookUrl: WEBHOOK, stage: 'prod' }),
    );
  });

  it('takes the URL directly with --url, and defaults to the dev stage', () => {
    const result = run([`--url=${WEBHOOK}`], tmp);

    expect(result.writtenTo).toBeUndefined();
    expect(JSON.parse(result.text)).toEqual(buildSlackManifest({ webhookUrl: WEBHOOK, stage: 'dev' }));
  });

  it('with --allow-no-bot, succeeds without a manifest for a stack deployed without the bot (enablePrepNotification=false)', () => {
    const rolledBack = {
      'MeetingPrep-dev': { MeetingsTableName: 'meetings', SlackSecretArn: 'arn:…', TwilioSecretArn: 'arn:…' },
    };
    fs.writeFileSync(path.join(tmp, 'cdk-outputs.json'), JSON.stringify(rolledBack));

    const result = run(['--outputs', 'cdk-outputs.json', '--out', 'manifest.json', '--allow-no-bot'], tmp);

    expect(result).toEqual({
      text: '',
      skipped:
        'MeetingPrep-dev has no Slack bot (no SlackWebhookUrl output: enablePrepNotification=false?); no manifest made',
    });
    expect(fs.existsSync(path.join(tmp, 'manifest.json'))).toBe(false);
    expect(() => run(['--outputs', 'cdk-outputs.json'], tmp)).toThrow(
      'a stack deployed with enablePrepNotification=false has no Slack bot',
    );
  });

  it('with --allow-no-bot, still fails when the stage’s stack is not in the outputs at all', () => {
    fs.writeFileSync(path.join(tmp, 'cdk-outputs.json'), JSON.stringify(OUTPUTS));

    expect(() => run(['--outputs', 'cdk-outputs.json', '--stage', 'staging', '--allow-no-bot'], tmp)).toThrow(
      'has no outputs for stack MeetingPrep-staging',
    );
  });

  it('says which file is missing, or not JSON', () => {
    fs.writeFileSync(path.join(tmp, 'broken.json'), '{"MeetingPrep-dev": ');

    expect(() => run(['--outputs', 'missing.json'], tmp)).toThrow('Cannot read');
    expect(() => run(['--outputs', 'missing.json'], tmp)).toThrow('ENOENT');
    expect(() => run(['--outputs', 'broken.json'], tmp)).toThrow('broken.json is not JSON');
  });

  it('refuses neither or both of --outputs and --url, and an unknown stage, with the usage', () => {
    expect(() => parseCli([])).toThrow('give exactly one of --outputs FILE or --url URL');
    expect(() => parseCli(['--outputs', 'a.json', '--url', WEBHOOK])).toThrow(
      'give exactly one of --outputs FILE or --url URL',
    );
    expect(() => parseCli(['--url', WEBHOOK, '--stage', 'qa'])).toThrow(
      '--stage must be one of dev, staging, prod, got "qa"',
    );
    expect(() => parseCli(['--url', WEBHOOK, '--allow-no-bot'])).toThrow('--allow-no-bot goes with --outputs');
    expect(() => parseCli(['--nope'])).toThrow('Usage: npm run slack-manifest');
  });
});
