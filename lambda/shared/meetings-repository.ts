/**
 * The meetings repository: every read and write of the meetings table goes through {@link MeetingsRepository}, and
 * no other module sends a command to that table. The class is the one entry point; its modules, by concern, are in
 * `meetings/`: the workflow's claim (`notification-claims.ts`), what the channels record (`deliveries.ts`), Start
 * Prep (`prep-sessions.ts`), the email links' single use (`link-uses.ts`), and the by-user index (`by-user.ts`,
 * which only the functions that list meetings hand in). Every write is a single-item conditional update (no
 * transactions: they are not needed, and dynalite, the local emulator, has none); every call turns a transient
 * DynamoDB failure into TransientDataError (dynamo-guard.ts).
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Channel, DeliveryIntent, Meeting, MeetingStatus, NotificationAttempt } from './domain';
import * as deliveries from './meetings/deliveries';
import * as links from './meetings/link-uses';
import * as claims from './meetings/notification-claims';
import * as prep from './meetings/prep-sessions';
import { MeetingsTable, readMeeting } from './meetings/table';

export { type Delivery, MAX_ATTEMPTS_KEPT, intentAttribute } from './meetings/deliveries';
export { type LinkUse, USED_LINK_TOKENS_ATTRIBUTE, isUsedIn } from './meetings/link-uses';
export { type Claim, heldClaim } from './meetings/notification-claims';
export { PREP_STARTABLE_STATUSES, canStartPrep } from './meetings/prep-sessions';

/** How many meetings `/meetings` lists at most. */
export const UPCOMING_LIMIT = 10;

/**
 * Picks the upcoming meetings: start in [from, to), not cancelled, soonest first, at most `limit`. Pure.
 * Start times are compared as instants, so items written with any UTC offset sort correctly.
 */
export function selectUpcoming(items: readonly Meeting[], from: Date, to: Date, limit = UPCOMING_LIMIT): Meeting[] {
  return items
    .map((m) => ({ m, at: Date.parse(m.start_time) }))
    .filter(
      ({ m, at }) =>
        Number.isFinite(at) && at >= from.getTime() && at < to.getTime() && m.status !== MeetingStatus.Cancelled,
    )
    .sort((a, b) => a.at - b.at)
    .slice(0, limit)
    .map(({ m }) => m);
}

/** The query of the by-user index that lists a user's upcoming meetings (`meetings/by-user.ts`). */
export type UpcomingMeetings = (
  table: MeetingsTable,
  userId: string,
  from: Date,
  to: Date,
  limit?: number,
) => Promise<Meeting[]>;

/** Options of {@link MeetingsRepository}. */
export interface MeetingsRepositoryOptions {
  /**
   * The by-user index query, from the functions allowed to run it (`upcomingMeetings` of `meetings/by-user.ts`):
   * {@link MeetingsRepository.upcoming} needs it.
   */
  readonly byUser?: UpcomingMeetings;
}

/** Reads and writes meeting items. */
export class MeetingsRepository {
  private readonly table: MeetingsTable;

  constructor(
    db: DynamoDBDocumentClient,
    tableName: string,
    private readonly options: MeetingsRepositoryOptions = {},
  ) {
    this.table = { db, name: tableName };
  }

  /** The meeting, or undefined. Strongly consistent: the workflow and a click decide on it. */
  async get(meetingId: string): Promise<Meeting | undefined> {
    return readMeeting(this.table, 'GetItem meetings', meetingId);
  }

  /**
   * The user's meetings starting in [from, to), soonest first, at most `limit` (default {@link UPCOMING_LIMIT}),
   * cancelled ones left out. Throws when the repository was built without the by-user index query.
   */
  async upcoming(userId: string, from: Date, to: Date, limit?: number): Promise<Meeting[]> {
    if (!this.options.byUser) throw new Error('this MeetingsRepository was built without the by-user index query');
    return this.options.byUser(this.table, userId, from, to, limit);
  }

  // The prep workflow's claim (meetings/notification-claims.ts).

  /** Moves the meeting to PREP_SCHEDULED for a first notification; PrepAlreadyScheduledError when another has it. */
  async claimForNotification(meetingId: string, execution: string, now: Date): Promise<claims.Claim> {
    return claims.claimForNotification(this.table, meetingId, execution, now);
  }

  /** Claims the meeting for one reminder run (once per reminder id); PrepAlreadyScheduledError otherwise. */
  async claimForReminder(meetingId: string, reminderId: string, execution: string, now: Date): Promise<claims.Claim> {
    return claims.claimForReminder(this.table, meetingId, reminderId, execution, now);
  }

  /** Gives the meeting back the status the claim took it from; false when it had moved on. */
  async releaseClaim(meetingId: string, claim: claims.Claim, execution: string, now: Date): Promise<boolean> {
    return claims.releaseClaim(this.table, meetingId, claim, execution, now);
  }

  /** Records that every channel failed, giving the claim back while the meeting is still PREP_SCHEDULED. */
  async recordAllChannelsFailed(meetingId: string, claim: claims.Claim, now: Date): Promise<void> {
    return claims.recordAllChannelsFailed(this.table, meetingId, claim, now);
  }

  // What the channels and the workflow record (meetings/deliveries.ts).

  /** Records the intent to send on a channel, before the request leaves. */
  async recordIntent(meetingId: string, channel: Channel, intent: DeliveryIntent): Promise<void> {
    return deliveries.recordIntent(this.table, meetingId, channel, intent);
  }

  /** Records an execution's first intent on a channel; false when the channel already holds one of it. */
  async recordFirstIntent(meetingId: string, channel: Channel, intent: DeliveryIntent): Promise<boolean> {
    return deliveries.recordFirstIntent(this.table, meetingId, channel, intent);
  }

  /** Moves an execution's intent on, only from one of `from`; false when not applied. */
  async updateIntent(
    meetingId: string,
    channel: Channel,
    execution: string,
    from: readonly DeliveryIntent['state'][],
    changes: deliveries.IntentChanges,
    now: Date,
  ): Promise<boolean> {
    return deliveries.updateIntent(this.table, meetingId, channel, execution, from, changes, now);
  }

  /** Appends one channel attempt, keeping the last {@link MAX_ATTEMPTS_KEPT}. */
  async appendAttempt(meetingId: string, attempt: NotificationAttempt): Promise<void> {
    return deliveries.appendAttempt(this.table, meetingId, attempt);
  }

  /** Records the delivery and (`full`) its attempt; returns every attempt now on record. */
  async recordDelivery(
    meetingId: string,
    delivery: deliveries.Delivery,
    execution: string,
    record: deliveries.DeliveryRecord = 'full',
  ): Promise<readonly NotificationAttempt[]> {
    return deliveries.recordDelivery(this.table, meetingId, delivery, execution, record);
  }

  // Start Prep (meetings/prep-sessions.ts).

  /** Moves the meeting to PREP_IN_PROGRESS with the actor's new session; the meeting before, or undefined. */
  async claimForPrep(meetingId: string, actorId: string, sessionId: string, now: Date): Promise<Meeting | undefined> {
    return prep.claimForPrep(this.table, meetingId, actorId, sessionId, now);
  }

  /** Gives back a claim made by {@link claimForPrep}; false when the meeting had moved on. */
  async unclaim(before: Meeting, sessionId: string): Promise<boolean> {
    return prep.unclaim(this.table, before, sessionId);
  }

  /** Links the meeting to its chat session in PREP_IN_PROGRESS; false when another claim holds it. */
  async markPrepInProgress(meetingId: string, sessionId: string, now: Date, replacing?: string): Promise<boolean> {
    return prep.markPrepInProgress(this.table, meetingId, sessionId, now, replacing);
  }

  /** Undoes a Start Prep whose DM could not be sent; false when the meeting had moved on. */
  async revertPrepStart(meetingId: string, sessionId: string, now: Date): Promise<boolean> {
    return prep.revertPrepStart(this.table, meetingId, sessionId, now);
  }

  /** Moves the meeting to PREP_COMPLETED when its session finishes; false when not applied. */
  async markPrepCompleted(meetingId: string, sessionId: string, now: Date): Promise<boolean> {
    return prep.markPrepCompleted(this.table, meetingId, sessionId, now);
  }

  // The email links' single use (meetings/link-uses.ts).

  /** Marks an email link's token used: `claimed`, `already_used` or `no_meeting`. */
  async claimLinkUse(meetingId: string, tokenId: string): Promise<links.LinkUse> {
    return links.claimLinkUse(this.table, meetingId, tokenId);
  }

  /** Gives a link's use back, so the person can press the button again. */
  async releaseLinkUse(meetingId: string, tokenId: string): Promise<void> {
    return links.releaseLinkUse(this.table, meetingId, tokenId);
  }
}
