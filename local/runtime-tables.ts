/**
 * The runtime's data as a person sees it: writing a seed into the tables, and reading back what the tables and the
 * scheduler hold (for `npm start`'s banner, and for `POST /local/seed`, which checks a seed against the users there).
 */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Meeting, User } from '../lambda/shared/domain';
import type { LocalEnvironment } from './local-environment';
import type { Seed } from './seed';

/** What the system holds. */
export interface RuntimeContents {
  readonly users: readonly User[];
  readonly meetings: readonly Meeting[];
  readonly chatSessions: number;
  readonly pendingReminders: number;
}

/** Writes users and meetings (replacing items with the same ids). */
export async function seedTables(env: LocalEnvironment, data: Seed): Promise<void> {
  for (const user of data.users) await env.db.send(new PutCommand({ TableName: env.tables.users, Item: user }));
  for (const meeting of data.meetings)
    await env.db.send(new PutCommand({ TableName: env.tables.meetings, Item: meeting }));
}

/** Every item of a table, page after page. */
async function scan<T>(env: LocalEnvironment, table: string): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await env.db.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** What the tables and the scheduler hold: users, meetings by start time, chat sessions and pending reminders. */
export async function readContents(env: LocalEnvironment): Promise<RuntimeContents> {
  const [users, meetings, sessions] = await Promise.all([
    scan<User>(env, env.tables.users),
    scan<Meeting>(env, env.tables.meetings),
    scan<{ user_id?: string }>(env, env.tables.chatSessions),
  ]);
  const pendingReminders = [...env.scheduler.schedules.values()].filter((s) => s.State === 'ENABLED').length;
  meetings.sort((a, b) => a.start_time.localeCompare(b.start_time));
  // The table also holds Slack event markers (no user_id): sessions are the items with an owner.
  return { users, meetings, chatSessions: sessions.filter((s) => s.user_id).length, pendingReminders };
}
