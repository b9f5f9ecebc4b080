/**
 * SMS text as carriers bill it. A message is GSM-7 (160 characters in one segment, 153 per part when split; the
 * extension characters `^{}\[~]|€` take two) unless one character is outside that alphabet, which turns the whole
 * message into UCS-2 (70, or 67 per part, counted in UTF-16 units). Typographic quotes and dashes are replaced
 * with their GSM equivalents so a title pasted from a calendar does not triple the cost. Pure.
 */
import { ReminderLabels } from '../../shared/reminder-policy';
import { defuseUrls } from '../../shared/text';
import { formatLocalDateTime } from '../../shared/time';
import type { FallbackOptions, PrepNotice } from '../notice';

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';
const GSM_BASIC_SET = new Set(Array.from(GSM_BASIC));
const GSM_EXTENSION_SET = new Set(Array.from(GSM_EXTENSION));

/** The most segments a prep SMS may take. */
export const MAX_SMS_SEGMENTS = 2;

/** How a text is encoded and billed. */
export interface SmsSegments {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  readonly units: number;
  readonly segments: number;
}

const REPLACEMENTS: readonly [RegExp, string][] = [
  [/[\u2018\u2019\u201A\u201B\u2032\u00B4\u0060]/g, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, ' '],
  [/[\u2022\u00B7]/g, '-'],
  [/[\u200B-\u200D\u2060]|\uFE0E|\uFE0F/g, ''],
];

/** Replaces typographic punctuation with GSM-7 equivalents and removes invisible characters. */
export function toGsmPunctuation(text: string): string {
  return REPLACEMENTS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** Whether every character is in the GSM-7 alphabet (basic or extension). */
export function isGsm7(text: string): boolean {
  return Array.from(text).every((c) => GSM_BASIC_SET.has(c) || GSM_EXTENSION_SET.has(c));
}

/** Encoding, size and number of segments of a text. */
export function smsSegments(text: string): SmsSegments {
  if (isGsm7(text)) {
    const units = Array.from(text).reduce((n, c) => n + (GSM_EXTENSION_SET.has(c) ? 2 : 1), 0);
    return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/**
 * A title in GSM-7 where that loses nothing a reader needs: accents the alphabet lacks are dropped (ł → l,
 * ć → c), emoji removed. Undefined when the title is in a script GSM-7 cannot write (it stays UCS-2).
 */
function gsmTitle(title: string): string | undefined {
  const stripped = Array.from(title.normalize('NFD'))
    .filter((c) => !/\p{M}/u.test(c) || GSM_BASIC_SET.has(c))
    .join('')
    .normalize('NFC')
    .replace(/\p{Extended_Pictographic}/gu, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
  const kept = Array.from(stripped).map((c) =>
    GSM_BASIC_SET.has(c) || GSM_EXTENSION_SET.has(c)
      ? c
      : (({ ł: 'l', Ł: 'L', đ: 'd', Đ: 'D' } as Record<string, string>)[c] ?? '\u0000'),
  );
  if (kept.includes('\u0000')) return undefined;
  return kept.join('') || undefined;
}

/** Cuts to the longest prefix (whole code points) whose text fits `fits`, ending with "..." when cut. */
function cutToFit(title: string, fits: (candidate: string) => boolean): string {
  if (fits(title)) return title;
  const chars = Array.from(title);
  for (let n = chars.length - 1; n > 0; n--) {
    const candidate = `${chars.slice(0, n).join('').trimEnd()}...`;
    if (fits(candidate)) return candidate;
  }
  return '...';
}

/** How the SMS may be answered (`POST /twilio/sms`). */
export interface SmsReplyHint {
  /** The meeting's number, shown when several of the user's meetings await a reply ("Reply PREP 2 …"). */
  readonly number?: number;
}

/** Options of {@link renderSms}. */
export interface SmsOptions extends FallbackOptions {
  /** @default undefined: the SMS says nothing about replying */
  readonly reply?: SmsReplyHint;
}

/** The closing line of an SMS that can be answered: "Reply PREP to start, LATER for a reminder in 2 hours." */
export function replyInstruction(hint: SmsReplyHint): string {
  const n = hint.number === undefined ? '' : ` ${hint.number}`;
  return `Reply PREP${n} to start, LATER${n} for a reminder ${ReminderLabels.inText}.`;
}

/**
 * The prep SMS: title, local time, and how to act on it: by replying (PREP / LATER, when `reply` is given), or in
 * Slack when the Slack message arrived. An address in the title is defused (`hxxps://evil[.]example`): phones make
 * links of them, and this one would come under the assistant's name. One segment when the title allows it, never more than
 * {@link MAX_SMS_SEGMENTS}: the title is cut (with "...", which GSM-7 has, unlike "…"), never the instruction.
 */
export function renderSms(notice: PrepNotice, options: SmsOptions = {}): string {
  const when = formatLocalDateTime(notice.meeting.start_time, notice.user.timezone).replace(/,/g, '');
  const lead = notice.reminder ? 'Reminder you asked for' : 'Meeting prep';
  const tail = options.reply
    ? `, ${when}. ${replyInstruction(options.reply)}`
    : options.slackDelivered
      ? `, ${when}. To prep, open Slack > Start Prep Session.`
      : `, ${when}.`;
  // The title is defused last, on whatever is shown of it (whole or cut), so no cut can leave a tappable address.
  const compose = (title: string) => toGsmPunctuation(`${lead}: ${defuseUrls(title)}${tail}`);
  const title = toGsmPunctuation(notice.meeting.title);
  const gsm = isGsm7(title) ? title : gsmTitle(title);
  if (gsm !== undefined) {
    return compose(cutToFit(gsm, (t) => smsSegments(compose(t)).segments === 1));
  }
  return compose(cutToFit(title, (t) => smsSegments(compose(t)).segments <= MAX_SMS_SEGMENTS));
}

const E164 = /^\+[1-9]\d{7,14}$/;
/** North American numbers have exactly ten digits after `+1`. */
const NANP = /^\+1\d{10}$/;

/** Whether a phone number is E.164 (`+` and 8 to 15 digits; exactly 10 after `+1`). */
export function isE164(phone: string): boolean {
  return E164.test(phone) && (!phone.startsWith('+1') || NANP.test(phone));
}
