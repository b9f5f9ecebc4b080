/**
 * The bare SDK task the benches compare every function with: a workflow task with the house's defaults only — the
 * DynamoDB document client, the structured logger and the metrics every task has — reading one item. Nothing a
 * channel needs (no provider SDK, no Secrets Manager). Bundled by the bench, never deployed.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../lambda/shared/clients';
import { createLogger } from '../lambda/shared/logger';
import { MetricNames, countMetric } from '../lambda/shared/metrics';

const logger = createLogger('bare-task');
const tableName = process.env['MEETINGS_TABLE_NAME'] ?? 'meetings';

/** Lambda entry point. */
export async function handler(event: { meeting_id: string }): Promise<unknown> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName, Key: { meeting_id: event.meeting_id } }),
  );
  countMetric(MetricNames.NotificationsSkipped, { Reason: 'bench' });
  logger.info('read', { meeting_id: event.meeting_id, found: Boolean(out.Item) });
  return out.Item ?? null;
}
