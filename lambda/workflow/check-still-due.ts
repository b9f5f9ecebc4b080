/**
 * CheckStillDue (after a quiet-hours wait): the meeting re-read, the decision in ./still-due.ts.
 */
import { releaseClaim } from '../shared/claim-release';
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { MeetingsRepository } from '../shared/repositories';
import { now } from '../shared/time';
import { routingSettingsFromEnv, type WorkflowRoute } from './routing';
import { CheckDeps, checkStillDue } from './still-due';
import { CheckStillDueInput } from './task-io';

const db = dynamoDocumentClient();
const tableName = requiredEnv('MEETINGS_TABLE_NAME');
const deps: CheckDeps = {
  meetings: new MeetingsRepository(db, tableName),
  release: (meetingId, input, at) => releaseClaim(db, tableName, meetingId, input.claim, input.execution, at),
  now,
  settings: routingSettingsFromEnv(),
};

/** Lambda entry point. */
export async function handler(input: CheckStillDueInput): Promise<WorkflowRoute> {
  return checkStillDue(input, deps);
}
