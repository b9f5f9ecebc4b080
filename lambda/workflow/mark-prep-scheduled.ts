/**
 * MarkPrepScheduled: claims the meeting with a conditional update, so that of N duplicate events exactly one
 * notifies (PrepAlreadyScheduled for the others). A reminder run claims by its schedule's name instead.
 */
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { Claim, MeetingsRepository } from '../shared/repositories';
import { MarkInput } from './task-io';

const logger = createLogger('mark-prep-scheduled');
const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));

/** Lambda entry point. */
export async function handler(input: MarkInput): Promise<Claim> {
  const now = new Date();
  const claim = input.reminder
    ? await meetings.claimForReminder(input.meeting_id, input.event_id, input.execution, now)
    : await meetings.claimForNotification(input.meeting_id, input.execution, now);
  logger.info('meeting claimed for notification', { meeting_id: input.meeting_id, execution: input.execution, ...claim });
  return claim;
}
