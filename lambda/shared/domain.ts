/**
 * The domain of meeting-prep notifications: meetings, users, statuses, and the workflow's own data. Pure types and
 * constants; no I/O.
 */
import type { StoredPreferences } from './preferences';

/** Meeting status lifecycle, as the upstream system writes it. */
export const MeetingStatus = {
  Discovered: 'DISCOVERED',
  Classified: 'CLASSIFIED',
  PrepScheduled: 'PREP_SCHEDULED',
  PrepInProgress: 'PREP_IN_PROGRESS',
  PrepCompleted: 'PREP_COMPLETED',
  Completed: 'COMPLETED',
  Cancelled: 'CANCELLED',
} as const;
export type MeetingStatus = (typeof MeetingStatus)[keyof typeof MeetingStatus];

/** Statuses from which a first (non-reminder) notification may claim the meeting. */
export const CLAIMABLE_STATUSES: readonly MeetingStatus[] = [MeetingStatus.Discovered, MeetingStatus.Classified];

/** Statuses in which a reminder still notifies: prep has not started yet. */
export const REMINDABLE_STATUSES: readonly MeetingStatus[] = [...CLAIMABLE_STATUSES, MeetingStatus.PrepScheduled];

/** The meeting types upstream sends. */
export const MEETING_TYPES = [
  'leadership_team',
  'one_on_one',
  'reliability_review',
  'qbr',
  'executive_staff',
  'interview_debrief',
  'vendor_meeting',
  'all_hands',
  'unknown',
] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

import type { Channel } from './channel-registry';

export { CHANNELS, type Channel } from './channel-registry';

/** The default time zone of a user who has none. */
export const DEFAULT_TIMEZONE = 'America/New_York';

/** One attempt at one channel, as recorded on the meeting. */
export interface NotificationAttempt {
  readonly channel: Channel;
  readonly outcome:
    | 'delivered'
    | 'unconfirmed'
    | 'undelivered'
    | 'outcome_unknown'
    | 'unverified'
    | 'failed'
    | 'skipped'
    | 'retrying';
  readonly error_code?: string;
  readonly notification_id?: string;
  readonly at: string;
  readonly execution?: string;
}

/**
 * How a delivery ended: `DELIVERED` (a provider receipt, or Slack's `ok`), `UNCONFIRMED` (accepted, or the outcome
 * is unknown, and no receipt came in time; never resent), `FAILED` (every channel failed).
 */
export type NotificationStatus = 'DELIVERED' | 'UNCONFIRMED' | 'FAILED';

/**
 * What a NotifyVia* task recorded on the meeting before sending (one per channel, the latest execution's), so a
 * re-run of the task can tell "never sent" from "sent, outcome unknown".
 */
export interface DeliveryIntent {
  readonly execution: string;
  /** When the send started (ISO 8601). */
  readonly at: string;
  /**
   * `sending`: recorded before the request, no outcome yet; `accepted`: the provider took it (its id is known);
   * `delivered` / `undelivered`: a receipt came; `failed`: the send surely did not happen; `unverified`: the outcome
   * could not be checked within the task's attempts, so the workflow moved on to the next channel (it may have
   * arrived).
   */
  readonly state: 'sending' | 'accepted' | 'delivered' | 'undelivered' | 'failed' | 'unverified';
  readonly notification_id?: string;
  /** The Step Functions task token of the waiting task (SMS, email). */
  readonly task_token?: string;
  readonly error_code?: string;
}

/** Each channel's latest intent, `notification_intent_<channel>`. */
type ChannelIntents = Partial<Readonly<Record<`notification_intent_${Channel}`, DeliveryIntent>>>;

/** A meeting item (only the fields this service reads or writes are typed). */
export interface Meeting extends ChannelIntents {
  readonly meeting_id: string;
  readonly user_id: string;
  readonly title?: string;
  readonly description?: string;
  readonly start_time: string;
  readonly end_time?: string;
  readonly location?: string;
  readonly attendees?: readonly string[];
  readonly organizer?: string;
  readonly meeting_type?: string;
  readonly status?: string;
  readonly prep_hours_before?: number;
  /** The prep workflow's execution that claimed the meeting (PREP_SCHEDULED), when, and the status it took it from. */
  readonly prep_execution?: string;
  readonly prep_scheduled_at?: string;
  readonly prep_previous_status?: string;
  readonly chat_session_id?: string;
  /** When Start Prep claimed the meeting for `chat_session_id` (ISO; the worker creates that session with the kit). */
  readonly prep_started_at?: string;
  readonly notification_id?: string;
  readonly notification_channel?: Channel;
  readonly notification_sent_at?: string;
  readonly notification_status?: NotificationStatus;
  readonly notification_attempts?: readonly NotificationAttempt[];
  /** Channels the last delivering execution gave up on as unverifiable: they may have delivered too. */
  readonly notification_unverified_channels?: readonly Channel[];
  readonly created_at?: string;
  readonly updated_at?: string;
}

/** A user item. */
export interface User {
  readonly user_id: string;
  readonly email?: string;
  readonly name?: string;
  readonly phone_number?: string;
  readonly timezone?: string;
  /** As stored; read it through `readPreferences` (lambda/shared/preferences.ts), which validates and defaults. */
  readonly notification_preferences?: StoredPreferences;
}

/**
 * What the workflow carries about a meeting from state to state: what rendering a message needs, nothing more.
 * Contact details (phone, email) stay in DynamoDB, out of the execution history: the senders read them.
 */
export interface MeetingSummary {
  readonly meeting_id: string;
  readonly user_id: string;
  readonly title: string;
  readonly meeting_type: MeetingType;
  readonly start_time: string;
  readonly end_time?: string;
  readonly attendee_count: number;
  readonly status: string;
  readonly location?: string;
}

/** What the workflow carries about the user. */
export interface RecipientSummary {
  readonly user_id: string;
  readonly name?: string;
  readonly timezone: string;
  readonly has_phone: boolean;
  readonly has_email: boolean;
}

/** Coerces any string to a known meeting type (`unknown` otherwise). */
export function toMeetingType(value: string | undefined): MeetingType {
  return (MEETING_TYPES as readonly string[]).includes(value ?? '') ? (value as MeetingType) : 'unknown';
}

/** The meeting type in words ("leadership_team" → "Leadership team"; QBR stays an acronym). */
export function meetingTypeInWords(type: MeetingType): string {
  const words: Record<MeetingType, string> = {
    leadership_team: 'Leadership team',
    one_on_one: 'One-on-one',
    reliability_review: 'Reliability review',
    qbr: 'Quarterly business review',
    executive_staff: 'Executive staff',
    interview_debrief: 'Interview debrief',
    vendor_meeting: 'Vendor meeting',
    all_hands: 'All-hands',
    unknown: 'Meeting',
  };
  return words[type];
}

const checkedTimeZones = new Map<string, boolean>();

/** Whether a string is a valid IANA time zone on this runtime. */
export function isValidTimeZone(tz: string): boolean {
  const known = checkedTimeZones.get(tz);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    valid = true;
  } catch {
    valid = false;
  }
  // Building a DateTimeFormat is costly and every click asks: answers are kept (bounded, as the strings are data).
  if (checkedTimeZones.size >= 500) checkedTimeZones.clear();
  checkedTimeZones.set(tz, valid);
  return valid;
}

/** The user's time zone, or the default when it is missing or unknown. */
export function timeZoneOf(user: Pick<User, 'timezone'> | undefined): string {
  return user?.timezone && isValidTimeZone(user.timezone) ? user.timezone : DEFAULT_TIMEZONE;
}

/** Builds the summaries the workflow carries from the stored items. */
export function summarize(meeting: Meeting, user: User): { meeting: MeetingSummary; user: RecipientSummary } {
  const tz = timeZoneOf(user);
  return {
    meeting: {
      meeting_id: meeting.meeting_id,
      user_id: meeting.user_id,
      title: meeting.title?.trim() || 'Untitled meeting',
      meeting_type: toMeetingType(meeting.meeting_type),
      start_time: meeting.start_time,
      ...(meeting.end_time ? { end_time: meeting.end_time } : {}),
      attendee_count: meeting.attendees?.length ?? 0,
      status: meeting.status ?? 'UNKNOWN',
      ...(meeting.location ? { location: meeting.location } : {}),
    },
    user: {
      user_id: user.user_id,
      ...(user.name ? { name: user.name } : {}),
      timezone: tz,
      has_phone: Boolean(user.phone_number),
      has_email: Boolean(user.email),
    },
  };
}
