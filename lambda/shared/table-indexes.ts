/**
 * Names of the tables' global secondary indexes, as Lambda code queries them. `lib/constructs/tables.ts` creates
 * them under its own constants; `lib/constructs/slack-bot-api.ts` checks at synth time that both agree, so Lambda
 * code never imports CDK code.
 */

/** Meetings by owner and start time: `user_id` (hash), `start_time` (range). */
export const MEETINGS_BY_USER_INDEX = 'user_id-start_time-index';

/** Chat sessions by owner and creation time: `user_id` (hash), `created_at` (range). */
export const SESSIONS_BY_USER_INDEX = 'user_id-created_at-index';

/** Users by phone number (E.164): an inbound SMS names its sender by number. `phone_number` (hash), keys only. */
export const USERS_BY_PHONE_INDEX = 'phone_number-index';
