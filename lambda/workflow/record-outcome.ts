/**
 * RecordDelivery and RecordAllChannelsFailed: write the outcome on the meeting. All-failed gives the meeting
 * its previous status back so it does not look notified; the state machine then fails with AllChannelsFailed.
 */
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import { MeetingsRepository } from '../shared/repositories';
import { RecordInput } from './task-io';

const logger = createLogger('record-outcome');
const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));

/** Lambda entry point. */
export async function handler(input: RecordInput): Promise<{ recorded: RecordInput['outcome'] }> {
  if (input.outcome === 'delivered') {
    const attempts = await meetings.recordDelivery(input.meeting_id, input.delivery, input.execution);
    // Channels this execution tried before the one that delivered.
    const fallbacks = new Set(
      attempts.filter((a) => a.execution === input.execution && a.channel !== input.delivery.channel).map((a) => a.channel),
    ).size;
    countMetric(MetricNames.NotificationsDelivered, { Channel: input.delivery.channel });
    if (fallbacks > 0) countMetric(MetricNames.FallbacksTaken, {}, fallbacks);
    logger.info('delivery recorded', { meeting_id: input.meeting_id, channel: input.delivery.channel, fallbacks });
  } else {
    await meetings.recordAllChannelsFailed(input.meeting_id, input.claim, new Date());
    countMetric(MetricNames.AllChannelsFailed);
    logger.error('every channel failed', { meeting_id: input.meeting_id, execution: input.execution });
  }
  return { recorded: input.outcome };
}
