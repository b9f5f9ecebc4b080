/**
 * LoadMeeting: validates the event, loads the meeting and its owner, and decides whether to notify.
 * Throws InvalidEvent (before any read), MeetingNotFound, UserNotFound; TransientDataError is retried.
 */
import { dynamoDocumentClient } from '../shared/clients';
import { summarize } from '../shared/domain';
import { requiredEnv } from '../shared/env';
import { MeetingNotFoundError, UserNotFoundError } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import { parsePrepEvent } from '../shared/prep-event';
import { MeetingsRepository } from '../shared/meetings-repository';
import { UsersRepository } from '../shared/users-repository';
import { skipReason } from './skip-rules';
import { routeFor, routingPreferences, routingSettingsFromEnv, type RoutingSettings } from './routing';
import { LoadedPrep } from './task-io';
import { now } from '../shared/time';

const logger = createLogger('load-meeting');
const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
const users = new UsersRepository(dynamoDocumentClient(), requiredEnv('USERS_TABLE_NAME'));

/** Dependencies of {@link loadMeeting}, passed in so tests can drive it. */
export interface LoadDeps {
  readonly meetings: Pick<MeetingsRepository, 'get'>;
  readonly users: Pick<UsersRepository, 'get'>;
  readonly now: () => Date;
  readonly routing: RoutingSettings;
}

/** Loads and evaluates one prep request. The meeting item, not the event's hints, is the source of truth. */
export async function loadMeeting(event: unknown, deps: LoadDeps): Promise<LoadedPrep> {
  const request = parsePrepEvent(event);
  const meeting = await deps.meetings.get(request.meetingId);
  if (!meeting) throw new MeetingNotFoundError(request.meetingId);
  if (meeting.user_id !== request.userId) {
    logger.warn('event user_id differs from the meeting owner; notifying the owner', {
      meeting_id: meeting.meeting_id,
      event_user_id: request.userId,
      owner: meeting.user_id,
    });
  }
  const user = await deps.users.get(meeting.user_id);
  if (!user) throw new UserNotFoundError(meeting.user_id);
  const now = deps.now();
  const reason = skipReason(meeting, user, request.reminder, now);
  const summary = summarize(meeting, user);
  const base = { meeting_id: meeting.meeting_id, user_id: meeting.user_id, reminder: request.reminder, ...summary };
  if (reason) return { ...base, skip_reason: reason };
  const { preferences, problems } = routingPreferences(user.notification_preferences, deps.routing);
  if (problems.length > 0)
    logger.warn('notification preferences have mistakes; their defaults are used', { user_id: user.user_id, problems });
  const prep = { ...base, preferences };
  return { ...prep, route: routeFor(prep, preferences.channels, now, deps.routing) };
}

/** Lambda entry point. */
export async function handler(event: unknown): Promise<LoadedPrep> {
  const result = await loadMeeting(event, { meetings, users, now, routing: routingSettingsFromEnv() });
  if (result.skip_reason) countMetric(MetricNames.NotificationsSkipped, { Reason: result.skip_reason });
  logger.info(result.skip_reason ? 'notification skipped' : 'notification due', {
    meeting_id: result.meeting_id,
    reminder: result.reminder,
    skip_reason: result.skip_reason,
    next: result.route?.next,
    hold: result.route?.hold,
  });
  return result;
}
