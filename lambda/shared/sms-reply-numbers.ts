/**
 * Which meeting an SMS reply means. Each prep SMS gets a small number (1 to 9) for its meeting, kept on the
 * user's item (`sms_reply_numbers`: number → {meeting, when sent, by which execution, start time}) while the
 * meeting awaits prep. The SMS shows the number ("Reply PREP 2 …") only when another of the user's meetings is
 * awaiting a reply too; a bare "PREP" means the most recently texted meeting still awaiting prep. A meeting keeps
 * its number while pending (a reminder SMS reuses it); a number is given back when its meeting is prepped,
 * cancelled or has begun. Pure: the repository (sms-reply-book.ts) reads and writes the item.
 */
import { Meeting, MeetingStatus } from './domain';

/** The most meetings numbered at once; beyond it the oldest number is reused. */
export const MAX_REPLY_NUMBERS = 9;

/** One numbered meeting. */
export interface ReplyNumberEntry {
  readonly meeting_id: string;
  /** When the SMS naming it was sent (ISO 8601). */
  readonly sent_at: string;
  /** The execution that sent it: a retry of that execution's SMS reuses the entry as it is, text included. */
  readonly execution: string;
  /** Whether the SMS showed the number. */
  readonly shown: boolean;
  /** The meeting's start: after it the number is free. */
  readonly start_time: string;
}

/** The user's numbered meetings, keyed by number ("1" … "9"). */
export type ReplyNumbers = Readonly<Record<string, ReplyNumberEntry>>;

/** The number an SMS carries, and the map to store. */
export interface ReplyNumberAssignment {
  readonly number: number;
  /** Show the number in the SMS (another meeting awaits a reply too). */
  readonly shown: boolean;
  /** The map to store; undefined when nothing changes (a retry of the same execution). */
  readonly next?: ReplyNumbers;
}

/** The numbered entries, valid numbers only, most recently texted first. */
export function replyEntries(numbers: ReplyNumbers | undefined): { number: number; entry: ReplyNumberEntry }[] {
  return Object.entries(numbers ?? {})
    .map(([key, entry]) => ({ number: Number(key), entry }))
    .filter(
      ({ number, entry }) =>
        Number.isInteger(number) && number >= 1 && number <= MAX_REPLY_NUMBERS && typeof entry?.meeting_id === 'string',
    )
    .sort((a, b) => (b.entry.sent_at ?? '').localeCompare(a.entry.sent_at ?? '') || a.number - b.number);
}

/** Whether a meeting still awaits a prep reply: notified (PREP_SCHEDULED) and not yet begun. */
export function awaitingPrep(meeting: Meeting | undefined, now: Date): meeting is Meeting {
  return meeting?.status === MeetingStatus.PrepScheduled && Date.parse(meeting.start_time) > now.getTime();
}

/**
 * Numbers the meeting an SMS is about to be sent for. `pending(meetingId)` says whether another numbered meeting
 * still awaits prep (its number is kept); the others' numbers are freed. Deterministic: the meeting's own number if
 * it has one, else the smallest free one, else (nine pending) the number of the one texted longest ago.
 */
export function assignReplyNumber(
  numbers: ReplyNumbers | undefined,
  meeting: Pick<Meeting, 'meeting_id' | 'start_time'>,
  execution: string,
  now: Date,
  pending: (meetingId: string) => boolean,
): ReplyNumberAssignment {
  const entries = replyEntries(numbers);
  const own = entries.find((e) => e.entry.meeting_id === meeting.meeting_id);
  if (own && own.entry.execution === execution) return { number: own.number, shown: own.entry.shown };
  let others = entries.filter((e) => e.entry.meeting_id !== meeting.meeting_id && pending(e.entry.meeting_id));
  let number = own?.number;
  if (number === undefined) {
    const taken = new Set(others.map((e) => e.number));
    number = Array.from({ length: MAX_REPLY_NUMBERS }, (_, i) => i + 1).find((n) => !taken.has(n));
  }
  if (number === undefined) {
    const oldest = others[others.length - 1] as (typeof others)[number];
    number = oldest.number;
    others = others.filter((e) => e !== oldest);
  }
  const shown = others.length > 0;
  const entry: ReplyNumberEntry = {
    meeting_id: meeting.meeting_id,
    sent_at: now.toISOString(),
    execution,
    shown,
    start_time: meeting.start_time,
  };
  const next: Record<string, ReplyNumberEntry> = Object.fromEntries(others.map((e) => [String(e.number), e.entry]));
  next[String(number)] = entry;
  return { number, shown, next };
}

/**
 * The meeting ids a reply may mean, in order of preference: the one numbered `number`, or every numbered meeting,
 * most recently texted first.
 */
export function replyCandidates(numbers: ReplyNumbers | undefined, number?: number): string[] {
  const entries = replyEntries(numbers);
  return (number === undefined ? entries : entries.filter((e) => e.number === number)).map((e) => e.entry.meeting_id);
}

/**
 * The meeting a reply applies to, from the candidates' items (same order, undefined when gone): the first one still
 * awaiting prep; else the first that exists, so the action core says what became of it (prep already under way,
 * the meeting has begun). Undefined when there is none.
 */
export function pickReplyMeeting(candidates: readonly (Meeting | undefined)[], now: Date): Meeting | undefined {
  return candidates.find((m) => awaitingPrep(m, now)) ?? candidates.find((m): m is Meeting => m !== undefined);
}
