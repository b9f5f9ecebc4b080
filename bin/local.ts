#!/usr/bin/env node
/**
 * `npm start`: the whole system on this machine, and the commands that drive it. Run `npm start -- --help`.
 * Mistakes (a bad option, a busy port, a data folder in use, an unreachable system) are one line on stderr and a
 * non-zero exit code, never a stack trace.
 */
import { FAIL_DRILLS } from '../local/fail-drills';
import type * as ClientModule from '../local/cli/client';
import { failureOf } from '../local/cli/failure';
import { optionsHelp, parseCommandLine, serveOptions } from '../local/cli/options';
import type * as ServeModule from '../local/cli/serve';

const HELP = `Meeting-prep notifications, running locally.

Usage:
  npm start [-- serve] [options]            run everything (default command)
  npm start -- meetings                     /meetings as the executive: their meetings, ids and buttons
  npm start -- click ACTION MEETING_ID      click a button: ACTION is start_prep or remind_later
  npm start -- dm "TEXT"                    send the bot a direct message
  npm start -- notify MEETING_ID            publish MeetingPrepRequired for a meeting
  npm start -- publish FILE                 publish the events in a JSON file (an envelope or a PutEvents request)
  npm start -- seed FILE                    add your own users and meetings (JSON or YAML, see examples/seed.yaml)
  npm start -- home                         open the app's Home tab: the week's meetings and the preferences
  npm start -- prefs 'JSON'                 save preferences through the dialog, e.g. '{"digest":{"enabled":true}}'
  npm start -- sms "TEXT"                   text the assistant as the executive's phone would (PREP, LATER, STOP…)
  npm start -- --help                       this text

Options of serve:
${optionsHelp('serve')}

Options of the client commands (they print what the executive would see):
${optionsHelp('client')}

Fallback drills (--fail):
${Object.entries(FAIL_DRILLS)
  .map(([name, drill]) => `  ${name.padEnd(19)}${drill.description}`)
  .join('\n')}

Endpoints of the running system (every port is printed at start):
  POST /slack/webhook   Slack's request URL (signed requests only)
  POST /twilio/sms      Twilio's incoming-message webhook (signed requests only), answered in TwiML
  POST /events          EventBridge PutEvents-shaped JSON: {"Entries":[{"Source","DetailType","Detail"}]}

Real integrations: with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the environment, Slack calls go to Slack
(likewise Twilio with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER, and SES with SES_FROM_EMAIL and
AWS credentials) instead of the local stand-ins. The client commands then need the same SLACK_SIGNING_SECRET.`;

async function main(): Promise<void> {
  const line = parseCommandLine(process.argv.slice(2));
  if (line.values.help) return console.log(HELP);
  // Loaded only when needed: serving loads the CDK app and every stand-in, which a client command does not need.
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded late on purpose (see above) */
  if (line.command === 'serve') {
    const options = serveOptions(line.values);
    return (require('../local/cli/serve') as typeof ServeModule).serve(options);
  }
  return (require('../local/cli/client') as typeof ClientModule).runClientCommand(line);
  /* eslint-enable @typescript-eslint/no-require-imports */
}

main().catch((error: unknown) => {
  const { printed, code } = failureOf(error);
  console.error(printed);
  process.exit(code);
});
