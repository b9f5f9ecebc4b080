/** `views.open` from the webhook, before it answers: one short attempt, since the trigger id expires 3 s after the click. */
import type { WebClient } from '@slack/web-api';
import { createSlackWebClient } from '../../channels/slack/web-client';
import type { ViewOpener } from '../deps';

/** Time allowed for `views.open` (the webhook's whole answer has 2 s). */
export const VIEWS_OPEN_TIMEOUT_MS = 1500;

const openers = new Map<string, ViewOpener>();

/**
 * The opener for a bot token (one WebClient per token, built on the first modal: the Bolt app asks for the opener when
 * it is built, on the first request, which seldom opens one).
 */
export function viewOpener(botToken: string): ViewOpener {
  let open = openers.get(botToken);
  if (!open) {
    let client: WebClient | undefined;
    open = async (triggerId, view) => {
      client ??= createSlackWebClient(botToken, VIEWS_OPEN_TIMEOUT_MS);
      await client.views.open({ trigger_id: triggerId, view });
    };
    openers.clear();
    openers.set(botToken, open);
  }
  return open;
}
