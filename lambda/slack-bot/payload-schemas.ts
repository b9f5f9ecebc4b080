/**
 * The shapes of the Slack payloads the bot serves, checked with zod before anything acts on them: a slash command,
 * `block_actions` on one of the bot's buttons, and an Events API `message` in the bot's DM. A payload that is not
 * one of those, or lacks what the bot needs to act on it, is classified as ignored with a reason by
 * `classify-payload.ts` (the webhook answers 200 and does nothing). Only the parsed fields, unknown ones dropped, go
 * on to Bolt. Pure.
 */
// zod/mini: the same checks with a tree-shakable API; the full `zod` adds ~450 KB to the webhook's bundle.
import * as z from 'zod/mini';
import { DIGEST_START_PREP_ACTION } from './digest';
import { ActionIds } from '../channels/slack/messages';
import { HomeActionIds } from './app-home/home-view';
import { PREFERENCES_CALLBACK_ID } from './app-home/preferences-modal';

/** The slash command the bot serves. */
export const MEETINGS_COMMAND = '/meetings';

// Every id Slack sends is bounded and of Slack's alphabet before anything reads it: ids reach DynamoDB (keys, the
// claim of an interaction), SQS (deduplication ids) and logs. A payload with one that is not is ignored (200).
const slackId = z.string().check(z.regex(/^[A-Z0-9][A-Z0-9_-]{1,63}$/));
const slackTs = z.string().check(z.regex(/^\d{1,12}\.\d{1,9}$/));
/** `8094326180213.5819172483012.3f6b2a9c…`: digits, dots and hex, as Slack makes them. */
const triggerId = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/));
/** A view's `hash` (`1586376223.p8ra0eQb`). */
const viewHash = z.string().check(z.regex(/^[A-Za-z0-9._-]{1,128}$/));
const httpsUrl = z.url({ protocol: /^https?$/ }).check(z.maxLength(2048));
const text = (max: number) => z.string().check(z.maxLength(max));

/** `/meetings` as Slack posts it (form fields). */
export const slashCommandSchema = z.object({
  command: z.literal(MEETINGS_COMMAND),
  user_id: slackId,
  team_id: z.optional(slackId),
  channel_id: z.optional(slackId),
  text: z.optional(text(4000)),
  response_url: z.optional(httpsUrl),
  trigger_id: z.optional(triggerId),
  api_app_id: z.optional(slackId),
});
export type SlashCommand = z.infer<typeof slashCommandSchema>;

/** The buttons of the bot's prep messages and digest: the one list the schema and the classifier read. */
export const PREP_BUTTON_IDS = [ActionIds.StartPrep, ActionIds.RemindLater, DIGEST_START_PREP_ACTION] as const;

const buttonActionSchema = z.object({
  type: z.literal('button'),
  action_id: z.enum(PREP_BUTTON_IDS),
  block_id: z.optional(text(255)),
  value: z.optional(text(2000)),
  action_ts: z.optional(slackTs),
});

/** A click on Start Prep or Remind Me in 2 Hours. */
export const blockActionsSchema = z
  .object({
    type: z.literal('block_actions'),
    user: z.object({ id: slackId, team_id: z.optional(slackId) }),
    team: z.nullish(z.object({ id: slackId })),
    api_app_id: z.optional(slackId),
    trigger_id: triggerId,
    response_url: z.optional(httpsUrl),
    container: z.object({
      type: text(64),
      channel_id: z.optional(slackId),
      message_ts: z.optional(slackTs),
      is_ephemeral: z.optional(z.boolean()),
    }),
    channel: z.nullish(z.object({ id: slackId })),
    message: z.nullish(z.object({ ts: slackTs })),
    actions: z.tuple([buttonActionSchema]),
  })
  .check(
    // The bot must be able to answer: in the clicked message's channel, or through the response URL.
    z.refine(
      (p) =>
        p.response_url !== undefined ||
        Boolean((p.channel?.id ?? p.container.channel_id) && (p.message?.ts ?? p.container.message_ts)),
      {
        message: 'no way to answer the click: neither a channel and message ts nor a response_url',
      },
    ),
  );
export type BlockActions = z.infer<typeof blockActionsSchema>;

/** A person's new message in the bot's DM (no subtype: edits, deletions and bot posts are not served). */
export const directMessageSchema = z.object({
  type: z.literal('message'),
  channel_type: z.literal('im'),
  user: slackId,
  channel: slackId,
  ts: slackTs,
  text: z._default(text(40_000), ''),
  team: z.optional(slackId),
  event_ts: z.optional(slackTs),
});
export type DirectMessage = z.infer<typeof directMessageSchema>;

/** The Events API envelope of a DM. */
export const messageEnvelopeSchema = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().check(z.regex(/^Ev[A-Za-z0-9]{1,62}$/)),
  team_id: z.optional(slackId),
  api_app_id: z.optional(slackId),
  event_time: z.optional(z.int().check(z.nonnegative())),
  event: directMessageSchema,
});
export type MessageEnvelope = z.infer<typeof messageEnvelopeSchema>;

/** The Home tab's buttons. */
export const HOME_BUTTON_IDS = [
  HomeActionIds.StartPrep,
  HomeActionIds.RemindLater,
  HomeActionIds.CancelReminder,
  HomeActionIds.OpenPreferences,
] as const;

/** A click in the Home tab: one of its buttons, or the preference switches (checkboxes). */
export const homeActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: slackId, team_id: z.optional(slackId) }),
  team: z.nullish(z.object({ id: slackId })),
  api_app_id: z.optional(slackId),
  trigger_id: triggerId,
  container: z.object({ type: z.literal('view'), view_id: z.optional(slackId) }),
  view: z.nullish(z.object({ id: slackId, type: z.literal('home') })),
  actions: z.tuple([
    z.union([
      z.object({
        type: z.literal('button'),
        action_id: z.enum(HOME_BUTTON_IDS),
        block_id: z.optional(text(255)),
        value: z.optional(text(2000)),
        action_ts: z.optional(slackTs),
      }),
      z.object({
        type: z.literal('checkboxes'),
        action_id: z.literal(HomeActionIds.PreferenceSwitches),
        block_id: z.optional(text(255)),
        selected_options: z.array(z.object({ value: text(150) })).check(z.maxLength(10)),
        action_ts: z.optional(slackTs),
      }),
    ]),
  ]),
});
export type HomeActions = z.infer<typeof homeActionsSchema>;

const submittedValueSchema = z.object({
  type: text(64),
  selected_options: z.nullish(z.array(z.object({ value: text(150) })).check(z.maxLength(100))),
  selected_option: z.nullish(z.object({ value: text(150) })),
  selected_time: z.nullish(text(5)),
});

/** The preferences modal submitted. */
export const preferencesSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: slackId, team_id: z.optional(slackId) }),
  team: z.nullish(z.object({ id: slackId })),
  api_app_id: z.optional(slackId),
  trigger_id: z.optional(triggerId),
  view: z.object({
    id: slackId,
    type: z.literal('modal'),
    callback_id: z.literal(PREFERENCES_CALLBACK_ID),
    private_metadata: z.optional(text(3000)),
    hash: z.optional(viewHash),
    state: z.object({ values: z.record(text(255), z.record(text(255), submittedValueSchema)) }),
  }),
});
export type PreferencesSubmission = z.infer<typeof preferencesSubmissionSchema>;

/** The user opened the app's Home tab. */
export const homeOpenedEnvelopeSchema = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().check(z.regex(/^Ev[A-Za-z0-9]{1,62}$/)),
  team_id: z.optional(slackId),
  api_app_id: z.optional(slackId),
  event_time: z.optional(z.int().check(z.nonnegative())),
  event: z.object({
    type: z.literal('app_home_opened'),
    user: slackId,
    channel: z.optional(slackId),
    tab: z.literal('home'),
    event_ts: z.optional(slackTs),
  }),
});
export type HomeOpenedEnvelope = z.infer<typeof homeOpenedEnvelopeSchema>;
