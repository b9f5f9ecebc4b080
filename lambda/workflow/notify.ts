/**
 * The part every NotifyVia* task shares: try the channel once, record a failed or skipped attempt on the meeting,
 * and rethrow the classified error for the state machine's Retry/Catch. A delivery is recorded by RecordDelivery,
 * so a send that succeeded is never repeated because a bookkeeping write failed.
 */
import { Channel, NotificationAttempt } from '../shared/domain';
import {
  ChannelError,
  ChannelRateLimitedError,
  ChannelTransientFailureError,
  ChannelUnavailableError,
  channelErrorCode,
  isChannelError,
} from '../shared/errors';
import { createLogger } from '../shared/logger';
import { MeetingsRepository } from '../shared/repositories';
import { NotifyInput, NotifyResult } from './task-io';

/** The longest a task waits on a provider's Retry-After before handing the retry to the state machine. */
export const MAX_RETRY_AFTER_WAIT_SECONDS = 20;

/** Dependencies of {@link notifyViaChannel}. */
export interface NotifyDeps {
  readonly meetings: Pick<MeetingsRepository, 'appendAttempt'>;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

const logger = createLogger('notify');

function outcomeOf(error: ChannelError): NotificationAttempt['outcome'] {
  if (error instanceof ChannelUnavailableError) return 'skipped';
  if (error instanceof ChannelTransientFailureError || error instanceof ChannelRateLimitedError) return 'retrying';
  return 'failed';
}

/**
 * Sends through one channel. `send` returns the provider's message id or throws; anything it throws that is not
 * already a channel error is treated as transient (retried, then the next channel is tried).
 */
export async function notifyViaChannel(
  channel: Channel,
  input: NotifyInput,
  deps: NotifyDeps,
  send: () => Promise<string>,
): Promise<NotifyResult> {
  try {
    const notificationId = await send();
    const result = { channel, notification_id: notificationId, sent_at: deps.now().toISOString() };
    logger.info('notification delivered', { meeting_id: input.meeting.meeting_id, execution: input.execution, ...result });
    return result;
  } catch (thrown) {
    const error = isChannelError(thrown)
      ? thrown
      : new ChannelTransientFailureError(channel, (thrown as Error)?.name ?? 'unknown_error', { cause: thrown });
    const attempt: NotificationAttempt = {
      channel,
      outcome: outcomeOf(error),
      error_code: channelErrorCode(error),
      at: deps.now().toISOString(),
      execution: input.execution,
    };
    logger.warn('notification attempt did not deliver', {
      meeting_id: input.meeting.meeting_id,
      execution: input.execution,
      ...attempt,
      error: error.message,
    });
    await deps.meetings.appendAttempt(input.meeting.meeting_id, attempt);
    if (error instanceof ChannelRateLimitedError) {
      // Honour the provider's Retry-After: the state machine's next attempt then comes no sooner than asked.
      await deps.sleep(Math.min(error.retryAfterSeconds, MAX_RETRY_AFTER_WAIT_SECONDS) * 1000);
    }
    throw error;
  }
}

/** Real time, for handlers. */
export const realTime = {
  now: (): Date => new Date(),
  sleep: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)),
};
