/**
 * The two buttons of the prep message (and of `/meetings`, the Home tab and the digest): Start Prep and Remind Me in
 * 2 Hours, decided before the webhook answers by the action core every channel shares (`lambda/actions/core.ts`).
 * This module reads the button and queues what the clicker then sees (the replaced message, a private line).
 */
import { runPrepAction } from '../actions/core';
import type { PrepActionName, PrepActionOutcome, PrepActionRequest } from '../actions/action';
import { PrepButtonValue } from '../channels/slack/messages';
import { BotDeps } from './deps';
import { BotMessage, reminderReplacement } from './views';
import { ClickTarget, WorkJob } from '../actions/work-jobs';

/** A click on one of the buttons. */
export interface PrepClick {
  /** Who clicked. */
  readonly userId: string;
  /** The button's `value`. */
  readonly value: string | undefined;
  /** Where the click happened, for the answer. */
  readonly target: ClickTarget;
  /** The interaction's own id (`trigger_id`): the queue drops a repeat of it. */
  readonly interactionId: string;
}

/** What a click did, for logs and tests. */
export type ClickOutcome = PrepActionOutcome | 'invalid_value';

const ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Parses a button value (`{"meeting_id","user_id"}` JSON). Pure. */
export function parseButtonValue(value: string | undefined): PrepButtonValue | undefined {
  try {
    const parsed: unknown = JSON.parse(value ?? '');
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { meeting_id: meetingId, user_id: userId } = parsed as Record<string, unknown>;
    return typeof meetingId === 'string' && ID.test(meetingId) && typeof userId === 'string' && ID.test(userId)
      ? { meeting_id: meetingId, user_id: userId }
      : undefined;
  } catch {
    return undefined;
  }
}

function replyJob(click: PrepClick, now: Date, reply: { replace?: BotMessage; tell?: BotMessage }): WorkJob {
  return { kind: 'click_reply', user_id: click.userId, target: click.target, clicked_at: now.toISOString(), ...reply };
}

/** The click as the action core's request; undefined when the button's value names no meeting. */
function requestFor(action: PrepActionName, click: PrepClick): PrepActionRequest | undefined {
  const value = parseButtonValue(click.value);
  if (!value) return undefined;
  return {
    action,
    meetingId: value.meeting_id,
    userId: click.userId,
    via: 'slack',
    requestId: click.interactionId,
    slackTarget: click.target,
  };
}

const INVALID_VALUE_TEXT = "Sorry, I couldn't tell which meeting that button is for.";

/**
 * Start Prep (`lambda/actions/core.ts` decides and queues the DM and the replacement); any other outcome is told to
 * the clicker, where they clicked.
 */
export async function startPrep(deps: BotDeps, click: PrepClick): Promise<ClickOutcome> {
  const request = requestFor('start_prep', click);
  if (!request) {
    await deps.queue.enqueue(replyJob(click, deps.now(), { tell: { text: INVALID_VALUE_TEXT } }), click.interactionId);
    return 'invalid_value';
  }
  const result = await runPrepAction(deps, request);
  if (result.outcome !== 'session_started')
    await deps.queue.enqueue(replyJob(click, deps.now(), { tell: { text: result.text } }), click.interactionId);
  return result.outcome;
}

/**
 * Remind Me in 2 Hours (decided by the core): the clicked message is replaced with when the reminder comes; a second
 * click reports the reminder already set.
 */
export async function remindLater(deps: BotDeps, click: PrepClick): Promise<ClickOutcome> {
  const request = requestFor('remind_later', click);
  const now = deps.now();
  if (!request) {
    await deps.queue.enqueue(replyJob(click, now, { tell: { text: INVALID_VALUE_TEXT } }), click.interactionId);
    return 'invalid_value';
  }
  const result = await runPrepAction(deps, request);
  const replace =
    result.meeting && result.reminderAt
      ? reminderReplacement(result.meeting, result.reminderAt, result.timeZone)
      : undefined;
  const reply =
    result.outcome === 'reminder_scheduled' && replace
      ? { replace }
      : { tell: { text: result.text }, ...(result.outcome === 'reminder_exists' && replace ? { replace } : {}) };
  await deps.queue.enqueue(replyJob(click, now, reply), click.interactionId);
  return result.outcome;
}
