import { CLAIMABLE_STATUSES, Meeting, MeetingStatus, REMINDABLE_STATUSES, User } from '../shared/domain';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Why an execution stops without sending anything. Recorded in the execution's output. */
export type SkipReason =
  | 'meeting_cancelled'
  | 'meeting_already_started'
  | 'not_awaiting_prep'
  | 'prep_already_started'
  | 'user_opted_out'
  | 'invalid_start_time'
  /** Another execution holds the claim: a duplicate or stale event. */
  | 'claim_lost';

/**
 * Decides whether a meeting should be notified now. Pure: the meeting item is the source of truth, the event's
 * hints are not consulted. Returns the reason to skip, or undefined to go on.
 *
 * - A cancelled meeting, or one that has begun, is never notified.
 * - A first notification needs the meeting in DISCOVERED or CLASSIFIED (anything else is a duplicate or stale
 *   event); a reminder also accepts PREP_SCHEDULED and stops once prep has started.
 * - A user who opted out of prep reminders gets none, except a reminder they asked for themselves.
 */
export function skipReason(meeting: Meeting, user: User, reminder: boolean, now: Date): SkipReason | undefined {
  if (meeting.status === MeetingStatus.Cancelled) return 'meeting_cancelled';
  // ISO 8601 with a zone only: Date.parse alone accepts free text and zone-less times (read as UTC on Lambda).
  const start = ISO_WITH_ZONE.test(meeting.start_time ?? '') ? Date.parse(meeting.start_time) : Number.NaN;
  if (Number.isNaN(start)) return 'invalid_start_time';
  if (start <= now.getTime()) return 'meeting_already_started';
  const status = (meeting.status ?? '') as MeetingStatus;
  if (reminder) {
    if (!REMINDABLE_STATUSES.includes(status)) return 'prep_already_started';
    return undefined;
  }
  if (!CLAIMABLE_STATUSES.includes(status)) return 'not_awaiting_prep';
  if (user.notification_preferences?.prep_reminders === false) return 'user_opted_out';
  return undefined;
}
