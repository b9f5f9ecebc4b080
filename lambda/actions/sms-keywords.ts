/**
 * What an inbound SMS asks for. PREP and LATER (any case, surrounding spaces or punctuation, an optional meeting
 * number: "prep 2", "Later #2.") act as the Slack buttons do; Twilio's own keywords (opt-out, opt-in, help) are
 * recognised so the service can respect them; anything else is unknown. Pure.
 */
import type { PrepActionName } from './action';

/** Twilio's default opt-out keywords: Twilio answers them and blocks further messages to the sender. */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
] as const;
/** Twilio's default opt-in keywords: Twilio answers them and lets messages through again. */
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;
/** Twilio's default help keywords: Twilio answers them. */
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

/** A parsed inbound SMS. */
export type SmsCommand =
  | { readonly kind: 'action'; readonly action: PrepActionName; readonly number?: number }
  | { readonly kind: 'opt_out' }
  | { readonly kind: 'opt_in' }
  | { readonly kind: 'twilio_help' }
  | { readonly kind: 'unknown' };

const KEYWORD_ACTIONS: Readonly<Record<string, PrepActionName>> = { PREP: 'start_prep', LATER: 'remind_later' };

/** The body without surrounding spaces and punctuation (quotes, dots, exclamation marks, emoji…), upper-cased. */
function normalise(body: string): string {
  return body
    .normalize('NFKC')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .replace(/\s+/g, ' ')
    .toUpperCase();
}

/** Parses an inbound SMS body. */
export function parseSmsCommand(body: string): SmsCommand {
  const text = normalise(body);
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(text)) return { kind: 'opt_out' };
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(text)) return { kind: 'opt_in' };
  if ((HELP_KEYWORDS as readonly string[]).includes(text)) return { kind: 'twilio_help' };
  const match = /^(PREP|LATER)(?:\s*(?:#|NO\.?|N°)?\s*([1-9]))?$/u.exec(text);
  if (!match) return { kind: 'unknown' };
  const action = KEYWORD_ACTIONS[match[1] as string] as PrepActionName;
  return match[2] ? { kind: 'action', action, number: Number(match[2]) } : { kind: 'action', action };
}
