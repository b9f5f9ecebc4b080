/**
 * Block Kit's limits (docs.slack.dev/reference/block-kit) and the wording shared by the Home tab and the
 * preferences modal. Pure.
 */
import { byChannel, type Channel } from '../../shared/channel-registry';
import type { QuietHours } from '../../shared/preferences';
import { hhMmToMinutes } from '../../shared/zoned-time';

/** The limits this folder builds within. */
export const BlockKitLimits = {
  homeBlocks: 100,
  modalBlocks: 100,
  messageBlocks: 50,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  actionsElements: 25,
  optionText: 75,
  optionValue: 150,
  modalTitle: 24,
  privateMetadata: 3000,
} as const;

const CHANNEL_WORDS: Readonly<Record<Channel, string>> = byChannel((spec) => spec.inText);

/** "Slack, then SMS, then email"; "Email only". */
export function channelOrderInWords(channels: readonly Channel[]): string {
  if (channels.length === 0) return 'No channel';
  const words = channels.map((c) => CHANNEL_WORDS[c]);
  const text = words.length === 1 ? `${words[0]} only` : words.join(', then ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "SMS and email"; "SMS, email and Slack"; "nothing". */
export function channelListInWords(channels: readonly Channel[]): string {
  const words = channels.map((c) => CHANNEL_WORDS[c]);
  if (words.length === 0) return 'nothing';
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** "07:30" → "7:30 AM". */
export function clockTimeInWords(hhmm: string): string {
  const minutes = hhMmToMinutes(hhmm);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

/** "9:00 PM to 7:00 AM (overnight)"; "1:00 PM to 3:00 PM". */
export function quietHoursInWords(q: QuietHours): string {
  const overnight = hhMmToMinutes(q.end) < hhMmToMinutes(q.start);
  return `${clockTimeInWords(q.start)} to ${clockTimeInWords(q.end)}${overnight ? ' (overnight)' : ''}`;
}
