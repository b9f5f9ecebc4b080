/**
 * A client of one running system (`npm start`), as the client commands use it: requests to its API, a signed request
 * to the Slack webhook or the SMS webhook, and, printed, what the executive would see because of it. The system's
 * own feed of what it sent to Slack (`/local/slack`) is how the client knows what a request showed.
 */
import { LOCAL_CREDENTIALS } from '../local-credentials';
import { SLACK_CURSOR_HEADER } from '../local-routes';
import type { SlackFeedItem } from '../slack-feed';
import { JSON_TYPE, signedHeaders } from '../slack-requests';
import { blocksToText } from '../trace';
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
export class Client {
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
    if (answer.messages.length === 0)
      console.log(
        'No SMS back from us: Twilio answers STOP, START and HELP itself; an unknown number, or one over its reply limit, gets none.',
      );
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
