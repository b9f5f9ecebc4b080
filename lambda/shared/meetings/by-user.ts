/**
 * A user's upcoming meetings, from the meetings table's by-user index: part of the meetings repository
 * (`../meetings-repository.ts`), in a module of its own because only the functions that list meetings (the Slack
 * bot's, and those running the action core) may Query the index. They hand {@link upcomingMeetings} to their
 * `MeetingsRepository`; no other function's bundle carries the Query.
 */
import { QueryCommand, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Meeting } from '../domain';
import { guarded } from '../dynamo-guard';
import { UPCOMING_LIMIT, UpcomingMeetings, selectUpcoming } from '../meetings-repository';
import { MEETINGS_BY_USER_INDEX } from '../table-indexes';

const DAY_MS = 86_400_000;

/**
 * The user's meetings starting in [from, to), soonest first, at most `limit`, cancelled ones left out. The key
 * condition is widened by a day on each side because `start_time` strings may carry any UTC offset; the exact
 * window is applied on the parsed instants.
 */
export const upcomingMeetings: UpcomingMeetings = async (table, userId, from, to, limit = UPCOMING_LIMIT) => {
  const items: Meeting[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await guarded('Query meetings (by user)', () =>
      table.db.send(
        new QueryCommand({
          TableName: table.name,
          IndexName: MEETINGS_BY_USER_INDEX,
          KeyConditionExpression: 'user_id = :u AND start_time BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':u': userId,
            ':from': new Date(from.getTime() - DAY_MS).toISOString(),
            ':to': new Date(to.getTime() + DAY_MS).toISOString(),
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    items.push(...((out.Items ?? []) as Meeting[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return selectUpcoming(items, from, to, limit);
};
