#!/usr/bin/env node
/**
 * `npm start`: the whole system on this machine, and the commands that drive it. Run `npm start -- --help`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DRILLS, isDrill } from '../local/drills';
import { LOCAL_CREDENTIALS, realIntegrationsFromEnv } from '../local/local-environment';
import { parseEventsRequest } from '../local/events';
import { startRuntime } from '../local/runtime';
import { FORM, JSON_TYPE, clickBody, dmBody, signedHeaders, slashCommandBody } from '../local/slack-requests';
import { blocksToText } from '../local/trace';

const HELP = `Meeting-prep notifications, running locally.

Usage:
  npm start [-- serve] [options]            run everything (default command)
  npm start -- publish FILE [--url URL]     publish events from a JSON file to the running system
  npm start -- click ACTION MEETING_ID      click a button: ACTION is start_prep or remind_later
  npm start -- meetings                     run the /meetings slash command
  npm start -- dm "TEXT"                    send the bot a direct message
  npm start -- --help                       this text

Options of serve:
  --port N           port of the webhook and events endpoint (default 3000)
  --data DIR         keep DynamoDB data in DIR (default: in memory)
  --time-scale N     run the reminder scheduler's clock N times faster (120: two hours in one minute)
  --fail DRILLS      failure drills, comma-separated, e.g. --fail slack,sms-undelivered:
${Object.entries(DRILLS).map(([name, what]) => `                       ${name.padEnd(17)} ${what}`).join('\n')}
  --no-demo          start empty: no demo data, no first event

Options of the client commands:
  --url URL          the running system (default http://localhost:3000)
  --user USER_ID     who clicks or types (default U024BE7LH, the demo executive)

Endpoints of the running system:
  POST /slack/webhook   Slack's request URL (signed requests only)
  POST /twilio/status   Twilio's status callbacks (signed: X-Twilio-Signature for this exact URL)
  POST /events          EventBridge PutEvents-shaped JSON: {"Entries":[{"Source","DetailType","Detail"}]}

Real integrations: with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the environment, Slack calls go to Slack
(likewise Twilio with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER, and SES with SES_FROM_EMAIL and
AWS credentials) instead of the local stand-ins.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    help: { type: 'boolean', short: 'h' },
    port: { type: 'string' },
    data: { type: 'string' },
    'time-scale': { type: 'string' },
    fail: { type: 'string' },
    'no-demo': { type: 'boolean' },
    url: { type: 'string' },
    user: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`${message}\nRun \`npm start -- --help\` for usage.`);
  process.exit(2);
}

function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got ${value}`);
  return n;
}

const baseUrl = (values.url ?? 'http://localhost:3000').replace(/\/$/, '');
const userId = values.user ?? 'U024BE7LH';
const signingSecret = process.env['SLACK_SIGNING_SECRET'] ?? LOCAL_CREDENTIALS.slackSigningSecret;

async function post(pathName: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(`${baseUrl}${pathName}`, { method: 'POST', body, headers });
    return { status: res.status, text: await res.text() };
  } catch (error) {
    return fail(`Cannot reach ${baseUrl} (${(error as Error).message}). Is \`npm start\` running?`);
  }
}

async function sendToWebhook(body: string, contentType: string): Promise<void> {
  const { status, text } = await post('/slack/webhook', body, signedHeaders(body, contentType, signingSecret));
  console.log(`Webhook answered ${status}.`);
  if (!text) return;
  try {
    const json = JSON.parse(text) as { text?: string; blocks?: unknown[] };
    console.log(Array.isArray(json.blocks) ? blocksToText(json.blocks) : (json.text ?? text));
  } catch {
    console.log(text);
  }
  console.log('What the bot sent to Slack is printed by `npm start`.');
}

async function serve(): Promise<void> {
  const failing = (values.fail ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of failing) if (!isDrill(c)) fail(`--fail: unknown drill ${c} (known: ${Object.keys(DRILLS).join(', ')})`);
  const real = realIntegrationsFromEnv();
  const runtime = await startRuntime({
    port: values.port === undefined ? 3000 : positiveNumber(values.port, 'port', 3000),
    timeScale: positiveNumber(values['time-scale'], 'time-scale', 1),
    fail: failing.filter(isDrill),
    real,
    demo: !values['no-demo'],
    ...(values.data ? { dataDir: path.resolve(values.data) } : {}),
  });
  const realOnes = Object.entries(real).filter(([, on]) => on).map(([name]) => name);
  console.log(`
Running on ${runtime.url}  (Ctrl-C to stop)
  Slack webhook:  ${runtime.webhookUrl}
  Events:         ${runtime.eventsUrl}
  Integrations:   ${realOnes.length ? `real ${realOnes.join(', ')}, local stand-ins for the rest` : 'local stand-ins'}${failing.length ? `; failing: ${failing.join(', ')}` : ''}

Try next, in another terminal:
  npm start -- meetings                          # /meetings as Jordan Lee
  npm start -- click start_prep m-1on1           # Start Prep on the 1:1
  npm start -- dm "ready"                        # the next step of the prep session
  npm start -- click remind_later m-rel9         # a reminder (use --time-scale 120 to watch it fire)
  npm start -- publish examples/meeting-prep-required.json
  curl -s localhost:${new URL(runtime.url).port}/events -d '{"Entries":[{"Source":"exec-assistant.calendar-monitor","DetailType":"MeetingPrepRequired","Detail":"{\\"meeting_id\\":\\"m-qbr4\\",\\"user_id\\":\\"U024BE7LH\\"}"}]}'
`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    runtime.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  if (values.help) {
    console.log(HELP);
    return;
  }
  const [command = 'serve', ...args] = positionals;
  switch (command) {
    case 'serve':
      return serve();
    case 'publish': {
      const file = args[0] ?? fail('publish needs a JSON file');
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
      } catch (error) {
        return fail(`Cannot read ${file} as JSON: ${(error as Error).message}`);
      }
      const entries = (() => {
        try {
          return parseEventsRequest(parsed);
        } catch (error) {
          return fail(`${file}: ${(error as Error).message}`);
        }
      })();
      const { status, text } = await post('/events', JSON.stringify({ Entries: entries }), { 'content-type': 'application/json' });
      console.log(`Events endpoint answered ${status}: ${text}`);
      return;
    }
    case 'click': {
      const [action, meetingId] = args;
      if (action !== 'start_prep' && action !== 'remind_later') fail('click needs start_prep or remind_later');
      if (!meetingId) fail('click needs a meeting id, e.g. m-1on1');
      return sendToWebhook(clickBody(action, { userId, meetingId, ownerId: userId }), FORM);
    }
    case 'meetings':
      return sendToWebhook(slashCommandBody({ user_id: userId }), FORM);
    case 'dm': {
      const text = args.join(' ');
      if (!text) fail('dm needs the text to send');
      return sendToWebhook(dmBody(text, undefined, undefined, userId), JSON_TYPE);
    }
    default:
      fail(`Unknown command ${command}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
