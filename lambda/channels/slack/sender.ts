/** The Slack sender: the interactive prep message through `@slack/web-api`, findable again by its metadata. */
import type { WebClient } from '@slack/web-api';
import { ChannelPermanentFailureError } from '../../shared/errors';
import type { PrepNotice } from '../notice';
import { renderSlackBlocks, slackFallbackText } from './messages';
import { NO_UNFURLS } from './mrkdwn';
import { SlackCredentials } from '../../shared/secrets';
import { createSlackWebClient } from './web-client';
import { classifySlackError } from './classify';
import { PROVIDER_TIMEOUT_MS } from '../provider-timeout';

/** The `event_type` of the metadata every prep message carries. */
export const PREP_METADATA_EVENT_TYPE = 'meeting_prep_notification';

/** A prep notice sent by one execution. */
export type SlackNotice = PrepNotice & { readonly execution: string };

const slackClients = new Map<string, WebClient>();

/**
 * fetch, with the socket error's code kept in the message. WebClient rewraps a failed fetch as
 * `Error("TypeError: fetch failed")`, losing `cause`, so a refused connection (nothing sent) could not be told from
 * a reset one (maybe sent).
 */
export const fetchKeepingCause: typeof globalThis.fetch = async (input, init) => {
  try {
    return await globalThis.fetch(input, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if ((error as Error)?.name === 'TypeError' && cause?.code)
      throw new TypeError(`${(error as Error).message} (${cause.code})`, { cause });
    throw error;
  }
};

/**
 * A WebClient for the bot token, pointed at `SLACK_API_URL` when set. It never retries by itself and rejects
 * rate-limited calls at once: the state machine owns retrying, so every attempt shows in the execution.
 */
export function slackClient(credentials: SlackCredentials): WebClient {
  let client = slackClients.get(credentials.botToken);
  if (!client) {
    client = createSlackWebClient(credentials.botToken, PROVIDER_TIMEOUT_MS, fetchKeepingCause);
    slackClients.set(credentials.botToken, client);
  }
  return client;
}

/** Posts the interactive prep message to the user's DM with the app; returns the message `ts`. */
export async function sendSlack(client: WebClient, notice: SlackNotice): Promise<string> {
  try {
    const out = await client.chat.postMessage({
      channel: notice.meeting.user_id,
      text: slackFallbackText(notice),
      blocks: renderSlackBlocks(notice),
      ...NO_UNFURLS,
      metadata: {
        event_type: PREP_METADATA_EVENT_TYPE,
        event_payload: { meeting_id: notice.meeting.meeting_id, execution: notice.execution },
      },
    });
    if (!out.ts) throw new ChannelPermanentFailureError('slack', 'no_ts_in_response');
    return out.ts;
  } catch (error) {
    if (error instanceof ChannelPermanentFailureError) throw error;
    throw classifySlackError(error);
  }
}

interface MessageWithMetadata {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/**
 * The `ts` of this execution's prep message in the user's DM since `since`, or undefined. Reads the DM's recent
 * history with its metadata (`im:history`); throws when Slack cannot be asked.
 */
export async function findSlackPost(client: WebClient, notice: SlackNotice, since: Date): Promise<string | undefined> {
  const open = await client.conversations.open({ users: notice.meeting.user_id });
  const channel = open.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  // A little before the intent: the intent is written just before the post, on another clock.
  const oldest = (Math.floor(since.getTime() / 1000) - 60).toString();
  let cursor: string | undefined;
  for (let page = 0; page < 5; page++) {
    const history = await client.conversations.history({
      channel,
      oldest,
      include_all_metadata: true,
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    const found = ((history.messages ?? []) as MessageWithMetadata[]).find(
      (m) =>
        m.metadata?.event_type === PREP_METADATA_EVENT_TYPE &&
        m.metadata.event_payload?.['meeting_id'] === notice.meeting.meeting_id &&
        m.metadata.event_payload?.['execution'] === notice.execution,
    );
    if (found?.ts) return found.ts;
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!history.has_more || !cursor) return undefined;
  }
  return undefined;
}
