/**
 * The client commands of `npm start` (`meetings`, `click`, `dm`, `notify`, `publish`, `seed`): each sends what Slack
 * or EventBridge would send to the running system and prints what the executive would see: the bot's answer, the
 * messages it replaced, posted only for them, or sent as a DM, or its refusal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_USER } from '../demo';
import { parseEventsRequest } from '../events';
import { LOCAL_CREDENTIALS } from '../local-credentials';
import { SLACK_CURSOR_HEADER } from '../local-routes';
import { SeedError, parseSeed } from '../seed';
import type { SlackFeedItem } from '../slack-feed';
import { FORM, JSON_TYPE, clickBody, dmBody, signedHeaders, slashCommandBody } from '../slack-requests';
import { blocksToText } from '../trace';
import { CommandLine, UsageError, checkOptionsFor } from './options';

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
  return text.split('\n').map((line) => `  │ ${line}`).join('\n');
}

/** A client of one running system. */
class Client {
  constructor(
    readonly base: string,
    readonly userId: string,
  ) {}

  async request(method: 'GET' | 'POST', pathName: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    try {
      const res = await fetch(`${this.base}${pathName}`, { method, ...(body === undefined ? {} : { body }), headers });
      return { status: res.status, text: await res.text(), headers: res.headers };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ClientError(`Cannot reach ${this.base} (${reason}): is \`npm start\` running? (On another port: --url http://localhost:PORT)`);
    }
  }

  async json<T>(method: 'GET' | 'POST', pathName: string, body?: string): Promise<T> {
    const answer = await this.request(method, pathName, body, body === undefined ? {} : { 'content-type': JSON_TYPE });
    if (answer.status !== 200) throw new ClientError(`${method} ${pathName} answered ${answer.status}: ${answer.text}`);
    return JSON.parse(answer.text) as T;
  }

  /** Sends a signed request to the webhook and prints the bot's answer and everything it showed because of it. */
  async webhook(build: (responseUrl: string) => string, contentType: string): Promise<void> {
    const feed = await this.json<{ cursor: string; responseUrl: string; realSlack: boolean }>('GET', '/local/slack');
    const body = build(feed.responseUrl);
    const clientSecret = process.env['SLACK_SIGNING_SECRET'];
    const answer = await this.request('POST', '/slack/webhook', body, signedHeaders(body, contentType, clientSecret ?? LOCAL_CREDENTIALS.slackSigningSecret));
    if (answer.status === 401) {
      throw new ClientError(
        clientSecret
          ? 'The bot refused the signature (401): SLACK_SIGNING_SECRET in this shell is not the one the running system checks with. Set the same value here as there, or unset it if `npm start` runs with the local stand-ins.'
          : 'The bot refused the signature (401): the running system checks Slack signatures with a real SLACK_SIGNING_SECRET. Set the same SLACK_SIGNING_SECRET in this shell.',
      );
    }
    if (answer.status !== 200) throw new ClientError(`The webhook answered ${answer.status}: ${answer.text || '(no body)'}`);
    const direct = this.directAnswer(answer.text);
    if (direct) console.log(`The bot answered (only visible to you):\n${indent(direct)}`);
    const since = answer.headers.get(SLACK_CURSOR_HEADER) ?? feed.cursor;
    const after = await this.json<{ items: SlackFeedItem[]; realSlack: boolean }>('GET', `/local/slack?since=${encodeURIComponent(since)}`);
    for (const item of after.items) console.log(`${item.shown}:\n${indent(item.text)}`);
    if (after.realSlack) console.log('Slack calls went to Slack itself: what the bot sent is in your Slack workspace.');
    else if (!direct && after.items.length === 0) console.log('The bot accepted the request and showed nothing.');
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

  async publish(entries: unknown): Promise<void> {
    const answer = await this.request('POST', '/events', JSON.stringify({ Entries: entries }), { 'content-type': JSON_TYPE });
    if (answer.status !== 200) throw new ClientError(`The events endpoint refused it (${answer.status}): ${answer.text}`);
    const ids = (JSON.parse(answer.text) as { Entries: { EventId: string }[] }).Entries.map((e) => e.EventId);
    console.log(`Published ${ids.length} event(s) (${ids.join(', ')}): the execution is printed by \`npm start\`.`);
  }
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
  const client = new Client((line.values.url ?? 'http://localhost:3000').replace(/\/$/, ''), line.values.user ?? DEMO_USER.user_id);
  const { userId } = client;
  const [first, second] = line.args;
  switch (line.command) {
    case 'meetings':
      return client.webhook((responseUrl) => slashCommandBody({ user_id: userId, response_url: responseUrl }), FORM);
    case 'click': {
      if (first !== 'start_prep' && first !== 'remind_later') throw new UsageError('click needs start_prep or remind_later, then a meeting id');
      if (!second) throw new UsageError('click needs a meeting id, e.g. npm start -- click start_prep m-1on1');
      return client.webhook((responseUrl) => clickBody(first, { userId, meetingId: second, ownerId: userId, responseUrl }), FORM);
    }
    case 'dm': {
      const text = line.args.join(' ');
      if (!text) throw new UsageError('dm needs the text to send, e.g. npm start -- dm "ready"');
      return client.webhook(() => dmBody(text, undefined, undefined, userId), JSON_TYPE);
    }
    case 'notify': {
      if (!first) throw new UsageError('notify needs a meeting id, e.g. npm start -- notify m-qbr4');
      return client.publish([
        { Source: 'exec-assistant.calendar-monitor', DetailType: 'MeetingPrepRequired', Detail: JSON.stringify({ meeting_id: first, user_id: userId }) },
      ]);
    }
    case 'publish': {
      if (!first) throw new UsageError('publish needs a JSON file, e.g. npm start -- publish examples/meeting-prep-required.json');
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
    case 'seed': {
      if (!first) throw new UsageError('seed needs a JSON or YAML file, e.g. npm start -- seed examples/seed.yaml');
      // Checked here first, so every problem is listed even with nothing running; the system checks again, with the
      // users it already holds (a meeting may belong to one of them).
      const text = readFile(first);
      const named = [...text.matchAll(/user_id["']?\s*:\s*["']?([UW][A-Z0-9]+)/g)].map((m) => m[1] as string);
      const seed = parseSeed(text, first, { knownUserIds: named });
      const answer = await client.request('POST', '/local/seed', JSON.stringify(seed), { 'content-type': JSON_TYPE });
      if (answer.status === 400) throw new SeedError(first, (JSON.parse(answer.text) as { problems: string[] }).problems);
      if (answer.status !== 200) throw new ClientError(`Seeding answered ${answer.status}: ${answer.text}`);
      const users = seed.users.map((u) => u.user_id);
      console.log(`Seeded ${users.length} user(s) (${users.join(', ')}) and ${seed.meetings.length} meeting(s) (${seed.meetings.map((m) => m.meeting_id).join(', ')}).`);
      const who = seed.users[0]?.user_id ?? seed.meetings[0]?.user_id;
      const opts = `${who && who !== DEMO_USER.user_id ? ` --user ${who}` : ''}${line.values.url ? ` --url ${line.values.url}` : ''}`;
      console.log(`Try: npm start -- meetings${opts}`);
      if (seed.meetings[0]) console.log(`     npm start -- notify ${seed.meetings[0].meeting_id}${opts}`);
      return;
    }
    default:
      throw new UsageError(`Unknown command ${line.command} (commands: serve, meetings, click, dm, notify, publish, seed)`);
  }
}
