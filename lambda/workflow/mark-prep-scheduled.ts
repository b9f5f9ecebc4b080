/**
 * MarkPrepScheduled: claims the meeting with a conditional update, so that of N duplicate events exactly one
 * notifies (PrepAlreadyScheduled for the others). A reminder run claims by its schedule's name instead.
 */
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { PrepAlreadyScheduledError } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import { Claim, MeetingsRepository } from '../shared/meetings-repository';
import { MarkInput } from './task-io';
import { now } from '../shared/time';

const logger = createLogger('mark-prep-scheduled');
const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));

/** Lambda entry point. */
export async function handler(input: MarkInput): Promise<Claim> {
  const at = now();
  let claim: Claim;
  try {
    claim = input.reminder
      ? await meetings.claimForReminder(input.meeting_id, input.event_id, input.execution, at)
      : await meetings.claimForNotification(input.meeting_id, input.execution, at);
  } catch (error) {
    if (error instanceof PrepAlreadyScheduledError) {
      countMetric(MetricNames.NotificationsSkipped, { Reason: 'claim_lost' });
      logger.info('meeting not claimed: a duplicate or stale event', {
        meeting_id: input.meeting_id,
        execution: input.execution,
      });
    }
    throw error;
  }
  logger.info('meeting claimed for notification', {
    meeting_id: input.meeting_id,
    execution: input.execution,
    ...claim,
  });
  return claim;
}
