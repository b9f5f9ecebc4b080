/**
 * The identity of a state-changing Slack interaction, which the webhook claims before acting so that the same
 * request replayed while its signature is still accepted acts no second time (`webhook.ts`). Slack gives every
 * interaction its own `trigger_id`; the key also names the team, the user and the action, all validated and bounded
 * by `payload-schemas.ts`, so it never exceeds DynamoDB's key limit. Pure.
 *
 * Served but not claimed, as they change nothing a replay could repeat: `/meetings` (a list), the Home tab opened
 * (a refresh), Edit preferences (opens a dialog), and DMs, which advance a session at most once per message `ts`
 * (the session records each) and whose late Slack retry is meant to re-send the reply.
 */
import { createHash } from 'node:crypto';
import { HomeActionIds } from './app-home/home-view';
import type { ClassifiedPayload } from './classify-payload';
import { SIGNATURE_WINDOW_SECONDS } from './verify-signature';

/** Every claim key the bot writes starts with this (the webhook may write no other key of the claims table). */
export const SLACK_CLAIM_PREFIX = 'slack#';

/**
 * How long a claim holds, in seconds. A request is accepted while its timestamp is within the window of now, on
 * either side: a replay can come up to twice the window after the first request arrived, plus a margin.
 */
export const INTERACTION_CLAIM_TTL_SECONDS = 2 * SIGNATURE_WINDOW_SECONDS + 60;

/** Home tab actions that change nothing. */
const READ_ONLY_ACTIONS: readonly string[] = [HomeActionIds.OpenPreferences];

const key = (...parts: readonly string[]): string => `${SLACK_CLAIM_PREFIX}${parts.join('#')}`;

/** The claim key of a classified payload, or undefined when it changes nothing a replay could repeat. */
export function interactionIdentity(classified: ClassifiedPayload): string | undefined {
  switch (classified.kind) {
    case 'action':
    case 'home_action': {
      const p = classified.payload;
      const actionId = p.actions[0].action_id;
      if (READ_ONLY_ACTIONS.includes(actionId)) return undefined;
      return key('action', p.team?.id ?? p.user.team_id ?? '-', p.user.id, actionId, p.trigger_id);
    }
    case 'view_submission': {
      const p = classified.payload;
      // Slack sends each submission with its own trigger_id; without one, the submission's content is its identity.
      const id =
        p.trigger_id ??
        `${p.view.id}.${p.view.hash ?? ''}.${createHash('sha256').update(JSON.stringify(p.view.state.values)).digest('hex').slice(0, 32)}`;
      return key('view', p.team?.id ?? p.user.team_id ?? '-', p.user.id, p.view.callback_id, id);
    }
    case 'command':
    case 'home_opened':
    case 'message':
    case 'ignore':
      return undefined;
  }
}
