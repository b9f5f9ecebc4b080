/**
 * The sentences the action core answers with, in the words of the channel the person acted from. Pure.
 */
import { escapeMrkdwn } from '../channels/slack/mrkdwn';
import type { Meeting } from '../shared/domain';
import { defuseUrls } from '../shared/text';
import type { ActionChannel, KitChannel, PrepActionRequest } from './action';

/**
 * The meeting as a person names it in a plain sentence: its title, or "your meeting"; in the channel's safe form
 * (anyone who invites the executive sets the title): escaped for Slack's mrkdwn, defused for an SMS (a phone
 * would make a link of an address in it), as written for a page (escaped as HTML there; browsers link nothing).
 */
export function named(meeting: Meeting, via: ActionChannel): string {
  const title = meeting.title?.trim();
  if (!title) return 'your meeting';
  const quoted = `"${title.length > 60 ? `${title.slice(0, 59)}…` : title}"`;
  if (via === 'sms') return defuseUrls(quoted);
  return via === 'slack' ? escapeMrkdwn(quoted) : quoted;
}

/** Where the person finds the session they already have. */
export function whereInProgress(via: ActionChannel): string {
  return via === 'slack'
    ? 'Check your direct messages with me.'
    : 'Your prep kit is in your Slack direct messages with me, or in your email.';
}

/** The answer to a Start Prep on a meeting whose prep is under way. */
export function inProgressText(request: PrepActionRequest, meeting: Meeting): string {
  return `Prep is already in progress for ${request.via === 'slack' ? 'this meeting' : named(meeting, request.via)}. ${whereInProgress(request.via)}`;
}

/** The answer when the meeting has begun. */
export const STARTED_TEXT = 'This meeting has already started.';

/** How to start prep instead, in the channel's words. */
export function prepNowHint(via: ActionChannel): string {
  if (via === 'sms') return 'Reply PREP to prep now.';
  if (via === 'email') return 'Use Start Prep in the email to prep now.';
  return 'Click Start Prep to prep now.';
}

/** Where the person finds their kit. */
export function kitSentence(kitVia: KitChannel): string {
  return kitVia === 'slack'
    ? 'Your prep kit is in your Slack direct messages with me.'
    : 'Your prep kit is on its way to your email.';
}
