/**
 * What the bot showed the executive on the Slack stand-in, as a feed with a cursor: the client commands of
 * `npm start` read what their request caused (`GET /local/slack?since=<cursor>`) and print it as the executive
 * would see it. Prep notifications posted by executions are left out: the runtime's trace prints those.
 */
import type { AnyBlock } from '@slack/types';
import { blocksAsText } from '../lambda/slack-bot/app-home/view-text';
import type { FakeSlack } from './fake-slack';
import { blocksToText } from './trace';

/** One thing the executive saw. */
export interface SlackFeedItem {
  /** `chat.postMessage`, `chat.update`, `chat.postEphemeral`, `response_url`, `views.publish` or `views.open`. */
  readonly via: string;
  /** In words: "Direct message", "Replaced the message you clicked", "Only visible to you"… */
  readonly shown: string;
  readonly text: string;
}

/** Where a feed starts: how many messages and response-URL posts there were. */
export type SlackCursor = string;

/** The cursor now. */
export function slackCursor(slack: FakeSlack): SlackCursor {
  return `${slack.messages.length}.${slack.responseUrlPosts.length}.${slack.viewLog.length}`;
}

function asText(body: { text?: unknown; blocks?: unknown }): string {
  if (Array.isArray(body.blocks) && body.blocks.length > 0) return blocksToText(body.blocks);
  return typeof body.text === 'string' ? body.text : '';
}

/** Whether a message is a prep notification of an execution (it carries the two prep buttons). */
function isPrepNotification(blocks: unknown): boolean {
  return Array.isArray(blocks) && blocks.some((b) => (b as { block_id?: unknown }).block_id === 'prep_actions');
}

/**
 * Everything since `cursor`, oldest first. Throws on a malformed cursor.
 */
export function slackFeedSince(slack: FakeSlack, cursor: SlackCursor): SlackFeedItem[] {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(cursor);
  if (!match) throw new Error(`not a cursor: ${cursor}`);
  const timed: { at: number; item: SlackFeedItem }[] = [];
  for (const m of slack.messages.slice(Number(match[1]))) {
    if (m.method === 'chat.postMessage' && isPrepNotification(m.blocks)) continue;
    const shown =
      m.method === 'chat.update'
        ? 'Replaced the message you clicked'
        : m.method === 'chat.postEphemeral'
          ? 'Only visible to you'
          : m.channel.startsWith('D')
            ? 'Direct message from the assistant'
            : `Message in ${m.channel}`;
    timed.push({ at: Number(m.ts) * 1000, item: { via: m.method, shown, text: asText(m) } });
  }
  for (const post of slack.responseUrlPosts.slice(Number(match[2]))) {
    const body = (
      typeof post.body === 'object' && post.body !== null ? post.body : { text: String(post.body) }
    ) as Record<string, unknown>;
    const shown =
      body['delete_original'] === true
        ? 'Removed the message you clicked'
        : body['replace_original'] === true
          ? 'Replaced the message you clicked'
          : body['response_type'] === 'in_channel'
            ? 'Posted in the channel'
            : 'Only visible to you';
    timed.push({ at: post.receivedAt.getTime(), item: { via: 'response_url', shown, text: asText(body) } });
  }
  for (const shown of slack.viewLog.slice(Number(match[3] ?? slack.viewLog.length))) {
    const blocks = Array.isArray(shown.view['blocks']) ? (shown.view['blocks'] as AnyBlock[]) : [];
    const title = (shown.view['title'] as { text?: unknown } | undefined)?.text;
    const item: SlackFeedItem =
      shown.method === 'views.publish'
        ? { via: 'views.publish', shown: 'Your Home tab in the app', text: blocksAsText(blocks) }
        : {
            via: 'views.open',
            shown: `A dialog opened${typeof title === 'string' ? `: ${title}` : ''}`,
            text: blocksAsText(blocks),
          };
    timed.push({ at: shown.at.getTime(), item });
  }
  return timed.sort((a, b) => a.at - b.at).map((t) => t.item);
}
