/**
 * LoadMeeting: validates the event, loads the meeting and its owner, decides whether to notify, and claims the
 * meeting (PREP_SCHEDULED) with a conditional update, so that of N duplicate events exactly one notifies: the others
 * end skipped (`claim_lost`). A reminder run claims by its schedule's name instead. One task, so the Slack-delivered
 * path is four states (LoadMeeting, PickChannel, NotifyViaSlack, RecordDelivery).
 * Throws InvalidEvent (before any read), MeetingNotFound, UserNotFound; TransientDataError is retried, and a retry
 * (or the SDK's own, after a lost answer) finds the claim this execution already holds.
 */
import { dynamoDocumentClient } from '../shared/clients';
import { summarize } from '../shared/domain';
import { requiredEnv } from '../shared/env';
import { MeetingNotFoundError, PrepAlreadyScheduledError, UserNotFoundError } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import { parsePrepEvent, PrepRequest } from '../shared/prep-event';
import { Claim, heldClaim, MeetingsRepository } from '../shared/meetings-repository';
import { UsersRepository } from '../shared/users-repository';
import { skipReason } from './skip-rules';
import { routeFor, routingPreferences, routingSettingsFromEnv, type RoutingSettings } from './routing';
import { LoadInput, LoadedPrep } from './task-io';
import { now } from '../shared/time';

const logger = createLogger('load-meeting');
const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
const users = new UsersRepository(dynamoDocumentClient(), requiredEnv('USERS_TABLE_NAME'));

/** Dependencies of {@link loadMeeting}, passed in so tests can drive it. */
export interface LoadDeps {
  readonly meetings: Pick<MeetingsRepository, 'get' | 'claimForNotification' | 'claimForReminder'>;
  readonly users: Pick<UsersRepository, 'get'>;
  readonly now: () => Date;
  readonly routing: RoutingSettings;
}

/** Claims the meeting for this execution: undefined when another execution holds it (a duplicate or stale event). */
async function claim(request: PrepRequest, execution: string, deps: LoadDeps, at: Date): Promise<Claim | undefined> {
  try {
    return request.reminder
      ? await deps.meetings.claimForReminder(request.meetingId, request.eventId, execution, at)
      : await deps.meetings.claimForNotification(request.meetingId, execution, at);
  } catch (error) {
    if (error instanceof PrepAlreadyScheduledError) return undefined;
    throw error;
  }
}

/**
 * The task's input. The state machine passes `{ event, execution }`; an execution started by the previous definition
 * (which claimed in a task of its own, MarkPrepScheduled) passes the envelope itself, for as long as one runs across a
 * deploy: its functions are updated a moment before its definition. That one is loaded and evaluated as before,
 * without a claim, which its own next state makes.
 */
function loadInput(input: LoadInput | Record<string, unknown>): { event: unknown; execution?: string } {
  return typeof input['execution'] === 'string' && 'event' in input
    ? { event: input['event'], execution: input['execution'] }
    : { event: input };
}

/** Loads, evaluates and claims one prep request. The meeting item, not the event's hints, is the source of truth. */
export async function loadMeeting(given: LoadInput | Record<string, unknown>, deps: LoadDeps): Promise<LoadedPrep> {
  const input = loadInput(given);
  const request = parsePrepEvent(input.event);
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
  // A retry of this task finds the claim its first run made: the meeting is judged by the status that claim took it
  // from, so the retry goes on as the first run did, and the claim is kept (no second write).
  const held = input.execution ? heldClaim(meeting, input.execution) : undefined;
  const reason = skipReason(held ? { ...meeting, status: held.previous_status } : meeting, user, request.reminder, now);
  const summary = summarize(meeting, user);
  const base = { meeting_id: meeting.meeting_id, user_id: meeting.user_id, reminder: request.reminder, ...summary };
  if (reason) return { ...base, skip_reason: reason };
  const claimed = held ?? (input.execution ? await claim(request, input.execution, deps, now) : undefined);
  if (input.execution && !claimed) return { ...base, skip_reason: 'claim_lost' };
  const { preferences, problems } = routingPreferences(user.notification_preferences, deps.routing);
  if (problems.length > 0)
    logger.warn('notification preferences have mistakes; their defaults are used', { user_id: user.user_id, problems });
  const prep = { ...base, preferences, ...(claimed ? { claim: claimed } : {}) };
  return { ...prep, route: routeFor(prep, preferences.channels, now, deps.routing) };
}

/** Lambda entry point. */
export async function handler(input: LoadInput | Record<string, unknown>): Promise<LoadedPrep> {
  const result = await loadMeeting(input, { meetings, users, now, routing: routingSettingsFromEnv() });
  if (result.skip_reason) countMetric(MetricNames.NotificationsSkipped, { Reason: result.skip_reason });
  logger.info(result.skip_reason ? 'notification skipped' : 'meeting claimed; notification due', {
    meeting_id: result.meeting_id,
    execution: input['execution'],
    reminder: result.reminder,
    skip_reason: result.skip_reason,
    claim: result.claim,
    next: result.route?.next,
    hold: result.route?.hold,
  });
  return result;
}
