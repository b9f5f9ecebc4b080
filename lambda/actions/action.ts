/**
 * The action core's vocabulary: the two actions, where a person acted from, what an action did and what the core
 * needs passed in. Types only.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ChatSessionsRepository } from '../shared/chat-sessions';
import type { Channel } from '../shared/channel-registry';
import type { Meeting } from '../shared/domain';
import type { MeetingsRepository } from '../shared/meetings-repository';
import type { UsersRepository } from '../shared/users-repository';
import type { ReminderScheduler, ReminderTargetConfig } from './reminders';
import type { ClickTarget } from './work-jobs';
import type { WorkQueue } from './work-queue';

/** The two actions. */
export type PrepActionName = 'start_prep' | 'remind_later';
/** Where the executive acted from. */
export type ActionChannel = Channel;
/** Where the prep kit goes once a session starts. */
export type KitChannel = 'slack' | 'email';

/** One action, as the entry point identified it. */
export interface PrepActionRequest {
  readonly action: PrepActionName;
  readonly meetingId: string;
  /** Who acts, as the channel identified them (the Slack user; the phone number's user; the link token's user). */
  readonly userId: string;
  readonly via: ActionChannel;
  /** The request's own id (Slack trigger_id, Twilio MessageSid, the link token's id): the work queue drops a repeat. */
  readonly requestId: string;
  /** A Slack click: where it happened, so the worker can replace the clicked message. */
  readonly slackTarget?: ClickTarget;
}

/** What an action did. */
export type PrepActionOutcome =
  | 'meeting_not_found'
  | 'not_owner'
  | 'not_startable'
  | 'meeting_started'
  | 'already_in_progress'
  | 'session_started'
  | 'too_late'
  | 'reminder_scheduled'
  | 'reminder_exists';

/** The outcome, with what to tell the person. */
export interface PrepActionResult {
  readonly outcome: PrepActionOutcome;
  /** One or two plain sentences, times in the user's own zone, no markup (an SMS body, a page, a Slack line). */
  readonly text: string;
  /** The meeting, when it exists and is the user's. */
  readonly meeting?: Meeting;
  /** The user's time zone (or the default). */
  readonly timeZone: string;
  /** `session_started`: where the prep kit goes (the worker sends it). */
  readonly kitVia?: KitChannel;
  /** `reminder_scheduled` / `reminder_exists`: when the reminder comes (unknown for an existing one that cannot be read). */
  readonly reminderAt?: Date;
}

/** What the core needs, passed in (the Slack webhook's `BotDeps` is a superset). */
export interface PrepActionDeps {
  readonly meetings: Pick<
    MeetingsRepository,
    'get' | 'claimForPrep' | 'unclaim' | 'markPrepInProgress' | 'revertPrepStart'
  >;
  readonly users: Pick<UsersRepository, 'get'>;
  readonly sessions: Pick<ChatSessionsRepository, 'get'>;
  readonly reminders: ReminderScheduler;
  readonly reminderTarget: ReminderTargetConfig;
  readonly queue: WorkQueue;
  readonly newId: () => string;
  readonly now: () => Date;
  readonly logger: Logger;
}
