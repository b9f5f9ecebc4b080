/**
 * The client commands of `npm start` (`meetings`, `click`, `dm`, `notify`, `publish`, `seed`, `home`, `prefs`,
 * `sms`): each sends what Slack, Twilio or EventBridge would send to the running system and prints what the
 * executive would see: the bot's answer, the messages it replaced, posted only for them, or sent as a DM, the SMS
 * answer, or its refusal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { submissionStateFor } from '../../lambda/slack-bot/app-home/preferences-modal';
import { DEMO_USER } from '../demo';
import { parseEventsRequest } from '../events';
import { SeedError, parseSeed } from '../seed';
import { homeOpenedBody, preferencesSubmissionBody } from '../slack-home-requests';
import { FORM, JSON_TYPE, clickBody, dmBody, slashCommandBody } from '../slack-requests';
import { CommandLine, UsageError, checkOptionsFor } from './options';
import { modalInput } from './prefs-input';
import { Client, ClientError } from './system-client';

function readFile(file: string): string {
  try {
    return fs.readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Runs one client command. */
export async function runClientCommand(line: CommandLine): Promise<void> {
  checkOptionsFor('client', line.values);
  const client = new Client(
    (line.values.url ?? 'http://localhost:3000').replace(/\/$/, ''),
    line.values.user ?? DEMO_USER.user_id,
  );
  const { userId } = client;
  const [first, second] = line.args;
  switch (line.command) {
    case 'meetings':
      return client.webhook((responseUrl) => slashCommandBody({ user_id: userId, response_url: responseUrl }), FORM);
    case 'click': {
      if (first !== 'start_prep' && first !== 'remind_later')
        throw new UsageError('click needs start_prep or remind_later, then a meeting id');
      if (!second) throw new UsageError('click needs a meeting id, e.g. npm start -- click start_prep m-1on1');
      return client.webhook(
        (responseUrl) => clickBody(first, { userId, meetingId: second, ownerId: userId, responseUrl }),
        FORM,
      );
    }
    case 'dm': {
      const text = line.args.join(' ');
      if (!text) throw new UsageError('dm needs the text to send, e.g. npm start -- dm "ready"');
      return client.webhook(() => dmBody(text, undefined, undefined, userId), JSON_TYPE);
    }
    case 'notify': {
      if (!first) throw new UsageError('notify needs a meeting id, e.g. npm start -- notify m-qbr4');
      return client.publish([
        {
          Source: 'exec-assistant.calendar-monitor',
          DetailType: 'MeetingPrepRequired',
          Detail: JSON.stringify({ meeting_id: first, user_id: userId }),
        },
      ]);
    }
    case 'publish': {
      if (!first)
        throw new UsageError(
          'publish needs a JSON file, e.g. npm start -- publish examples/meeting-prep-required.json',
        );
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFile(first));
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw new UsageError(`${first} is not JSON: ${(error as Error).message}`);
      }
      try {
        return await client.publish(parseEventsRequest(parsed));
      } catch (error) {
        if (error instanceof ClientError) throw error;
        throw new UsageError(`${first}: ${(error as Error).message}`);
      }
    }
    case 'home':
      return client.webhook(() => homeOpenedBody(userId), JSON_TYPE, { showHome: true });
    case 'prefs': {
      if (!first)
        throw new UsageError(
          `prefs needs the preferences as JSON, e.g. npm start -- prefs '{"digest":{"enabled":true,"time":"07:30"}}'`,
        );
      return client.webhook(() => preferencesSubmissionBody(submissionStateFor(modalInput(first)), { userId }), FORM, {
        showHome: true,
      });
    }
    case 'sms': {
      const text = line.args.join(' ');
      if (!text) throw new UsageError('sms needs the text to send, e.g. npm start -- sms "PREP"');
      const from = line.values.from ?? DEMO_USER.phone_number ?? '';
      if (!/^\+[1-9]\d{7,14}$/.test(from))
        throw new UsageError(`--from must be an E.164 phone number such as +12125550143, got ${from}`);
      return client.sms(text, from);
    }
    case 'seed': {
      if (!first) throw new UsageError('seed needs a JSON or YAML file, e.g. npm start -- seed examples/seed.yaml');
      // Checked here first, so every problem is listed even with nothing running; the system checks again, with the
      // users it already holds (a meeting may belong to one of them).
      const text = readFile(first);
      const named = [...text.matchAll(/user_id["']?\s*:\s*["']?([UW][A-Z0-9]+)/g)].map((m) => m[1] as string);
      const seed = parseSeed(text, first, { knownUserIds: named });
      const answer = await client.request('POST', '/local/seed', JSON.stringify(seed), { 'content-type': JSON_TYPE });
      if (answer.status === 400)
        throw new SeedError(first, (JSON.parse(answer.text) as { problems: string[] }).problems);
      if (answer.status !== 200) throw new ClientError(`Seeding answered ${answer.status}: ${answer.text}`);
      const users = seed.users.map((u) => u.user_id);
      console.log(
        `Seeded ${users.length} user(s) (${users.join(', ')}) and ${seed.meetings.length} meeting(s) (${seed.meetings.map((m) => m.meeting_id).join(', ')}).`,
      );
      const who = seed.users[0]?.user_id ?? seed.meetings[0]?.user_id;
      const opts = `${who && who !== DEMO_USER.user_id ? ` --user ${who}` : ''}${line.values.url ? ` --url ${line.values.url}` : ''}`;
      console.log(`Try: npm start -- meetings${opts}`);
      if (seed.meetings[0]) console.log(`     npm start -- notify ${seed.meetings[0].meeting_id}${opts}`);
      return;
    }
    default:
      throw new UsageError(
        `Unknown command ${line.command} (commands: serve, meetings, click, dm, notify, publish, seed, home, prefs, sms)`,
      );
  }
}
