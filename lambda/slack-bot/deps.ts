/** What the bot's logic needs, passed in: repositories, Slack, the scheduler, the prep kits, a clock. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { BotMeetingsRepository } from '../shared/bot-meetings';
import { ChatSessionsRepository } from '../shared/chat-sessions';
import { DEFAULT_TIMEZONE, User, isValidTimeZone } from '../shared/domain';
import { PrepKits } from '../shared/prep-kits';
import { UsersRepository } from '../shared/repositories';
import { ReminderScheduler, ReminderTargetConfig } from './reminders';
import { BotMessage } from './views';

/** The Slack Web API calls the bot makes. */
export interface SlackPort {
  /** Posts to a channel, or to a user's DM with the app when given a user id. */
  postMessage(channel: string, message: BotMessage): Promise<void>;
  /** Shows a message only `user` sees, in `channel`. */
  postEphemeral(channel: string, user: string, message: BotMessage): Promise<void>;
}

/** How the bot answers a button click: replace the clicked message, or tell the clicker privately. */
export interface ClickReplies {
  replaceOriginal(message: BotMessage): Promise<void>;
  tellUser(message: BotMessage): Promise<void>;
}

/** Dependencies of the bot's logic. */
export interface BotDeps {
  readonly meetings: Pick<BotMeetingsRepository, 'get' | 'upcoming' | 'markPrepInProgress' | 'markPrepCompleted'>;
  readonly users: Pick<UsersRepository, 'get'>;
  readonly sessions: Pick<ChatSessionsRepository, 'create' | 'delete' | 'findActive' | 'get' | 'appendAndAdvance' | 'claimEvent' | 'releaseEvent'>;
  readonly slack: SlackPort;
  readonly reminders: ReminderScheduler;
  readonly reminderTarget: ReminderTargetConfig;
  readonly kits: PrepKits;
  readonly newId: () => string;
  readonly now: () => Date;
  readonly logger: Logger;
}

/** The user's time zone, or the default. */
export function timeZoneOf(user: User | undefined): string {
  return user?.timezone && isValidTimeZone(user.timezone) ? user.timezone : DEFAULT_TIMEZONE;
}
