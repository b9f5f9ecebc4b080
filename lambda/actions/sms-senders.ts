/** Who sent an SMS: the users whose `phone_number` is the sender's number, through the users table's phone index. */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { USERS_BY_PHONE_INDEX } from '../shared/table-indexes';

/** The ids of (at most a few) users with this phone number; the index is eventually consistent. */
export async function usersByPhone(db: DynamoDBDocumentClient, usersTable: string, phone: string): Promise<string[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: usersTable,
      IndexName: USERS_BY_PHONE_INDEX,
      KeyConditionExpression: 'phone_number = :phone',
      ExpressionAttributeValues: { ':phone': phone },
      ProjectionExpression: 'user_id',
      Limit: 5,
    }),
  );
  return [...new Set((out.Items ?? []).map((item) => String(item['user_id'])))];
}
