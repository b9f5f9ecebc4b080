/**
 * CheckStillDue's decision, after a quiet-hours wait: does the meeting still need prep before anything is sent
 * (cancelled, moved, started, or prep begun meanwhile → a route with `stop`, and the execution ends quietly)? If
 * so, route again: the held channel normally goes now. A moved meeting gets its previous status back (through
 * `release`), so the event for its new time can claim it.
 */
import { Meeting, MeetingStatus } from '../shared/domain';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import type { MeetingsRepository } from '../shared/meetings-repository';
import { MAX_QUIET_HOURS_WAITS } from './quiet-hours';
import { carryForward, routeFor, type RoutingSettings, type StopReason, type WorkflowRoute } from './routing';
import type { CheckStillDueInput } from './task-io';

const logger = createLogger('check-still-due');

/** Why the meeting no longer needs this execution's notification, or undefined when it still does. */
export function stopReason(meeting: Meeting | undefined, input: CheckStillDueInput, at: Date): StopReason | undefined {
  if (!meeting) return 'meeting_not_found';
  if (meeting.status === MeetingStatus.Cancelled) return 'meeting_cancelled';
  if (meeting.start_time !== input.prep.meeting.start_time) return 'meeting_moved';
  if (Date.parse(meeting.start_time) <= at.getTime()) return 'meeting_already_started';
  if (meeting.status !== MeetingStatus.PrepScheduled || meeting.prep_execution !== input.execution)
    return 'prep_already_started';
  return undefined;
}

/** Dependencies of {@link checkStillDue}. */
export interface CheckDeps {
  readonly meetings: Pick<MeetingsRepository, 'get'>;
  readonly release: (meetingId: string, input: CheckStillDueInput, at: Date) => Promise<boolean>;
  readonly now: () => Date;
  readonly settings: RoutingSettings;
}

/** Re-checks the meeting and routes the held channel again. */
export async function checkStillDue(input: CheckStillDueInput, deps: CheckDeps): Promise<WorkflowRoute> {
  const at = deps.now();
  const meeting = await deps.meetings.get(input.prep.meeting_id);
  const stop = stopReason(meeting, input, at);
  const held = input.prep.route;
  if (stop) {
    const released = stop === 'meeting_moved' ? await deps.release(input.prep.meeting_id, input, at) : false;
    logger.info('meeting no longer needs this notification; stopping', {
      meeting_id: input.prep.meeting_id,
      stop,
      released,
    });
    return { ...held, hold: { wait: false, reason: 'no_channel_left' }, stop };
  }
  const order = held.next === 'none' ? held.remaining : [held.next, ...held.remaining];
  const route = carryForward(held, routeFor(input.prep, order, at, deps.settings), { waited: true });
  if (route.hold.wait && (route.quiet_waits ?? 0) >= MAX_QUIET_HOURS_WAITS) {
    countMetric(MetricNames.QuietHoursWaitLimit);
    logger.warn('still in quiet hours after the most waits an execution makes; sending now', {
      meeting_id: input.prep.meeting_id,
      waits: route.quiet_waits,
      hold: route.hold,
    });
    return { ...route, hold: { wait: false, reason: 'wait_limit' } };
  }
  logger.info('still due after the wait', { meeting_id: input.prep.meeting_id, next: route.next, hold: route.hold });
  return route;
}
