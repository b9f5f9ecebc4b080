/** Test data shared by the unit tests: the fixture files and the story's meeting and user (fixtures README). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Meeting, MeetingSummary, RecipientSummary, User } from '../../lambda/shared/domain';
import type { PrepNotice } from '../../lambda/channels/notice';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** Reads a JSON fixture under `test/fixtures/`. */
export function fixture<T>(relative: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, relative), 'utf8')) as T;
}

/** Meeting m-7f3a, "Q4 Leadership Sync", as the workflow carries it. */
export const leadershipSync: MeetingSummary = {
  meeting_id: 'm-7f3a',
  user_id: 'U024BE7LH',
  title: 'Q4 Leadership Sync',
  meeting_type: 'leadership_team',
  start_time: '2026-11-27T14:00:00Z',
  end_time: '2026-11-27T15:00:00Z',
  attendee_count: 8,
  status: 'CLASSIFIED',
};

/** Jordan Lee, in New York. */
export const jordan: RecipientSummary = {
  user_id: 'U024BE7LH',
  name: 'Jordan',
  timezone: 'America/New_York',
  has_phone: true,
  has_email: true,
};

/** A first notification (or, with `reminder`, the one the user asked for) with overrides. */
export function notice(
  overrides: { meeting?: Partial<MeetingSummary>; user?: Partial<RecipientSummary>; reminder?: boolean } = {},
): PrepNotice {
  return {
    meeting: { ...leadershipSync, ...overrides.meeting },
    user: { ...jordan, ...overrides.user },
    reminder: overrides.reminder ?? false,
  };
}

/** The meeting item as stored in DynamoDB. */
export const storedMeeting: Meeting = {
  meeting_id: 'm-7f3a',
  user_id: 'U024BE7LH',
  title: 'Q4 Leadership Sync',
  meeting_type: 'leadership_team',
  start_time: '2026-11-27T14:00:00Z',
  end_time: '2026-11-27T15:00:00Z',
  status: 'CLASSIFIED',
};

/** The user item as stored in DynamoDB. */
export const storedUser: User = {
  user_id: 'U024BE7LH',
  email: 'jordan.lee@acme.example',
  name: 'Jordan Lee',
  phone_number: '+12125550143',
  timezone: 'America/New_York',
  notification_preferences: { prep_reminders: true },
};

/** The rejection reason of a promise that is expected to fail. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
