/**
 * TEMPORARY: the shared action core's interface (issue 12 §1) until lambda/actions/core.ts lands on main.
 */
import type { Meeting } from '../shared/domain';

export type PrepActionName = 'start_prep' | 'remind_later';
export type ActionChannel = 'slack' | 'sms' | 'email';
export interface PrepActionRequest {
  readonly action: PrepActionName;
  readonly meetingId: string;
  readonly userId: string;
  readonly via: ActionChannel;
  readonly requestId: string;
}
export type PrepActionOutcome =
  | 'meeting_not_found' | 'not_owner' | 'not_startable' | 'meeting_started' | 'already_in_progress'
  | 'session_started' | 'too_late' | 'reminder_scheduled' | 'reminder_exists';
export interface PrepActionResult {
  readonly outcome: PrepActionOutcome;
  readonly text: string;
  readonly meeting?: Meeting;
  readonly timeZone: string;
  readonly kitVia?: 'slack' | 'email';
  readonly reminderAt?: Date;
}
