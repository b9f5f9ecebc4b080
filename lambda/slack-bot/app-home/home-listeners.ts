/**
 * The Bolt listeners of the Home tab: `app_home_opened` (queues the tab's publication), its buttons and switches,
 * and the preferences modal's `view_submission` (invalid input answered inline with `response_action: errors`).
 * Start Prep and Remind Me go through the same decisions as the message buttons.
 */
import type { App, BlockAction, ButtonAction, CheckboxesAction, ViewSubmitAction } from '@slack/bolt';
import { MetricNames, countMetric } from '../../shared/metrics';
import { guarded } from '../listener-scope';
import { BotDeps, ViewOpener } from '../deps';
import { ClickOutcome, PrepClick, remindLater, startPrep } from '../prep-actions';
import {
  HomeActionOutcome,
  UNKNOWN_USER_TEXT,
  cancelReminder,
  openPreferences,
  queueHomeRefresh,
  savePreferences,
  switchPreferences,
} from './home-actions';
import { DEFAULT_CHANNELS } from './home-tab';
import { HomeActionIds } from './home-view';
import {
  PREFERENCES_CALLBACK_ID,
  PreferenceBlocks,
  SubmittedState,
  parsePreferencesSubmission,
} from './preferences-modal';

/** Registers the Home tab's listeners on the app. */
export function registerHomeListeners(app: App, deps: BotDeps, openView: ViewOpener): void {
  app.event('app_home_opened', async ({ event, body, context }) =>
    guarded(
      context,
      async () => undefined,
      async () => {
        // Validated by the webhook (payload-schemas.ts): the Home tab, a user id, an event id.
        await queueHomeRefresh(deps, event.user, 'home_opened', body.event_id);
        countMetric(MetricNames.SlackInteractions, { Kind: 'app_home_opened' });
      },
    ),
  );

  const prepButton = (actionId: string, decide: (deps: BotDeps, click: PrepClick) => Promise<ClickOutcome>) =>
    app.action<BlockAction<ButtonAction>>(
      { type: 'block_actions', action_id: actionId },
      async ({ ack, body, action, context }) =>
        guarded(context, ack, async (ack) => {
          // A Home tab click has no message to replace: the answer, if any, comes as a DM, and the tab is refreshed.
          const click: PrepClick = {
            userId: body.user.id,
            value: action.value,
            target: { user_id: body.user.id, ephemeral: false },
            interactionId: body.trigger_id,
          };
          const outcome = await decide(deps, click);
          await ack();
          deps.logger.info('Home button handled', { action_id: actionId, outcome });
          countMetric(MetricNames.SlackInteractions, { Kind: actionId });
        }),
    );
  prepButton(HomeActionIds.StartPrep, startPrep);
  prepButton(HomeActionIds.RemindLater, remindLater);

  const homeAction = <A extends ButtonAction | CheckboxesAction>(
    actionId: string,
    decide: (body: BlockAction<A>, action: A) => Promise<HomeActionOutcome>,
  ) =>
    app.action<BlockAction>({ type: 'block_actions', action_id: actionId }, async ({ ack, body, action, context }) =>
      guarded(context, ack, async (ack) => {
        // The action id fixes the element's type (validated by the webhook, payload-schemas.ts).
        const outcome = await decide(body as BlockAction<A>, action as A);
        await ack();
        deps.logger.info('Home action handled', { action_id: actionId, outcome });
        countMetric(MetricNames.SlackInteractions, { Kind: actionId });
      }),
    );
  homeAction<ButtonAction>(HomeActionIds.CancelReminder, (body, action) =>
    cancelReminder(deps, { userId: body.user.id, value: action.value, interactionId: body.trigger_id }),
  );
  homeAction<ButtonAction>(HomeActionIds.OpenPreferences, (body) =>
    openPreferences(deps, openView, body.user.id, body.trigger_id),
  );
  homeAction<CheckboxesAction>(HomeActionIds.PreferenceSwitches, (body, action) =>
    switchPreferences(
      deps,
      body.user.id,
      action.selected_options.flatMap((o) => (o.value === undefined ? [] : [o.value])),
      body.trigger_id,
    ),
  );

  app.view<ViewSubmitAction>(
    { callback_id: PREFERENCES_CALLBACK_ID, type: 'view_submission' },
    async ({ ack, body, view, context }) =>
      guarded(context, ack, async (ack) => {
        const result = parsePreferencesSubmission(view.state.values as unknown as SubmittedState, DEFAULT_CHANNELS);
        if (!result.ok) {
          await ack(result.response);
          deps.logger.info('Preferences refused', { fields: Object.keys(result.response.errors) });
          countMetric(MetricNames.SlackInteractions, { Kind: 'preferences_invalid' });
          return;
        }
        // The view's id is unique per modal; a resubmission of the same one is the same save.
        const outcome = await savePreferences(deps, body.user.id, result.preferences, `${view.id}:${view.hash ?? ''}`);
        if (outcome === 'unknown_user') {
          await ack({ response_action: 'errors', errors: { [PreferenceBlocks.PrepReminders]: UNKNOWN_USER_TEXT } });
          return;
        }
        await ack();
        countMetric(MetricNames.SlackInteractions, { Kind: 'preferences_saved' });
      }),
  );
}
