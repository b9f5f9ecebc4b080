/**
 * DynamoDB access for users: read, preferences saved by the bot, and the morning digest claimed once per scheduled
 * time. Every write is a single-item conditional update.
 */
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { User } from './domain';
import { conditionalWrite, guarded } from './dynamo-guard';
import type { StoredPreferences } from './preferences';

/** Reads user items. */
export class UsersRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The user, or undefined. */
  async get(userId: string): Promise<User | undefined> {
    const out = await guarded('GetItem users', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { user_id: userId } })),
    );
    return out.Item as User | undefined;
  }

  /** Writes an existing user's `notification_preferences`; throws a conditional check failure for an unknown user. */
  async savePreferences(userId: string, stored: StoredPreferences, now: Date): Promise<void> {
    await guarded('UpdateItem users', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { user_id: userId },
          UpdateExpression: 'SET notification_preferences = :p, preferences_updated_at = :now',
          ConditionExpression: 'attribute_exists(user_id)',
          ExpressionAttributeValues: { ':p': stored, ':now': now.toISOString() },
        }),
      ),
    );
  }

  /**
   * Claims the digest of one scheduled time: true once per user and time (a later time also wins over an earlier
   * one); false for a repeat delivery or an unknown user.
   */
  async claimDigest(userId: string, scheduledAt: string): Promise<boolean> {
    const result = await conditionalWrite('UpdateItem users (digest claim)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { user_id: userId },
          UpdateExpression: 'SET last_digest_at = :t',
          ConditionExpression:
            'attribute_exists(user_id) AND (attribute_not_exists(last_digest_at) OR last_digest_at < :t)',
          ExpressionAttributeValues: { ':t': scheduledAt },
        }),
      ),
    );
    return result.written;
  }

  /** Gives back a claim whose digest could not be sent, so the retried delivery sends it. */
  async releaseDigest(userId: string, scheduledAt: string): Promise<void> {
    // A failed condition: another time's claim stands (or none), and there is nothing to give back.
    await conditionalWrite('UpdateItem users (digest release)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { user_id: userId },
          UpdateExpression: 'REMOVE last_digest_at',
          ConditionExpression: 'last_digest_at = :t',
          ExpressionAttributeValues: { ':t': scheduledAt },
        }),
      ),
    );
  }
}
