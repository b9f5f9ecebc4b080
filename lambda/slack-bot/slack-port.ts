/**
 * The worker's Slack port over one WebClient (no retries of its own: the queue retries) and plain `fetch` for
 * `response_url`s, each call bounded by a timeout.
 */
import { NO_UNFURLS } from '../channels/slack/mrkdwn';
import { createSlackWebClient, slackApiUrl } from '../channels/slack/web-client';
import { ResponseUrlBody, SlackPort } from './deps';
import { isSlackResponseUrl } from './response-url';
import { ResponseUrlError } from './slack-failures';
import { BotMessage } from './views';

/** Time allowed for one Slack call from the worker (it has no 3 s budget, but a hung call holds the user's queue). */
export const WORKER_SLACK_TIMEOUT_MS = 5000;

/** The message's text and blocks, never unfurled (a title's address must not become a preview card). */
const blocksOf = (message: BotMessage) => ({
  text: message.text,
  ...(message.blocks ? { blocks: message.blocks } : {}),
  ...NO_UNFURLS,
});

/** The Slack port for a bot token. */
export function createSlackPort(botToken: string, timeoutMs = WORKER_SLACK_TIMEOUT_MS): SlackPort {
  const client = createSlackWebClient(botToken, timeoutMs);
  return {
    async postMessage(channel, message) {
      const out = await client.chat.postMessage({ channel, ...blocksOf(message) });
      return out.ts ? { ts: out.ts } : {};
    },
    async postEphemeral(channel, user, message) {
      await client.chat.postEphemeral({ channel, user, ...blocksOf(message) });
    },
    async update(channel, ts, message) {
      await client.chat.update({ channel, ts, ...blocksOf(message) });
    },
    async publishHome(userId, view) {
      await client.views.publish({ user_id: userId, view });
    },
    async respond(responseUrl, body: ResponseUrlBody) {
      // The last line of the pin (callers leave out a URL that is not Slack's): never fetched, never retried.
      if (!isSlackResponseUrl(responseUrl, slackApiUrl())) throw new ResponseUrlError(0, 'response_url_not_slack');
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, ...NO_UNFURLS }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) throw new ResponseUrlError(response.status, text);
    },
  };
}
