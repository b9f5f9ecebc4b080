/**
 * Chat sessions (the `chat_sessions` table): one per Start Prep, owned by a user, expiring through the table's TTL
 * (`expires_at`, epoch seconds). The same table also holds the Slack bot's event-dedupe markers, under keys
 * `event#<event_id>` with a one-hour TTL: they carry no `user_id`, so they never appear in the by-user index.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MeetingType } from './domain';
import { SESSIONS_BY_USER_INDEX } from './table-indexes';

/** Session states (DESIGN.md). */
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
/** How long an event id is remembered (Slack retries within minutes). */
export const EVENT_MARKER_TTL_SECONDS = 3600;

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Reads and writes chat sessions and event markers. Every write is a conditional single-item write. */
export class ChatSessionsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** A new ACTIVE session at the first step, expiring in 24 hours. */
  static newSession(spec: { sessionId: string; userId: string; meetingId: string; meetingType: MeetingType; now: Date }): ChatSession {
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

  /** Creates the session; throws ConditionalCheckFailedException if the id exists. */
  async create(session: ChatSession): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: session, ConditionExpression: 'attribute_not_exists(session_id)' }),
    );
  }

  /** Deletes a session (the orphan of a lost double click). */
  async delete(sessionId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { session_id: sessionId } }));
  }

  /** The session, or undefined. */
  async get(sessionId: string): Promise<ChatSession | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { session_id: sessionId }, ConsistentRead: true }));
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
   * session is still ACTIVE at `from`: two messages racing advance it once each, never twice from the same step.
   * @returns the updated session, or undefined when the condition failed (re-read and try again)
   */
  async appendAndAdvance(session: ChatSession, message: ChatMessage, now: Date): Promise<ChatSession | undefined> {
    const to = nextStep(session.context.step);
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { session_id: session.session_id },
          UpdateExpression: 'SET messages = list_append(if_not_exists(messages, :empty), :m), #ctx.step = :to, #state = :state, updated_at = :now',
          ConditionExpression: '#state = :active AND #ctx.step = :from',
          ExpressionAttributeNames: { '#ctx': 'context', '#state': 'state' },
          ExpressionAttributeValues: {
            ':empty': [],
            ':m': [{ ...message, text: storedMessageText(message.text) }],
            ':to': to,
            ':from': session.context.step,
            ':active': ChatSessionState.Active,
            ':state': to === 'done' ? ChatSessionState.Completed : ChatSessionState.Active,
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as ChatSession;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Remembers a Slack event id for an hour. True the first time, false for a retry of an event already taken.
   */
  async claimEvent(eventId: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { session_id: eventMarkerKey(eventId), kind: 'slack_event', created_at: now.toISOString(), expires_at: epochSeconds(now) + EVENT_MARKER_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(session_id) OR expires_at < :now',
          ExpressionAttributeValues: { ':now': epochSeconds(now) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Forgets an event id, so Slack's retry processes an event whose handling failed. */
  async releaseEvent(eventId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { session_id: eventMarkerKey(eventId) } }));
  }
}

/** The key of an event's dedupe marker. */
export function eventMarkerKey(eventId: string): string {
  return `event#${eventId}`;
}
