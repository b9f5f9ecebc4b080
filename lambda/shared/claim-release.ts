/**
 * Gives a claimed meeting back its previous status when the execution that claimed it stops without notifying
 * (the meeting moved during a quiet-hours wait), so the event for the new time can claim it. One conditional
 * update: only while the meeting is still PREP_SCHEDULED by that execution.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isTransientAwsError } from './aws-errors';
import { MeetingStatus } from './domain';
import { TransientDataError } from './errors';
import type { Claim } from './repositories';

/** Returns true when the status was given back, false when the meeting had moved on (nothing to give back). */
export async function releaseClaim(
  db: DynamoDBDocumentClient,
  tableName: string,
  meetingId: string,
  claim: Claim,
  execution: string,
  now: Date,
): Promise<boolean> {
  if (claim.previous_status === MeetingStatus.PrepScheduled || claim.previous_status === '') return false;
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { meeting_id: meetingId },
        UpdateExpression: 'SET #status = :previous, updated_at = :at',
        ConditionExpression: '#status = :scheduled AND prep_execution = :exec',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':previous': claim.previous_status,
          ':scheduled': MeetingStatus.PrepScheduled,
          ':exec': execution,
          ':at': now.toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    if (isTransientAwsError(error))
      throw new TransientDataError(`UpdateItem meetings (release): ${(error as Error).name}`, { cause: error });
    throw error;
  }
}
