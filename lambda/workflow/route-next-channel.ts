/**
 * RouteNextChannel: after a channel failed, picks the next one in the user's order (what is left of it) and
 * decides whether quiet hours hold it back. No I/O: the prep carries the preferences.
 */
import { createLogger } from '../shared/logger';
import { now } from '../shared/time';
// Not task-io: this function touches no table, and its bundle should not even import the repositories.
import { carryForward, routeFor, routingSettingsFromEnv, type RouteNextInput, type WorkflowRoute } from './routing';

const logger = createLogger('route-next-channel');
const settings = routingSettingsFromEnv();

/** Lambda entry point. */
export async function handler(input: RouteNextInput): Promise<WorkflowRoute> {
  const route = carryForward(input.prep.route, routeFor(input.prep, input.prep.route.remaining, now(), settings));
  logger.info('next channel', {
    meeting_id: input.prep.meeting_id,
    failed: input.prep.route.next,
    next: route.next,
    hold: route.hold,
  });
  return route;
}
