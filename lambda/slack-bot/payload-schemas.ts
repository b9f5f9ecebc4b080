/**
 * The shapes of the Slack payloads the bot serves, checked with zod before anything acts on them: a slash command,
 * `block_actions` on one of the bot's buttons, and an Events API `message` in the bot's DM. A payload that is not
 * one of those, or lacks what the bot needs to act on it, is classified as ignored with a reason (the webhook answers
 * 200 and does nothing). Only the parsed fields, unknown ones dropped, go on to Bolt. Pure.
 */
// zod/mini: the same checks with a tree-shakable API; the full `zod` adds ~450 KB to the webhook's bundle.
import * as z from 'zod/mini';
import { DIGEST_START_PREP_ACTION } from './digest';
import { ActionIds } from '../channels/slack/messages';
import { HomeActionIds } from './app-home/home-view';
import { PREFERENCES_CALLBACK_ID } from './app-home/preferences-modal';

/** The slash command the bot serves. */
export const MEETINGS_COMMAND = '/meetings';

const slackId = z.string().check(z.regex(/^[A-Z0-9][A-Z0-9_-]{1,63}$/));
const slackTs = z.string().check(z.regex(/^\d{1,12}\.\d{1,9}$/));
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
  trigger_id: z.optional(text(256)),
  api_app_id: z.optional(slackId),
});
export type SlashCommand = z.infer<typeof slashCommandSchema>;

const buttonActionSchema = z.object({
  type: z.literal('button'),
  action_id: z.enum([ActionIds.StartPrep, ActionIds.RemindLater, DIGEST_START_PREP_ACTION]),
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
    trigger_id: z.string().check(z.minLength(1), z.maxLength(256)),
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

const HOME_BUTTONS = [
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
  trigger_id: z.string().check(z.minLength(1), z.maxLength(256)),
  container: z.object({ type: z.literal('view'), view_id: z.optional(text(64)) }),
  view: z.nullish(z.object({ id: text(64), type: z.literal('home') })),
  actions: z.tuple([
    z.union([
      z.object({
        type: z.literal('button'),
        action_id: z.enum(HOME_BUTTONS),
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
  trigger_id: z.optional(text(256)),
  view: z.object({
    id: text(64),
    type: z.literal('modal'),
    callback_id: z.literal(PREFERENCES_CALLBACK_ID),
    private_metadata: z.optional(text(3000)),
    hash: z.optional(text(128)),
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

/** Why a signed request is answered 200 with nothing done (the `Reason` of the metric). */
export type IgnoreReason =
  | 'app_rate_limited'
  | 'unknown_command'
  | 'invalid_command'
  | 'unknown_action'
  | 'invalid_action'
  | 'unsupported_interaction'
  | 'unsupported_event'
  | 'not_a_user_dm'
  | 'invalid_event'
  | 'unknown_payload';

/** What a signed, parsed body is. */
export type ClassifiedPayload =
  | { readonly kind: 'command'; readonly payload: SlashCommand }
  | { readonly kind: 'action'; readonly payload: BlockActions }
  | { readonly kind: 'message'; readonly payload: MessageEnvelope }
  | { readonly kind: 'home_opened'; readonly payload: HomeOpenedEnvelope }
  | { readonly kind: 'home_action'; readonly payload: HomeActions }
  | { readonly kind: 'view_submission'; readonly payload: PreferencesSubmission }
  | { readonly kind: 'ignore'; readonly reason: IgnoreReason; readonly detail?: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const problem = (error: {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}): string =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
    .join('; ');

function classifyEvent(body: Readonly<Record<string, unknown>>): ClassifiedPayload {
  const event = body['event'];
  if (isRecord(event) && event['type'] === 'app_home_opened') {
    if (event['tab'] !== 'home')
      return {
        kind: 'ignore',
        reason: 'unsupported_event',
        detail: `app_home_opened:${String(event['tab']).slice(0, 32)}`,
      };
    const parsed = homeOpenedEnvelopeSchema.safeParse(body);
    return parsed.success
      ? { kind: 'home_opened', payload: parsed.data }
      : { kind: 'ignore', reason: 'invalid_event', detail: problem(parsed.error) };
  }
  if (!isRecord(event) || event['type'] !== 'message')
    return { kind: 'ignore', reason: 'unsupported_event', detail: isRecord(event) ? String(event['type']) : undefined };
  if (event['channel_type'] !== 'im' || event['subtype'] != null || event['bot_id'] != null)
    return { kind: 'ignore', reason: 'not_a_user_dm' };
  const parsed = messageEnvelopeSchema.safeParse(body);
  return parsed.success
    ? { kind: 'message', payload: parsed.data }
    : { kind: 'ignore', reason: 'invalid_event', detail: problem(parsed.error) };
}

const HOME_ACTIONS: readonly string[] = [...HOME_BUTTONS, HomeActionIds.PreferenceSwitches];

function classifySubmission(body: Readonly<Record<string, unknown>>): ClassifiedPayload {
  const view = body['view'];
  const callbackId = isRecord(view) ? view['callback_id'] : undefined;
  if (callbackId !== PREFERENCES_CALLBACK_ID)
    return {
      kind: 'ignore',
      reason: 'unsupported_interaction',
      detail: `view_submission:${String(callbackId).slice(0, 64)}`,
    };
  const parsed = preferencesSubmissionSchema.safeParse(body);
  return parsed.success
    ? { kind: 'view_submission', payload: parsed.data }
    : { kind: 'ignore', reason: 'invalid_action', detail: problem(parsed.error) };
}

function classifyAction(body: Readonly<Record<string, unknown>>): ClassifiedPayload {
  const actions = body['actions'];
  const first: unknown = Array.isArray(actions) ? actions[0] : undefined;
  const actionId = isRecord(first) ? first['action_id'] : undefined;
  if ((HOME_ACTIONS as readonly unknown[]).includes(actionId)) {
    const parsed = homeActionsSchema.safeParse(body);
    return parsed.success
      ? { kind: 'home_action', payload: parsed.data }
      : { kind: 'ignore', reason: 'invalid_action', detail: problem(parsed.error) };
  }
  if (actionId !== ActionIds.StartPrep && actionId !== ActionIds.RemindLater && actionId !== DIGEST_START_PREP_ACTION) {
    return {
      kind: 'ignore',
      reason: 'unknown_action',
      detail: typeof actionId === 'string' ? actionId.slice(0, 64) : undefined,
    };
  }
  const parsed = blockActionsSchema.safeParse(body);
  return parsed.success
    ? { kind: 'action', payload: parsed.data }
    : { kind: 'ignore', reason: 'invalid_action', detail: problem(parsed.error) };
}

/** Classifies a signed body (url_verification and ssl_check are answered before this). */
export function classifyPayload(body: Readonly<Record<string, unknown>>): ClassifiedPayload {
  if (body['command'] !== undefined) {
    if (body['command'] !== MEETINGS_COMMAND)
      return { kind: 'ignore', reason: 'unknown_command', detail: String(body['command']).slice(0, 64) };
    const parsed = slashCommandSchema.safeParse(body);
    return parsed.success
      ? { kind: 'command', payload: parsed.data }
      : { kind: 'ignore', reason: 'invalid_command', detail: problem(parsed.error) };
  }
  switch (body['type']) {
    case 'app_rate_limited':
      return { kind: 'ignore', reason: 'app_rate_limited' };
    case 'event_callback':
      return classifyEvent(body);
    case 'block_actions':
      return classifyAction(body);
    case 'view_submission':
      return classifySubmission(body);
    case 'view_closed':
    case 'shortcut':
    case 'message_action':
    case 'block_suggestion':
      return { kind: 'ignore', reason: 'unsupported_interaction', detail: String(body['type']) };
    default:
      return {
        kind: 'ignore',
        reason: 'unknown_payload',
        detail: typeof body['type'] === 'string' ? body['type'].slice(0, 64) : undefined,
      };
  }
}
