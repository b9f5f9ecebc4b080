/**
 * Slack's App Home requests, built the way Slack builds them (shapes from test/fixtures/slack): the Home tab opened,
 * a click in the Home tab (container `view`: no channel, no message, no response URL), and the preferences modal
 * submitted. Bodies only; sign them with `restEvent`/`httpEvent`/`signedHeaders` (`slack-requests.ts`).
 */
import { HomeActionIds } from '../lambda/slack-bot/app-home/home-view';
import { PREFERENCES_CALLBACK_ID, SubmittedState } from '../lambda/slack-bot/app-home/preferences-modal';
import appHomeOpened from '../test/fixtures/slack/event-app-home-opened.json';
import startPrepPayload from '../test/fixtures/slack/block-actions-start-prep.json';
import viewSubmission from '../test/fixtures/slack/view-submission-preferences.json';
import { newTriggerId } from './slack-requests';

const DEFAULT_USER = appHomeOpened.event.user;
const HOME_VIEW_ID = appHomeOpened.event.view.id;

const eventId = (): string => `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`;
const payloadBody = (payload: unknown): string => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

/** `app_home_opened` (Events API JSON) for a user, with a fresh event id. */
export function homeOpenedBody(userId: string = DEFAULT_USER, id: string = eventId()): string {
  return JSON.stringify({ ...appHomeOpened, event_id: id, event: { ...appHomeOpened.event, user: userId } });
}

/** A Home tab button. */
export type HomeButton =
  | typeof HomeActionIds.StartPrep
  | typeof HomeActionIds.RemindLater
  | typeof HomeActionIds.CancelReminder
  | typeof HomeActionIds.OpenPreferences;

function homeClick(userId: string, action: Record<string, unknown>, triggerId: string): string {
  const {
    channel: _channel,
    message: _message,
    response_url: _url,
    ...rest
  } = startPrepPayload as Record<string, unknown>;
  return payloadBody({
    ...rest,
    user: { ...startPrepPayload.user, id: userId },
    trigger_id: triggerId,
    container: { type: 'view', view_id: HOME_VIEW_ID },
    view: { id: HOME_VIEW_ID, type: 'home' },
    actions: [{ block_id: 'home', action_ts: '1795704100.000100', ...action }],
  });
}

/** A click on a Home tab button (`value`: the button's, e.g. `{"meeting_id","user_id"}`), with a fresh trigger id. */
export function homeButtonBody(
  actionId: HomeButton,
  value: string,
  options: { userId?: string; triggerId?: string } = {},
): string {
  return homeClick(
    options.userId ?? DEFAULT_USER,
    { type: 'button', action_id: actionId, value, text: { type: 'plain_text', text: actionId } },
    options.triggerId ?? newTriggerId(),
  );
}

/** The Home tab's switches changed: `selected` are the ticked values (`prep_reminders`, `digest`). */
export function homeSwitchesBody(selected: readonly string[], options: { userId?: string } = {}): string {
  return homeClick(
    options.userId ?? DEFAULT_USER,
    {
      type: 'checkboxes',
      action_id: HomeActionIds.PreferenceSwitches,
      selected_options: selected.map((value) => ({ value })),
    },
    newTriggerId(),
  );
}

/** The preferences modal submitted with `values` (`view.state.values`), by a user. */
export function preferencesSubmissionBody(
  values: SubmittedState,
  options: { userId?: string; viewId?: string } = {},
): string {
  return payloadBody({
    ...viewSubmission,
    user: { ...viewSubmission.user, id: options.userId ?? viewSubmission.user.id },
    trigger_id: newTriggerId(),
    view: {
      ...viewSubmission.view,
      id: options.viewId ?? `V${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
      callback_id: PREFERENCES_CALLBACK_ID,
      hash: `${Math.floor(Date.now() / 1000)}.${Math.random().toString(36).slice(2, 10)}`,
      state: { values },
    },
  });
}
