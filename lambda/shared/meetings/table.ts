/**
 * The meetings table as the meetings repository's modules use it: the client and the table name, and the two
 * commands every point read and write of a meeting item goes through (the by-user index is `by-user.ts`). Every
 * call is guarded (dynamo-guard.ts): a transient failure becomes TransientDataError.
 */
import {
  DynamoDBDocumentClient,
  GetCommand,
  GetCommandOutput,
  UpdateCommand,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { Meeting } from '../domain';
import { ConditionalWrite, conditionalWrite, guarded } from '../dynamo-guard';

/** The client and the name of the meetings table. */
export interface MeetingsTable {
  readonly db: DynamoDBDocumentClient;
  readonly name: string;
}

/** An update of one meeting item: everything but the table and the key. */
export type MeetingUpdate = Omit<UpdateCommandInput, 'TableName' | 'Key'>;

function updateCommand(table: MeetingsTable, meetingId: string, update: MeetingUpdate): UpdateCommand {
  return new UpdateCommand({ TableName: table.name, Key: { meeting_id: meetingId }, ...update });
}

/**
 * Updates one meeting item, `what` naming the call in a transient error. A failed condition is thrown as it is: for
 * the writes whose condition only asks that the meeting exist.
 */
export async function updateMeeting(
  table: MeetingsTable,
  what: string,
  meetingId: string,
  update: MeetingUpdate,
): Promise<UpdateCommandOutput> {
  return guarded(what, () => table.db.send(updateCommand(table, meetingId, update)));
}

/** Updates one meeting item if its condition holds: `{ written: false }` when it did not. */
export async function updateMeetingIf(
  table: MeetingsTable,
  what: string,
  meetingId: string,
  update: MeetingUpdate,
): Promise<ConditionalWrite<UpdateCommandOutput>> {
  return conditionalWrite(what, () => table.db.send(updateCommand(table, meetingId, update)));
}

/** Reads one meeting item, strongly consistent (its attributes limited to `projection` when given). */
export async function readMeeting(
  table: MeetingsTable,
  what: string,
  meetingId: string,
  projection?: string,
): Promise<Meeting | undefined> {
  const out: GetCommandOutput = await guarded(what, () =>
    table.db.send(
      new GetCommand({
        TableName: table.name,
        Key: { meeting_id: meetingId },
        ...(projection ? { ProjectionExpression: projection } : {}),
        ConsistentRead: true,
      }),
    ),
  );
  return out.Item as Meeting | undefined;
}
