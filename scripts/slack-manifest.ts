/**
 * Prints the Slack app manifest for a deployed stage (`npm run slack-manifest`): paste it at api.slack.com → Create
 * New App → From a manifest. The webhook URL comes from the `cdk deploy --outputs-file` JSON or is given directly:
 *
 *   npm run slack-manifest -- --outputs cdk-outputs.json [--stage prod] [--out slack-manifest.json]
 *   npm run slack-manifest -- --url https://abc123.execute-api.us-east-1.amazonaws.com/prod/slack/webhook
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { STAGES, Stage } from '../lib/config';

/** The slash command the bot serves (`MEETINGS_COMMAND` in lambda/slack-bot/bolt-app.ts; a test keeps them equal). */
export const SLASH_COMMAND = '/meetings';

/** The path every Slack request URL ends with (`SLACK_WEBHOOK_PATH` of the Slack bot construct; a test keeps them equal). */
export const WEBHOOK_PATH = '/slack/webhook';

/** The stack output holding the webhook URL. */
export const WEBHOOK_OUTPUT_KEY = 'SlackWebhookUrl';

/**
 * Bot token scopes, exactly those the code needs:
 * - `chat:write`: `chat.postMessage` (the prep notification, session DMs), `chat.update` (replacing a clicked
 *   message), `chat.postEphemeral` (replies only the clicker sees);
 * - `commands`: the `/meetings` slash command;
 * - `im:history`: receiving `message.im` events (the executive's DMs to the bot), and `conversations.history` of
 *   the DM, which a retried notification reads (with `include_all_metadata`) to find whether its post went through;
 * - `im:write`: direct messages the bot starts itself (`chat.postMessage` with a user id as the channel), and
 *   `conversations.open` to learn that DM's channel id.
 * Clicks (`block_actions`), `response_url` replies, the Home tab (`views.publish`, the `app_home_opened` event) and
 * modals (`views.open`, `view_submission`) need no scope.
 */
export const BOT_SCOPES = ['chat:write', 'commands', 'im:history', 'im:write'] as const;

/** Bot events the app subscribes to: DMs to the bot, and the Home tab opened (publishes it; no scope needed). */
export const BOT_EVENTS = ['app_home_opened', 'message.im'] as const;

/** A Slack app manifest (the subset this app sets). */
export interface SlackManifest {
  readonly display_information: { readonly name: string; readonly description: string };
  readonly features: {
    readonly app_home: {
      readonly home_tab_enabled: boolean;
      readonly messages_tab_enabled: boolean;
      readonly messages_tab_read_only_enabled: boolean;
    };
    readonly bot_user: { readonly display_name: string; readonly always_online: boolean };
    readonly slash_commands: readonly {
      readonly command: string;
      readonly url: string;
      readonly description: string;
      readonly should_escape: boolean;
    }[];
  };
  readonly oauth_config: { readonly scopes: { readonly bot: readonly string[] } };
  readonly settings: {
    readonly event_subscriptions: { readonly request_url: string; readonly bot_events: readonly string[] };
    readonly interactivity: { readonly is_enabled: boolean; readonly request_url: string };
    readonly org_deploy_enabled: boolean;
    readonly socket_mode_enabled: boolean;
    readonly token_rotation_enabled: boolean;
  };
}

/** What the manifest is built from. */
export interface ManifestOptions {
  /** The stack's `SlackWebhookUrl`. */
  readonly webhookUrl: string;
  /** The stage: non-prod apps get it in their name, so a workspace can hold dev and prod side by side. */
  readonly stage: Stage;
}

/** The webhook URL, checked: https, on the bot's webhook path. Throws an error saying what is wrong. */
export function checkWebhookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`The webhook URL is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:') throw new Error(`Slack only calls https request URLs, got ${JSON.stringify(value)}`);
  if (!url.pathname.endsWith(WEBHOOK_PATH)) {
    throw new Error(
      `The webhook URL must end with ${WEBHOOK_PATH} (the stack output ${WEBHOOK_OUTPUT_KEY}), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** The Slack app manifest: one request URL for the slash command, interactivity and event subscriptions. */
export function buildSlackManifest(options: ManifestOptions): SlackManifest {
  const url = checkWebhookUrl(options.webhookUrl);
  const { stage } = options;
  const suffix = stage === 'prod' ? '' : ` (${stage})`;
  return {
    display_information: {
      name: `Meeting Prep${suffix}`,
      description: 'Reminds executives to prepare for their meetings and walks them through the prep.',
    },
    features: {
      // The Messages tab is where the bot's DMs (and the executive's replies) live.
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: `meeting-prep${stage === 'prod' ? '' : `-${stage}`}`, always_online: true },
      slash_commands: [
        {
          command: SLASH_COMMAND,
          url,
          description: 'Your meetings in the next 7 days, with prep status',
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      event_subscriptions: { request_url: url, bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, request_url: url },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

/** The stack name `bin/app.ts` gives a stage. */
export function stackNameOf(stage: Stage): string {
  return `MeetingPrep-${stage}`;
}

/**
 * The outputs of the stage's stack in `cdk deploy --outputs-file` JSON
 * (`{ "MeetingPrep-dev": { "SlackWebhookUrl": "https://…" } }`). `source` names the file in errors.
 */
export function stackOutputs(
  outputs: unknown,
  stage: Stage,
  source = 'the outputs',
): Readonly<Record<string, unknown>> {
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) {
    throw new Error(`${source} is not a cdk deploy --outputs-file JSON object`);
  }
  const stacks = outputs as Record<string, unknown>;
  const stackName = stackNameOf(stage);
  const stack = stacks[stackName];
  if (typeof stack !== 'object' || stack === null || Array.isArray(stack)) {
    const present = Object.keys(stacks);
    throw new Error(
      `${source} has no outputs for stack ${stackName} (stacks present: ${present.length ? present.join(', ') : 'none'}); deploy it with --outputs-file, or pass --stage`,
    );
  }
  return stack as Record<string, unknown>;
}

/** The webhook URL among a stack's outputs, or undefined when the stack has no Slack bot. */
function webhookOutput(stack: Readonly<Record<string, unknown>>): string | undefined {
  const url = stack[WEBHOOK_OUTPUT_KEY];
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/** The webhook URL from `cdk deploy --outputs-file` JSON; throws an error naming what is missing. */
export function webhookUrlFromOutputs(outputs: unknown, stage: Stage, source = 'the outputs'): string {
  const stack = stackOutputs(outputs, stage, source);
  const url = webhookOutput(stack);
  if (url === undefined) {
    throw new Error(
      `${source}: stack ${stackNameOf(stage)} has no ${WEBHOOK_OUTPUT_KEY} output (outputs present: ${Object.keys(stack).join(', ') || 'none'}); ` +
        'a stack deployed with enablePrepNotification=false has no Slack bot',
    );
  }
  return url;
}

/** Parsed command line. */
export interface CliOptions {
  readonly outputsFile?: string;
  readonly url?: string;
  readonly stage: Stage;
  readonly outFile?: string;
  /** Succeed without a manifest when the stack has no Slack bot (deployed with `enablePrepNotification=false`). */
  readonly allowNoBot: boolean;
  readonly help: boolean;
}

const USAGE = `Usage: npm run slack-manifest -- (--outputs cdk-outputs.json | --url https://…/slack/webhook) [--stage dev|staging|prod] [--out FILE] [--allow-no-bot]
  --outputs FILE  the JSON written by \`cdk deploy --outputs-file\`; the stack MeetingPrep-<stage> is read
  --url URL       the SlackWebhookUrl stack output, given directly
  --stage STAGE   which stage's stack to read, and the app's name suffix (default dev)
  --out FILE      write the manifest there instead of printing it
  --allow-no-bot  with --outputs: when the stack has no Slack bot (enablePrepNotification=false), say so and succeed`;

/** The command line as node:util reads it; throws on an unknown or malformed option. */
function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      outputs: { type: 'string' },
      url: { type: 'string' },
      stage: { type: 'string', default: 'dev' },
      out: { type: 'string' },
      'allow-no-bot': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}

/** Parses the arguments; throws a usage error. */
export function parseCli(argv: readonly string[]): CliOptions {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) return { stage: 'dev', allowNoBot: false, help: true };
  const problems: string[] = [];
  const stage = values.stage;
  if (!(STAGES as readonly string[]).includes(stage))
    problems.push(`--stage must be one of ${STAGES.join(', ')}, got ${JSON.stringify(stage)}`);
  if ((values.outputs === undefined) === (values.url === undefined))
    problems.push('give exactly one of --outputs FILE or --url URL');
  if (values['allow-no-bot'] && values.outputs === undefined) problems.push('--allow-no-bot goes with --outputs');
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\n\n${USAGE}`);
  return {
    stage: stage as Stage,
    allowNoBot: values['allow-no-bot'],
    help: false,
    ...(values.outputs !== undefined ? { outputsFile: values.outputs } : {}),
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(values.out !== undefined ? { outFile: values.out } : {}),
  };
}

/** Reads and parses an outputs file, with errors that name it. */
export function readOutputsFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
}

/** What a run produced. */
export interface RunResult {
  /** The manifest JSON text (or the usage text); empty when skipped. */
  readonly text: string;
  /** The file the manifest was written to. */
  readonly writtenTo?: string;
  /** Why no manifest was made (`--allow-no-bot` and a stack without the Slack bot). */
  readonly skipped?: string;
}

/** Runs the command line: builds the manifest and writes it when `--out` is given. */
export function run(argv: readonly string[], cwd = process.cwd()): RunResult {
  const options = parseCli(argv);
  if (options.help) return { text: `${USAGE}\n` };
  let webhookUrl = options.url;
  if (webhookUrl === undefined && options.outputsFile !== undefined) {
    const outputs = readOutputsFile(path.resolve(cwd, options.outputsFile));
    if (options.allowNoBot && webhookOutput(stackOutputs(outputs, options.stage, options.outputsFile)) === undefined) {
      return {
        text: '',
        skipped: `${stackNameOf(options.stage)} has no Slack bot (no ${WEBHOOK_OUTPUT_KEY} output: enablePrepNotification=false?); no manifest made`,
      };
    }
    webhookUrl = webhookUrlFromOutputs(outputs, options.stage, options.outputsFile);
  }
  const text = `${JSON.stringify(buildSlackManifest({ webhookUrl: webhookUrl ?? '', stage: options.stage }), null, 2)}\n`;
  if (options.outFile === undefined) return { text };
  const writtenTo = path.resolve(cwd, options.outFile);
  fs.writeFileSync(writtenTo, text);
  return { text, writtenTo };
}

if (require.main === module) {
  try {
    const result = run(process.argv.slice(2));
    if (result.skipped) console.error(result.skipped);
    else if (result.writtenTo) console.error(`Slack app manifest written to ${result.writtenTo}`);
    else process.stdout.write(result.text);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
