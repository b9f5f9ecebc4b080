/** `views.open` from the webhook, before it answers: one short attempt, since the trigger id expires 3 s after the click. */
import { createSlackWebClient } from '../../channels/slack/web-client';
import type { ViewOpener } from '../deps';

/** Time allowed for `views.open` (the webhook's whole answer has 2 s). */
export const VIEWS_OPEN_TIMEOUT_MS = 1500;

const openers = new Map<string, ViewOpener>();

/** The opener for a bot token (one WebClient per token). */
export function viewOpener(botToken: string): ViewOpener {
  let open = openers.get(botToken);
  if (!open) {
    const client = createSlackWebClient(botToken, VIEWS_OPEN_TIMEOUT_MS);
    open = async (triggerId, view) => {
      await client.views.open({ trigger_id: triggerId, view });
    };
    openers.clear();
    openers.set(botToken, open);
  }
  return open;
}
