/**
 * Chat sessions (the `chat_sessions` table): one per Start Prep, owned by a user, expiring through the table's TTL
 * (`expires_at`, epoch seconds). A session moves one step per DM, exactly once per Slack message (`ts`).
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MeetingType } from './domain';
import { conditionalWrite } from './dynamo-guard';
import { SESSIONS_BY_USER_INDEX } from './table-indexes';

/** A chat session's states. */
export const ChatSessionState = {
  Created: 'CREATED',
  Active: 'ACTIVE',
  Generating: 'GENERATING',
  Completed: 'COMPLETED',
  TimedOut: 'TIMED_OUT',
  Cancelled: 'CANCELLED',
} as const;
export type ChatSessionState = (typeof ChatSessionState)[keyof typeof ChatSessionState];

/** The steps of the prep flow, in order. */
export const PREP_STEPS = ['agenda', 'questions', 'notes', 'done'] as const;
export type PrepStep = (typeof PREP_STEPS)[number];

/** The step after `step` (`done` stays `done`). */
export function nextStep(step: PrepStep): PrepStep {
  return PREP_STEPS[Math.min(PREP_STEPS.indexOf(step) + 1, PREP_STEPS.length - 1)] as PrepStep;
}

/** One message the user sent in the session. */
export interface ChatMessage {
  /** Slack's message ts. */
  readonly ts: string;
  readonly text: string;
  /** When it was stored (ISO 8601). */
  readonly at: string;
  /** The step the session was in when the message arrived. */
  readonly step: PrepStep;
}

/** A chat session item. */
export interface ChatSession {
  readonly session_id: string;
  readonly user_id: string;
  readonly meeting_id: string;
  readonly state: ChatSessionState;
  readonly messages: readonly ChatMessage[];
  readonly context: { readonly step: PrepStep; readonly meeting_type: MeetingType };
  readonly created_at: string;
  readonly updated_at?: string;
  /** TTL, epoch seconds. */
  readonly expires_at: number;
  /** The ts of every message stored (a string set: the condition that makes advancing idempotent). */
  readonly message_ts?: ReadonlySet<string>;
  /** The ts of the opening DM, once sent. */
  readonly opening_ts?: string;
}

/**
 * The most characters of a DM kept on the session. Slack allows 40,000; kept whole, a few such messages (up to
 * 4 bytes a character) would pass DynamoDB's 400 KB item limit and the session could not be written at all.
 */
export const MAX_STORED_MESSAGE_CHARS = 4_000;

/** A DM's text as stored: whole code points, cut to {@link MAX_STORED_MESSAGE_CHARS} with a marker. */
export function storedMessageText(text: string): string {
  const chars = Array.from(text);
  return chars.length <= MAX_STORED_MESSAGE_CHARS ? text : `${chars.slice(0, MAX_STORED_MESSAGE_CHARS - 1).join('')}…`;
}

/** How long a session lives. */
export const SESSION_TTL_SECONDS = 24 * 3600;

/**
 * How long a claimed meeting (PREP_IN_PROGRESS, linked to a session id) waits for the worker to create that session
 * before a new Start Prep may take it over. The worker creates it first thing on the job's first delivery; a job
 * that never runs (its DynamoDB calls failing until it is dead-lettered) must not block the meeting for good.
 */
export const SESSION_PENDING_SECONDS = 15 * 60;

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Reads and writes chat sessions and event markers. Every write is a conditional single-item write. */
export class ChatSessionsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** A new ACTIVE session at the first step, expiring in 24 hours. */
  static newSession(spec: {
    sessionId: string;
    userId: string;
    meetingId: string;
    meetingType: MeetingType;
    now: Date;
  }): ChatSession {
    return {
      session_id: spec.sessionId,
      user_id: spec.userId,
      meeting_id: spec.meetingId,
      state: ChatSessionState.Active,
      messages: [],
      context: { step: 'agenda', meeting_type: spec.meetingType },
      created_at: spec.now.toISOString(),
      expires_at: epochSeconds(spec.now) + SESSION_TTL_SECONDS,
    };
  }

  /**
   * Creates the session, only if no session has that id.
   * @returns false when it exists already (a redelivered job created it before)
   */
  async create(session: ChatSession): Promise<boolean> {
    const result = await conditionalWrite('PutItem chat_sessions (create)', () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: session,
          ConditionExpression: 'attribute_not_exists(session_id)',
        }),
      ),
    );
    return result.written;
  }

  /** The session, or undefined. */
  async get(sessionId: string): Promise<ChatSession | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { session_id: sessionId }, ConsistentRead: true }),
    );
    return out.Item as ChatSession | undefined;
  }

  /** The user's newest ACTIVE session that has not expired (the TTL deletes lazily), or undefined. */
  async findActive(userId: string, now: Date): Promise<ChatSession | undefined> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: SESSIONS_BY_USER_INDEX,
          KeyConditionExpression: 'user_id = :u',
          FilterExpression: '#state = :active AND expires_at > :now',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':u': userId, ':active': ChatSessionState.Active, ':now': epochSeconds(now) },
          ScanIndexForward: false,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const found = out.Items?.[0];
      if (found) return found as ChatSession;
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return undefined;
  }

  /**
   * Stores a message and moves the session from `from` to the next step (COMPLETED after the last one), only if the
   * session is still ACTIVE at `from` and has not stored this message's `ts` yet: two messages racing advance it
   * once each, and a redelivered message never advances it twice.
   * @returns the updated session, or undefined when the condition failed (re-read and try again)
   */
  async appendAndAdvance(session: ChatSession, message: ChatMessage, now: Date): Promise<ChatSession | undefined> {
    const to = nextStep(session.context.step);
    const result = await conditionalWrite('UpdateItem chat_sessions (append and advance)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { session_id: session.session_id },
          UpdateExpression:
            'SET messages = list_append(if_not_exists(messages, :empty), :m), #ctx.step = :to, #state = :state, updated_at = :now ADD message_ts :ts',
          ConditionExpression: '#state = :active AND #ctx.step = :from AND NOT contains(message_ts, :tsValue)',
          ExpressionAttributeNames: { '#ctx': 'context', '#state': 'state' },
          ExpressionAttributeValues: {
            ':empty': [],
            ':m': [{ ...message, text: storedMessageText(message.text) }],
            ':ts': new Set([message.ts]),
            ':tsValue': message.ts,
            ':to': to,
            ':from': session.context.step,
            ':active': ChatSessionState.Active,
            ':state': to === 'done' ? ChatSessionState.Completed : ChatSessionState.Active,
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result.written ? (result.output.Attributes as ChatSession) : undefined;
  }

  /**
   * The session a DM belongs to: the one that already holds the message with this `ts` (a redelivery: `replay`),
   * else the user's newest ACTIVE session that has not expired (the TTL deletes lazily), else undefined.
   */
  async findForMessage(
    userId: string,
    ts: string,
    now: Date,
  ): Promise<{ session: ChatSession; replay: boolean } | undefined> {
    let active: ChatSession | undefined;
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: SESSIONS_BY_USER_INDEX,
          KeyConditionExpression: 'user_id = :u',
          ExpressionAttributeValues: { ':u': userId },
          ScanIndexForward: false,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of (out.Items ?? []) as ChatSession[]) {
        if (item.messages?.some((m) => m.ts === ts)) return { session: item, replay: true };
        if (!active && item.state === ChatSessionState.Active && item.expires_at > epochSeconds(now)) active = item;
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return active ? { session: active, replay: false } : undefined;
  }

  /**
   * Ends an ACTIVE session (Start Prep undone because its DM could not be sent).
   * @returns false when it was not ACTIVE any more
   */
  async end(
    sessionId: string,
    state: typeof ChatSessionState.Cancelled | typeof ChatSessionState.TimedOut,
    now: Date,
  ): Promise<boolean> {
    const result = await conditionalWrite('UpdateItem chat_sessions (end)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { session_id: sessionId },
          UpdateExpression: 'SET #state = :to, updated_at = :now',
          ConditionExpression: '#state = :active',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':to': state, ':active': ChatSessionState.Active, ':now': now.toISOString() },
        }),
      ),
    );
    return result.written;
  }

  /**
   * Records the ts of the session's opening DM, once.
   * @returns false when it was already recorded (a redelivered job must not DM twice)
   */
  async recordOpening(sessionId: string, ts: string, now: Date): Promise<boolean> {
    const result = await conditionalWrite('UpdateItem chat_sessions (opening)', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { session_id: sessionId },
          UpdateExpression: 'SET opening_ts = :ts, updated_at = :now',
          ConditionExpression: 'attribute_exists(session_id) AND attribute_not_exists(opening_ts)',
          ExpressionAttributeValues: { ':ts': ts, ':now': now.toISOString() },
        }),
      ),
    );
    return result.written;
  }
}
