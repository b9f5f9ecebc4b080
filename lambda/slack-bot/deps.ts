/**
 * What the bot's logic needs, passed in. The webhook side decides (reads, conditional writes, the reminder
 * schedule) and queues work; the worker side talks to Slack.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { HomeView, ModalView } from '@slack/types';
import { MeetingsRepository } from '../shared/meetings-repository';
import { ChatSessionsRepository } from '../shared/chat-sessions';
import { PrepKits } from './prep-kits';
import { UsersRepository } from '../shared/users-repository';
import type { DigestSchedules, ReminderSchedules } from './app-home/schedules';
import { ReminderScheduler, ReminderTargetConfig } from '../actions/reminders';
import type { KitMailer } from './kit-email';
import { BotMessage } from './views';
import { WorkQueue } from '../actions/work-queue';

/** A body posted to an interaction's `response_url`. */
export type ResponseUrlBody = BotMessage & {
  readonly replace_original?: boolean;
  readonly response_type?: 'ephemeral' | 'in_channel';
};

/** The Slack calls the worker makes. Each throws on failure (see `slack-failures.ts` for how they are read). */
export interface SlackPort {
  /** Posts to a channel, or to a user's DM with the app when given a user id; returns the message's ts. */
  postMessage(channel: string, message: BotMessage): Promise<{ readonly ts?: string }>;
  /** Shows a message only `user` sees, in `channel`. */
  postEphemeral(channel: string, user: string, message: BotMessage): Promise<void>;
  /** Replaces a message in place. */
  update(channel: string, ts: string, message: BotMessage): Promise<void>;
  /** Answers an interaction through its `response_url` (the only way to touch an ephemeral message). */
  respond(responseUrl: string, body: ResponseUrlBody): Promise<void>;
  /** Publishes the user's Home tab (`views.publish`). */
  publishHome(userId: string, view: HomeView): Promise<void>;
}

/** Opens a modal for an interaction. */
export type ViewOpener = (triggerId: string, view: ModalView) => Promise<void>;

/** Dependencies of the webhook's decisions: nothing here calls Slack but `views.open`, which cannot wait. */
export interface BotDeps {
  readonly meetings: Pick<
    MeetingsRepository,
    'get' | 'upcoming' | 'claimForPrep' | 'unclaim' | 'markPrepInProgress' | 'revertPrepStart'
  >;
  readonly users: Pick<UsersRepository, 'get' | 'savePreferences'>;
  readonly sessions: Pick<ChatSessionsRepository, 'get'>;
  readonly reminders: ReminderScheduler;
  readonly reminderTarget: ReminderTargetConfig;
  /** Cancelling a pending reminder from the Home tab. */
  readonly reminderSchedules: Pick<ReminderSchedules, 'cancel'>;
  /** The user's digest schedule, created, moved or deleted with the preferences. */
  readonly digests: DigestSchedules;
  /** `views.open` for a bot token (the webhook calls it before answering: the trigger id lasts 3 s). */
  readonly views: (botToken: string) => ViewOpener;
  readonly queue: WorkQueue;
  readonly newId: () => string;
  readonly now: () => Date;
  readonly logger: Logger;
}

/** Dependencies of the worker. */
export interface WorkerDeps {
  readonly meetings: Pick<MeetingsRepository, 'get' | 'upcoming' | 'markPrepCompleted' | 'revertPrepStart'>;
  readonly users: Pick<UsersRepository, 'get' | 'claimDigest' | 'releaseDigest'>;
  readonly sessions: Pick<
    ChatSessionsRepository,
    'create' | 'get' | 'findForMessage' | 'appendAndAdvance' | 'end' | 'recordOpening'
  >;
  readonly slack: SlackPort;
  /** Pending reminders shown on the Home tab. */
  readonly reminders: Pick<ReminderSchedules, 'pending'>;
  readonly kits: PrepKits;
  /** Sends the prep kit by email when Slack does not reach the user; absent when no sender is set up. */
  readonly mailer?: KitMailer;
  readonly now: () => Date;
  readonly logger: Logger;
}
