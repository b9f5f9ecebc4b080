/**
 * The burst's I/O alone (bench/burst.ts): for each meeting, one after another, the same kinds and number of calls an
 * execution of the Slack path makes (read from a sample execution: its DynamoDB calls through the document client
 * with the tasks' settings, its Slack post through a WebClient with the sender's), with no runner and no handler
 * code around them; all meetings at once, as the burst starts its executions. What the calls cost in this one
 * process, dynalite's and the Slack fake's own work included, bounds the burst's rate from above.
 */
import { performance } from 'node:perf_hooks';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChatPostMessageArguments } from '@slack/web-api';
import { fetchKeepingCause } from '../lambda/channels/slack/sender';
import { createSlackWebClient } from '../lambda/channels/slack/web-client';
import { dynamoDocumentClient } from '../lambda/shared/clients';
import { LOCAL_CREDENTIALS } from '../local/local-credentials';
import type { LocalEnvironment } from '../local/local-environment';
import type { BurstItem } from './burst-workload';
import { check } from './support';

/** The calls bare I/O can make, by the name the call timer gives them. */
const REPLAYED = /^(DynamoDB (GetItem|UpdateItem)|POST \/api\/chat\.postMessage)$/;

/** Each item's time from its first call to its last, ms, and the time from the first start to the last end. */
export interface BareRun {
  readonly durations: readonly number[];
  readonly wallMs: number;
  /**
   * Items whose calls failed (the event loop so busy that a connection or request timed out, retries included), and
   * the first error: a baseline, so reported rather than ending the run.
   */
  readonly failed: number;
  readonly firstError?: string;
}

/**
 * Replays `sequence` (call names, in order) for every item at once. Reads and writes go to the item's meeting (an
 * update sets a counter of its own, on the condition that the meeting exists); the Slack post repeats the sample's
 * arguments to the item's user.
 */
export async function bareIo(
  env: LocalEnvironment,
  items: readonly BurstItem[],
  sequence: readonly string[],
  samplePost: Readonly<Record<string, unknown>>,
): Promise<BareRun> {
  const unknown = sequence.filter((name) => !REPLAYED.test(name));
  check(unknown.length === 0, `bare I/O cannot replay ${unknown.join(', ')}`);
  const db = dynamoDocumentClient();
  const slack = createSlackWebClient(LOCAL_CREDENTIALS.slackBotToken, 8_000, fetchKeepingCause);
  const table = env.tables.meetings;
  const post = Object.fromEntries(
    Object.entries(samplePost).filter(([key]) =>
      ['text', 'blocks', 'metadata', 'unfurl_links', 'unfurl_media'].includes(key),
    ),
  );
  const call = (name: string, item: BurstItem, userId: string): Promise<unknown> => {
    const Key = { meeting_id: item.meetingId };
    if (name === 'DynamoDB GetItem') return db.send(new GetCommand({ TableName: table, Key }));
    if (name === 'DynamoDB UpdateItem')
      return db.send(
        new UpdateCommand({
          TableName: table,
          Key,
          UpdateExpression: 'SET bench_calls = if_not_exists(bench_calls, :zero) + :one',
          ConditionExpression: 'attribute_exists(meeting_id)',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        }),
      );
    return slack.chat.postMessage({ ...post, channel: userId } as ChatPostMessageArguments);
  };
  const errors: string[] = [];
  const started = performance.now();
  const runs = await Promise.all(
    items.map(async (item) => {
      const from = performance.now();
      const userId = (item.input as { detail: { user_id: string } }).detail.user_id;
      try {
        for (const name of sequence) await call(name, item, userId);
      } catch (error) {
        errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
      return { ms: performance.now() - from, end: performance.now() };
    }),
  );
  return {
    durations: runs.map((r) => r.ms),
    wallMs: Math.max(...runs.map((r) => r.end)) - started,
    failed: errors.length,
    ...(errors[0] ? { firstError: errors[0] } : {}),
  };
}
