/**
 * The client commands of `npm start` (`meetings`, `click`, `dm`, `notify`, `publish`, `seed`, `home`, `prefs`,
 * `sms`): each sends what Slack, Twilio or EventBridge would send to the running system and prints what the
 * executive would see: the bot's answer, the messages it replaced, posted only for them, or sent as a DM, the SMS
 * answer, or its refusal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CHANNELS } from '../../lambda/slack-bot/app-home/home-tab';
import { submissionStateFor } from '../../lambda/slack-bot/app-home/preferences-modal';
import { Preferences, defaultPreferences } from '../../lambda/shared/preferences';
import { DEMO_USER } from '../demo';
import { parseEventsRequest } from '../events';
import { LOCAL_CREDENTIALS } from '../local-credentials';
import { SLACK_CURSOR_HEADER } from '../local-routes';
import { SeedError, parseSeed } from '../seed';
import type { SlackFeedItem } from '../slack-feed';
import { homeOpenedBody, preferencesSubmissionBody } from '../slack-home-requests';
import { FORM, JSON_TYPE, clickBody, dmBody, signedHeaders, slashCommandBody } from '../slack-requests';
import { blocksToText } from '../trace';
import { CommandLine, UsageError, checkOptionsFor } from './options';
import { inboundSmsParams, localTwilioAccount, sendInboundSms } from './sms-client';

/** The running system could not be reached, or answered with an error: one line, exit code 1. */
export class ClientError extends Error {
  override readonly name = 'ClientError';
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  │ ${line}`)
    .join('\n');
}

/** A client of one running system. */
class Client {
  constructor(
    readonly base: string,
    readonly userId: string,
  ) {}

  async request(
    method: 'GET' | 'POST',
    pathName: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    try {
      const res = await fetch(`${this.base}${pathName}`, { method, ...(body === undefined ? {} : { body }), headers });
      return { status: res.status, text: await res.text(), headers: res.headers };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ClientError(
        `Cannot reach ${this.base} (${reason}): is \`npm start\` running? (On another port: --url http://localhost:PORT)`,
      );
    }
  }

  async json<T>(method: 'GET' | 'POST', pathName: string, body?: string): Promise<T> {
    const answer = await this.request(method, pathName, body, body === undefined ? {} : { 'content-type': JSON_TYPE });
    if (answer.status !== 200) throw new ClientError(`${method} ${pathName} answered ${answer.status}: ${answer.text}`);
    return JSON.parse(answer.text) as T;
  }

  /** Sends a signed request to the webhook and prints the bot's answer and everything it showed because of it. */
  async webhook(
    build: (responseUrl: string) => string,
    contentType: string,
    options: { showHome?: boolean } = {},
  ): Promise<void> {
    const feed = await this.json<{ cursor: string; responseUrl: string; realSlack: boolean }>('GET', '/local/slack');
    const body = build(feed.responseUrl);
    const clientSecret = process.env['SLACK_SIGNING_SECRET'];
    const answer = await this.request(
      'POST',
      '/slack/webhook',
      body,
      signedHeaders(body, contentType, clientSecret ?? LOCAL_CREDENTIALS.slackSigningSecret),
    );
    if (answer.status === 401) {
      throw new ClientError(
        clientSecret
          ? 'The bot refused the signature (401): SLACK_SIGNING_SECRET in this shell is not the one the running system checks with. Set the same value here as there, or unset it if `npm start` runs with the local stand-ins.'
          : 'The bot refused the signature (401): the running system checks Slack signatures with a real SLACK_SIGNING_SECRET. Set the same SLACK_SIGNING_SECRET in this shell.',
      );
    }
    if (answer.status !== 200)
      throw new ClientError(`The webhook answered ${answer.status}: ${answer.text || '(no body)'}`);
    const refused = modalErrors(answer.text);
    if (refused) console.log(`The dialog stays open with these errors:\n${indent(refused)}`);
    const direct = refused ? undefined : this.directAnswer(answer.text);
    if (direct) console.log(`The bot answered (only visible to you):\n${indent(direct)}`);
    const since = answer.headers.get(SLACK_CURSOR_HEADER) ?? feed.cursor;
    const after = await this.json<{ items: SlackFeedItem[]; realSlack: boolean }>(
      'GET',
      `/local/slack?since=${encodeURIComponent(since)}`,
    );
    // Every click refreshes the Home tab; printing it after each would drown what the click showed.
    const items = after.items.filter((item) => options.showHome === true || item.via !== 'views.publish');
    for (const item of items) console.log(`${item.shown}:\n${indent(item.text)}`);
    if (after.realSlack) console.log('Slack calls went to Slack itself: what the bot sent is in your Slack workspace.');
    else if (!direct && !refused && items.length === 0) console.log('The bot accepted the request and showed nothing.');
  }

  private directAnswer(text: string): string | undefined {
    if (!text.trim()) return undefined;
    try {
      const json = JSON.parse(text) as { text?: string; blocks?: unknown[] };
      if (Array.isArray(json.blocks) && json.blocks.length) return blocksToText(json.blocks);
      return json.text || undefined;
    } catch {
      return text;
    }
  }

  /**
   * Texts `body` from `from` to the system's Twilio number, signed as Twilio signs it for the URL the system checks,
   * and prints the answer as the phone shows it, then what the worker sent because of it (the prep kit's DM).
   */
  async sms(body: string, from: string): Promise<void> {
    const index = await this.json<{ smsWebhookUrl?: string }>('GET', '/');
    const feed = await this.json<{ cursor: string }>('GET', '/local/slack');
    const account = localTwilioAccount();
    const signedUrl = index.smsWebhookUrl ?? `${this.base}/twilio/sms`;
    const answer = await sendInboundSms({
      postUrl: `${this.base}/twilio/sms`,
      signedUrl,
      authToken: account.authToken,
      params: inboundSmsParams(from, account.number, body, account.accountSid),
    }).catch((error: unknown) => {
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new ClientError(
        `Cannot reach ${this.base} (${cause?.code ?? (error as Error).message}): is \`npm start\` running?`,
      );
    });
    if (answer.status === 403)
      throw new ClientError(
        'The system refused the signature (403): TWILIO_AUTH_TOKEN in this shell is not the one the running system checks with.',
      );
    if (answer.status !== 200)
      throw new ClientError(`The SMS webhook answered ${answer.status}: ${answer.twiml || '(no body)'}`);
    console.log(`TwiML answer:\n${indent(answer.twiml)}`);
    if (answer.messages.length === 0) console.log('No SMS back from us (Twilio answers STOP, START and HELP itself).');
    for (const text of answer.messages) console.log(`SMS back to ${from}:\n${indent(text)}`);
    const after = await this.json<{ items: SlackFeedItem[] }>(
      'GET',
      `/local/slack?since=${encodeURIComponent(feed.cursor)}`,
    );
    for (const item of after.items.filter((i) => i.via !== 'views.publish'))
      console.log(`${item.shown}:\n${indent(item.text)}`);
  }

  async publish(entries: unknown): Promise<void> {
    const answer = await this.request('POST', '/events', JSON.stringify({ Entries: entries }), {
      'content-type': JSON_TYPE,
    });
    if (answer.status !== 200)
      throw new ClientError(`The events endpoint refused it (${answer.status}): ${answer.text}`);
    const ids = (JSON.parse(answer.text) as { Entries: { EventId: string }[] }).Entries.map((e) => e.EventId);
    console.log(`Published ${ids.length} event(s) (${ids.join(', ')}): the execution is printed by \`npm start\`.`);
  }
}

/** A `response_action: errors` answer in words, or undefined. */
function modalErrors(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { response_action?: string; errors?: Record<string, string> };
    if (json.response_action !== 'errors' || !json.errors) return undefined;
    return Object.entries(json.errors)
      .map(([field, message]) => `${field}: ${message}`)
      .join('\n');
  } catch {
    return undefined;
  }
}

/**
 * What the user would enter in the preferences dialog, from `prefs '{...}'`: the given fields over the defaults,
 * as entered (the bot validates them, as it does a real submission). Throws a usage error for text that is not a
 * JSON object.
 */
function modalInput(json: string): Preferences {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`prefs needs a JSON object: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError('prefs needs a JSON object, e.g. {"quiet_hours":{"start":"21:00","end":"07:00"}}');
  const given = raw as Record<string, unknown>;
  const base = defaultPreferences(DEFAULT_CHANNELS);
  const digest = (typeof given['digest'] === 'object' && given['digest'] !== null ? given['digest'] : {}) as Record<
    string,
    unknown
  >;
  const quiet = given['quiet_hours'] as Record<string, unknown> | undefined;
  const strings = (v: unknown, fallback: readonly string[]) =>
    (Array.isArray(v) ? v.map(String) : fallback) as Preferences['channels'];
  return {
    prep_reminders: typeof given['prep_reminders'] === 'boolean' ? given['prep_reminders'] : base.prep_reminders,
    channels: strings(given['channels'], base.channels),
    ...(quiet && typeof quiet === 'object'
      ? { quiet_hours: { start: String(quiet['start'] ?? ''), end: String(quiet['end'] ?? '') } }
      : {}),
    quiet_channels: strings(given['quiet_channels'], base.quiet_channels),
    digest: {
      enabled: typeof digest['enabled'] === 'boolean' ? digest['enabled'] : base.digest.enabled,
      time: typeof digest['time'] === 'string' ? digest['time'] : base.digest.time,
    },
  };
}

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
