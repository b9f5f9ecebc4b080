import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ExistingTables } from '../config';

/** Index of meetings by owner and start time (`/meetings` lists a user's upcoming meetings). */
export const MEETINGS_BY_USER_INDEX = 'user_id-start_time-index';
/** Index of chat sessions by owner (a DM goes to the user's active session). */
export const SESSIONS_BY_USER_INDEX = 'user_id-created_at-index';
/** Index of users by phone number, keys only (an inbound SMS names its sender by number). */
export const USERS_BY_PHONE_INDEX = 'phone_number-index';

/** Props of {@link Tables}. */
export interface TablesProps {
  /** Keep the tables and key when the stack is deleted (prod), or destroy them (dev). */
  readonly retainData: boolean;
  /**
   * Encrypt the tables it creates with a customer-managed KMS key (the stage's `customerManagedKeys`), or with
   * DynamoDB's AWS-managed key. @default true
   */
  readonly customerManagedKey?: boolean;
  /** @default undefined: create the tables */
  readonly existing?: ExistingTables;
}

/**
 * The data: meetings, users and chat sessions, encrypted with a customer-managed KMS key (or, where the stage says
 * so, DynamoDB's AWS-managed key), with point-in-time
 * recovery. Or, for a team whose tables exist, those tables imported by name.
 */
export class Tables extends Construct {
  public readonly meetings: dynamodb.ITable;
  public readonly users: dynamodb.ITable;
  public readonly chatSessions: dynamodb.ITable;
  /**
   * The answers given to SMS replies, by Twilio `MessageSid` (TTL `expires_at`): this service's own small table,
   * created even when the others are imported. The Slack webhook's claims of interactions (`slack#…` keys, the only
   * ones it may write) live here too.
   */
  public readonly smsReplies: dynamodb.Table;
  /** The tables' key, when known. */
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    if (props.existing) {
      const existing = props.existing;
      this.encryptionKey = existing.encryptionKeyArn
        ? kms.Key.fromKeyArn(this, 'ImportedKey', existing.encryptionKeyArn)
        : undefined;
      const imported = (tableId: string, tableName: string, globalIndexes: string[]) =>
        dynamodb.Table.fromTableAttributes(this, tableId, {
          tableName,
          globalIndexes,
          ...(this.encryptionKey ? { encryptionKey: this.encryptionKey } : {}),
        });
      this.meetings = imported('Meetings', existing.meetingsTableName, [MEETINGS_BY_USER_INDEX]);
      this.users = imported('Users', existing.usersTableName, [USERS_BY_PHONE_INDEX]);
      this.chatSessions = imported('ChatSessions', existing.chatSessionsTableName, [SESSIONS_BY_USER_INDEX]);
      this.smsReplies = this.smsRepliesTable(props.retainData, this.encryptionKey);
      return;
    }

    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    // A customer-managed key ($1 a month) where the stage asks for one; else DynamoDB's AWS-managed key.
    const key =
      props.customerManagedKey === false
        ? undefined
        : new kms.Key(this, 'Key', {
            description: 'Encrypts the meeting-prep tables',
            enableKeyRotation: true,
            removalPolicy,
          });
    this.encryptionKey = key;
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      ...(key
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.retainData,
      removalPolicy,
    };
    const meetings = new dynamodb.Table(this, 'Meetings', {
      ...common,
      partitionKey: { name: 'meeting_id', type: dynamodb.AttributeType.STRING },
    });
    meetings.addGlobalSecondaryIndex({
      indexName: MEETINGS_BY_USER_INDEX,
      partitionKey: { name: 'user_id', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'start_time', type: dynamodb.AttributeType.STRING },
    });
    const users = new dynamodb.Table(this, 'Users', {
      ...common,
      partitionKey: { name: 'user_id', type: dynamodb.AttributeType.STRING },
    });
    users.addGlobalSecondaryIndex({
      indexName: USERS_BY_PHONE_INDEX,
      partitionKey: { name: 'phone_number', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    const chatSessions = new dynamodb.Table(this, 'ChatSessions', {
      ...common,
      partitionKey: { name: 'session_id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expires_at',
    });
    chatSessions.addGlobalSecondaryIndex({
      indexName: SESSIONS_BY_USER_INDEX,
      partitionKey: { name: 'user_id', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'created_at', type: dynamodb.AttributeType.STRING },
    });
    this.meetings = meetings;
    this.users = users;
    this.chatSessions = chatSessions;
    this.smsReplies = this.smsRepliesTable(props.retainData, key);
  }

  /** The SMS answers table (lambda/actions/sms-answer-store.ts), with the tables' key when there is one. */
  private smsRepliesTable(retainData: boolean, key: kms.IKey | undefined): dynamodb.Table {
    const removalPolicy = retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    return new dynamodb.Table(this, 'SmsReplies', {
      partitionKey: { name: 'message_sid', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expires_at',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      ...(key
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: retainData,
      removalPolicy,
    });
  }
}
