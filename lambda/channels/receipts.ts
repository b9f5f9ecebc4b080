/**
 * What a provider's delivery receipt does, whichever the provider: it ends the execution's intent on the meeting
 * (delivered or undelivered) and completes the task that waits for it — `SendTaskSuccess` with the delivery, or
 * `SendTaskFailure` with ChannelPermanentFailure so the next channel is tried. A receipt for a send that is not
 * the meeting's current one (another execution, another message) changes nothing, and neither does one for an
 * intent already final: a receipt is applied once, by the one conditional write that ends the intent.
 */
import { failTask, succeedTask, type Completion } from './task-tokens';
import { Channel, DeliveryIntent } from '../shared/domain';
import { ErrorNames } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import { MeetingsRepository, intentAttribute } from '../shared/meetings-repository';

const logger = createLogger('receipts');

/** A receipt as the handlers parse it. */
export interface DeliveryReceipt {
  readonly channel: Channel;
  readonly meetingId: string;
  readonly execution: string;
  /** The provider's message id (Twilio SID, SES MessageId). */
  readonly notificationId: string;
  readonly status: 'delivered' | 'undelivered';
  /** The provider's reason for an undelivered message (Twilio ErrorCode, SES bounce type). */
  readonly errorCode?: string;
  /** When the provider reported it. */
  readonly at: Date;
}

/**
 * What a receipt did. `already_final`: the intent had already ended (a replayed or late receipt, or a concurrent
 * one that won): nothing written, nothing counted.
 */
export type ReceiptOutcome = Completion | 'not_current' | 'no_task' | 'already_final';

/** The intent states a receipt ends; from any other (delivered, undelivered, failed…) it moves nothing. */
const OPEN_STATES: readonly DeliveryIntent['state'][] = ['sending', 'accepted'];

/** Dependencies of {@link applyReceipt}. */
export interface ReceiptDeps {
  readonly meetings: Pick<MeetingsRepository, 'get' | 'updateIntent' | 'appendAttempt'>;
  readonly succeed: typeof succeedTask;
  readonly fail: typeof failTask;
}

/**
 * Applies one receipt. Idempotent: it acts only through the conditional write that ends the intent (from `sending`
 * or `accepted`), so a repeated receipt writes nothing, counts nothing and completes nothing twice (Step Functions
 * says the task is gone).
 */
export async function applyReceipt(receipt: DeliveryReceipt, deps: ReceiptDeps): Promise<ReceiptOutcome> {
  const meeting = await deps.meetings.get(receipt.meetingId);
  const intent = meeting?.[intentAttribute(receipt.channel)];
  const context = {
    meeting_id: receipt.meetingId,
    execution: receipt.execution,
    channel: receipt.channel,
    notification_id: receipt.notificationId,
    status: receipt.status,
    error_code: receipt.errorCode,
  };
  if (
    !intent ||
    intent.execution !== receipt.execution ||
    (intent.notification_id && intent.notification_id !== receipt.notificationId)
  ) {
    logger.warn('receipt for a send that is not the current one; ignored', context);
    return 'not_current';
  }
  if (!OPEN_STATES.includes(intent.state)) {
    // Twilio's signatures carry no timestamp, so a captured callback can be replayed at will: once the intent has
    // ended, a receipt writes and counts nothing. The same receipt again only repeats the completion (Step Functions
    // answers that the task is gone once it was done), so a receipt whose completion failed is completed by its retry.
    if (intent.state !== receipt.status || !intent.task_token) {
      logger.info('receipt for a send already final; ignored', { ...context, state: intent.state });
      return 'already_final';
    }
    return complete(receipt, intent, intent.task_token, deps, context);
  }
  const moved = await deps.meetings.updateIntent(
    receipt.meetingId,
    receipt.channel,
    receipt.execution,
    OPEN_STATES,
    {
      state: receipt.status,
      notification_id: receipt.notificationId,
      ...(receipt.errorCode ? { error_code: receipt.errorCode } : {}),
    },
    receipt.at,
  );
  if (!moved) {
    // Another receipt ended the intent (or a new send replaced it) since it was read: that one acts, not this.
    logger.info('receipt lost the race to end the intent; ignored', context);
    return 'already_final';
  }
  if (receipt.status === 'undelivered') {
    // Per channel (what the alarms watch) and per provider error code (what says why).
    countMetric(MetricNames.UndeliveredReceipts, { Channel: receipt.channel });
    countMetric(MetricNames.UndeliveredReceipts, {
      Channel: receipt.channel,
      ErrorCode: receipt.errorCode ?? 'unknown',
    });
    try {
      await deps.meetings.appendAttempt(receipt.meetingId, {
        channel: receipt.channel,
        outcome: 'undelivered',
        error_code: receipt.errorCode ?? 'undelivered',
        notification_id: receipt.notificationId,
        at: receipt.at.toISOString(),
        execution: receipt.execution,
      });
    } catch (error) {
      countMetric(MetricNames.BookkeepingFailures, { Write: 'attempt' });
      logger.error('could not record the undelivered attempt; completing the task anyway', {
        ...context,
        error: String(error),
      });
    }
  }
  const token = intent.task_token;
  if (!token) {
    logger.info('receipt recorded; no task waits for it', context);
    return 'no_task';
  }
  return complete(receipt, intent, token, deps, context);
}

/** Completes the waiting task as the receipt says: SendTaskSuccess with the delivery, or SendTaskFailure. */
async function complete(
  receipt: DeliveryReceipt,
  intent: DeliveryIntent,
  token: string,
  deps: ReceiptDeps,
  context: Record<string, unknown>,
): Promise<Completion> {
  const outcome =
    receipt.status === 'delivered'
      ? await deps.succeed(token, {
          channel: receipt.channel,
          notification_id: receipt.notificationId,
          sent_at: intent.at,
          status: 'DELIVERED',
        })
      : await deps.fail(token, ErrorNames.ChannelPermanentFailure, {
          channel: receipt.channel,
          code: receipt.errorCode ?? 'undelivered',
          provider_id: receipt.notificationId,
          message: `${receipt.channel} failed permanently: ${receipt.errorCode ?? 'undelivered'} (undelivered)`,
        });
  logger.info(
    outcome === 'completed' ? 'receipt completed the waiting task' : 'receipt came after the task stopped waiting',
    context,
  );
  return outcome;
}
