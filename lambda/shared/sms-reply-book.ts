/**
 * The user's numbered SMS meetings in DynamoDB (see sms-reply-numbers.ts): one map on the users item,
 * `sms_reply_numbers`, written with optimistic locking on `sms_reply_version`, so two prep SMS sent at the same
 * moment for one user (several meetings entering their prep window together while Slack is down) never get the
 * same number. Single-item conditional updates only (no transactions).
 */
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Meeting } from './domain';
import { conditionalWrite, guarded } from './dynamo-guard';
import { TransientDataError } from './errors';
import type { MeetingsRepository } from './meetings-repository';
import {
  ReplyNumbers,
  assignReplyNumber,
  awaitingPrep,
  pickReplyMeeting,
  replyCandidates,
  replyEntries,
} from './sms-reply-numbers';

/** How often a lost race for the numbers is retried before giving up (transient: the state machine retries). */
const MAX_ATTEMPTS = 4;

/** Reads and numbers a user's SMS meetings. */
export class SmsReplyBook {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly usersTable: string,
    private readonly meetings: Pick<MeetingsRepository, 'get'>,
  ) {}

  /** The user's numbers and their version (strongly consistent); undefined for an unknown user. */
  async read(userId: string): Promise<{ numbers: ReplyNumbers; version: number } | undefined> {
    const out = await guarded('GetItem users (sms reply numbers)', () =>
      this.db.send(
        new GetCommand({
          TableName: this.usersTable,
          Key: { user_id: userId },
          ProjectionExpression: 'user_id, sms_reply_numbers, sms_reply_version',
          ConsistentRead: true,
        }),
      ),
    );
    if (!out.Item) return undefined;
    const version = out.Item['sms_reply_version'];
    return {
      numbers: (out.Item['sms_reply_numbers'] ?? {}) as ReplyNumbers,
      version: typeof version === 'number' ? version : 0,
    };
  }

  /**
   * Numbers the meeting an SMS is about to go out for (see `assignReplyNumber`). Throws TransientDataError when
   * the race is lost too often, and an Error for an unknown user.
   */
  async assign(
    userId: string,
    meeting: Pick<Meeting, 'meeting_id' | 'start_time'>,
    execution: string,
    now: Date,
  ): Promise<{ number: number; shown: boolean }> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const current = await this.read(userId);
      if (!current) throw new Error(`user ${userId} not found`);
      const others = replyEntries(current.numbers).filter((e) => e.entry.meeting_id !== meeting.meeting_id);
      const items = await Promise.all(others.map((e) => this.meetings.get(e.entry.meeting_id)));
      const pendingIds = new Set(items.filter((m) => awaitingPrep(m, now)).map((m) => (m as Meeting).meeting_id));
      const assignment = assignReplyNumber(current.numbers, meeting, execution, now, (id) => pendingIds.has(id));
      if (!assignment.next) return { number: assignment.number, shown: assignment.shown };
      const result = await conditionalWrite('UpdateItem users (sms reply numbers)', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.usersTable,
            Key: { user_id: userId },
            UpdateExpression: 'SET sms_reply_numbers = :numbers, sms_reply_version = :next',
            ConditionExpression:
              'attribute_exists(user_id) AND ' +
              (current.version === 0 ? 'attribute_not_exists(sms_reply_version)' : 'sms_reply_version = :version'),
            ExpressionAttributeValues: {
              ':numbers': assignment.next,
              ':next': current.version + 1,
              ...(current.version === 0 ? {} : { ':version': current.version }),
            },
          }),
        ),
      );
      // A lost race (the numbers changed since they were read) reads them again.
      if (result.written) return { number: assignment.number, shown: assignment.shown };
    }
    throw new TransientDataError(
      `the SMS reply numbers of ${userId} changed ${MAX_ATTEMPTS} times while numbering ${meeting.meeting_id}`,
    );
  }

  /**
   * The meeting an SMS reply from this user applies to: the one numbered `number`, or the most recently texted one
   * awaiting prep (else the most recently texted that exists). Undefined when none is numbered.
   */
  async resolve(userId: string, now: Date, number?: number): Promise<Meeting | undefined> {
    const current = await this.read(userId);
    const ids = replyCandidates(current?.numbers, number);
    const items = await Promise.all(ids.map((id) => this.meetings.get(id)));
    return pickReplyMeeting(items, now);
  }
}
