/**
 * CheckStillDue (after a quiet-hours wait): the meeting re-read, the decision in ./still-due.ts.
 */
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { MeetingsRepository } from '../shared/meetings-repository';
import { now } from '../shared/time';
import { routingSettingsFromEnv, type WorkflowRoute } from './routing';
import { CheckDeps, checkStillDue } from './still-due';
import { CheckStillDueInput } from './task-io';

const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
const deps: CheckDeps = {
  meetings,
  release: (meetingId, input, at) => meetings.releaseClaim(meetingId, input.claim, input.execution, at),
  now,
  settings: routingSettingsFromEnv(),
};

/** Lambda entry point. */
export async function handler(input: CheckStillDueInput): Promise<WorkflowRoute> {
  return checkStillDue(input, deps);
}
