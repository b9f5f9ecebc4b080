/**
 * What a signed Slack body is: one of the payloads the bot serves, parsed by its schema, or ignored with a reason
 * (the webhook answers 200 and does nothing; the reason is the metric's dimension). Pure.
 */
import { HomeActionIds } from './app-home/home-view';
import { PREFERENCES_CALLBACK_ID } from './app-home/preferences-modal';
import {
  type BlockActions,
  blockActionsSchema,
  HOME_BUTTON_IDS,
  type HomeActions,
  type HomeOpenedEnvelope,
  homeActionsSchema,
  homeOpenedEnvelopeSchema,
  MEETINGS_COMMAND,
  type MessageEnvelope,
  messageEnvelopeSchema,
  PREP_BUTTON_IDS,
  type PreferencesSubmission,
  preferencesSubmissionSchema,
  type SlashCommand,
  slashCommandSchema,
} from './payload-schemas';

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

const HOME_ACTIONS: readonly string[] = [...HOME_BUTTON_IDS, HomeActionIds.PreferenceSwitches];

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
  if (!(PREP_BUTTON_IDS as readonly unknown[]).includes(actionId)) {
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
