/** Shared arrangement of the workflow tests: the local environment, seed data, and readers. */
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Meeting, User } from '../../lambda/shared/domain';
import { LocalEnvironment, startLocalEnvironment } from '../../local/local-environment';
import { DEMO_USER, sampleMeeting } from '../../local/demo';
import prepEvent from '../fixtures/eventbridge/meeting-prep-required.json';

export { prepEvent };

/** The fixture's executive. */
export const USER_ID = 'U024BE7LH';

/** A user who can receive every channel (the demo executive), without quiet hours: the time of day does not matter. */
export function aUser(overrides: Partial<User> = {}): User {
  return { ...DEMO_USER, notification_preferences: { prep_reminders: true }, ...overrides };
}

/** A classified meeting (`m-7f3a`) starting `hoursAhead` hours from now, on the hour. */
export function aMeeting(overrides: Partial<Meeting> = {}, hoursAhead = 26): Meeting {
  const start = new Date(Date.now() + hoursAhead * 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  return sampleMeeting('m-7f3a', start, overrides);
}

/** The MeetingPrepRequired envelope for a meeting, as EventBridge hands it to the state machine. */
export function prepEventFor(meeting: Meeting, id = `evt-${Math.random().toString(16).slice(2)}`): typeof prepEvent {
  return {
    ...prepEvent,
    id,
    detail: {
      ...prepEvent.detail,
      meeting_id: meeting.meeting_id,
      user_id: meeting.user_id,
      start_time: meeting.start_time,
    },
  };
}

/** The reminder envelope the Scheduler target sends. */
export function reminderEventFor(meeting: Meeting, scheduleName: string): Record<string, unknown> {
  return {
    version: '0',
    id: scheduleName,
    'detail-type': 'MeetingPrepReminder',
    source: 'exec-assistant.slack-bot',
    time: new Date().toISOString(),
    detail: { meeting_id: meeting.meeting_id, user_id: meeting.user_id, reminder: true },
  };
}

/** Starts the environment once per file. */
export async function startEnvironment(): Promise<LocalEnvironment> {
  return startLocalEnvironment();
}

/** Writes a user and a meeting. */
export async function seed(env: LocalEnvironment, meeting: Meeting, user: User = aUser()): Promise<void> {
  await env.db.send(new PutCommand({ TableName: env.tables.users, Item: user }));
  await env.db.send(new PutCommand({ TableName: env.tables.meetings, Item: meeting }));
}

/** Reads a meeting back. */
export async function readMeeting(env: LocalEnvironment, meetingId: string): Promise<Meeting | undefined> {
  const out = await env.db.send(
    new GetCommand({ TableName: env.tables.meetings, Key: { meeting_id: meetingId }, ConsistentRead: true }),
  );
  return out.Item as Meeting | undefined;
}

/** Every item of every table, for "nothing changed" assertions. */
export async function snapshotTables(env: LocalEnvironment): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of Object.values(env.tables)) {
    const scan = await env.db.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    out[table] = (scan.Items ?? []).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}
