/**
 * The demo data `npm start` seeds: an executive (the fixtures' user) and a few meetings over the next days, and the
 * event that starts the first notification. Tests and the bench build their meetings with {@link sampleMeeting}.
 */
import type { Meeting, User } from '../lambda/shared/domain';
import type { PutEventsEntry } from './events';

/** The demo executive (the fixtures' user). */
export const DEMO_USER: User = {
  user_id: 'U024BE7LH',
  name: 'Jordan Lee',
  email: 'jordan.lee@acme-exec.example',
  phone_number: '+12125550143',
  timezone: 'America/New_York',
  // Quiet hours hold SMS and email back at night (Slack follows the executive's own Slack schedule):
  // `npm start -- --now 2026-11-27T03:00 --fail slack --time-scale 3600` shows the SMS waiting for 07:00.
  notification_preferences: { prep_reminders: true, quiet_hours: { start: '21:00', end: '07:00' } },
};

/** A classified meeting of the demo executive starting at `start`: the fixtures' leadership sync unless overridden. */
export function sampleMeeting(
  meetingId: string,
  start: Date,
  overrides: Partial<Meeting> = {},
  minutes = 60,
  attendees = 3,
): Meeting {
  return {
    meeting_id: meetingId,
    user_id: DEMO_USER.user_id,
    title: 'Q4 Leadership Sync',
    description: 'Quarterly priorities and budget',
    start_time: start.toISOString(),
    end_time: new Date(start.getTime() + minutes * 60_000).toISOString(),
    attendees: Array.from({ length: attendees }, (_, i) => `attendee${i + 1}@acme-exec.example`),
    organizer: DEMO_USER.email as string,
    meeting_type: 'leadership_team',
    status: 'CLASSIFIED',
    created_at: new Date().toISOString(),
    ...overrides,
  };
}

/** Demo meetings: a few types, starting over the next days (on the hour). */
export function demoMeetings(now = new Date()): Meeting[] {
  const at = (hours: number) => {
    const d = new Date(now.getTime() + hours * 3_600_000);
    d.setUTCMinutes(0, 0, 0);
    return d;
  };
  return [
    sampleMeeting('m-7f3a', at(26), {}, 60, 8),
    sampleMeeting('m-1on1', at(4), { title: '1:1 with Priya', meeting_type: 'one_on_one' }, 30, 2),
    sampleMeeting('m-rel9', at(50), { title: 'Checkout outage review', meeting_type: 'reliability_review' }, 45, 6),
    sampleMeeting('m-qbr4', at(74), { title: 'Q4 Business Review: EMEA', meeting_type: 'qbr' }, 90, 12),
  ];
}

/** The demo event: MeetingPrepRequired for the leadership sync. */
export function demoEntry(meeting: Meeting): PutEventsEntry {
  return {
    Source: 'exec-assistant.calendar-monitor',
    DetailType: 'MeetingPrepRequired',
    Detail: JSON.stringify({
      meeting_id: meeting.meeting_id,
      user_id: meeting.user_id,
      meeting_type: meeting.meeting_type,
      start_time: meeting.start_time,
      title: meeting.title,
    }),
  };
}
