/** The Slack sender: the interactive prep message through `@slack/web-api`. */
import type { WebClient } from '@slack/web-api';
import { ChannelPermanentFailureError } from '../errors';
import { PrepNotice, renderSlackBlocks, slackFallbackText } from '../messages';
import { SlackCredentials } from '../secrets';
import { createSlackWebClient } from '../slack-web-client';
import { classifySlackError } from './classify';
import { PROVIDER_TIMEOUT_MS } from './provider-timeout';

const slackClients = new Map<string, WebClient>();

/**
 * A WebClient for the bot token, pointed at `SLACK_API_URL` when set. It never retries by itself and rejects
 * rate-limited calls at once: the state machine owns retrying, so every attempt shows in the execution.
 */
export function slackClient(credentials: SlackCredentials): WebClient {
  let client = slackClients.get(credentials.botToken);
  if (!client) {
    client = createSlackWebClient(credentials.botToken, PROVIDER_TIMEOUT_MS);
    slackClients.set(credentials.botToken, client);
  }
  return client;
}

/** Posts the interactive prep message to the user's DM with the app; returns the message `ts`. */
export async function sendSlack(client: WebClient, notice: PrepNotice): Promise<string> {
  try {
    const out = await client.chat.postMessage({
      channel: notice.meeting.user_id,
      text: slackFallbackText(notice),
      blocks: renderSlackBlocks(notice),
      unfurl_links: false,
    });
    if (!out.ts) throw new ChannelPermanentFailureError('slack', 'no_ts_in_response');
    return out.ts;
  } catch (error) {
    if (error instanceof ChannelPermanentFailureError) throw error;
    throw classifySlackError(error);
  }
}
