/**
 * The part every NotifyVia* task shares. Before a send, the intent (execution, channel, time) is recorded on the
 * meeting; a re-run of the task that finds its own intent with no outcome (a Step Functions retry, a Lambda
 * retry, a redrive) first asks the provider whether that send went through, and sends only if it did not. After
 * a send, an unknown outcome is checked at once the same way. Bookkeeping writes after the send never hide the
 * channel's classified error: they are logged and counted.
 */
import { Channel, DeliveryIntent, NotificationAttempt } from '../shared/domain';
import {
  ChannelError,
  ChannelOutcomeUnknownError,
  ChannelPermanentFailureError,
  ChannelRateLimitedError,
  ChannelTransientFailureError,
  ChannelUnavailableError,
  TransientDataError,
  channelErrorCode,
  isChannelError,
} from '../shared/errors';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import { MeetingsRepository, intentAttribute } from '../shared/meetings-repository';
import { NotifyInput, NotifyResult } from './notify-io';
import { now } from '../shared/time';

/** The longest a task waits on a provider's Retry-After before handing the retry to the state machine. */
export const MAX_RETRY_AFTER_WAIT_SECONDS = 20;

/** A provider's receipt for a message. */
export interface Receipt {
  readonly status: 'delivered' | 'undelivered';
  readonly error_code?: string;
}

/** A send found at the provider. */
export interface FoundSend {
  readonly notification_id: string;
  /** Known when the provider already reports how the message ended. */
  readonly receipt?: Receipt;
}

/** One channel, ready to send (its preconditions checked). */
export interface ChannelSender {
  /** Sends; returns the provider's message id, or throws a classified channel error. */
  send(): Promise<string>;
  /**
   * Looks at the provider for this execution's send since `since`: the send, or undefined when there is none.
   * Throws when it cannot tell. Absent for a provider with no lookup (SES): an unknown outcome stays unknown.
   */
  findEarlier?(since: Date): Promise<FoundSend | undefined>;
}

/** Completes the execution's waiting task when a receipt is already known (the callback pattern). */
export interface TaskCompletion {
  succeed(taskToken: string, result: NotifyResult): Promise<void>;
}

/** Dependencies of {@link notifyViaChannel}. */
export interface NotifyDeps {
  readonly meetings: Pick<
    MeetingsRepository,
    'get' | 'appendAttempt' | 'recordFirstIntent' | 'recordIntent' | 'updateIntent'
  >;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Required for tasks that wait for a receipt (input with `token`). */
  readonly tasks?: TaskCompletion;
}

const logger = createLogger('notify');

function outcomeOf(error: ChannelError): NotificationAttempt['outcome'] {
  if (error instanceof ChannelUnavailableError) return 'skipped';
  if (error instanceof ChannelOutcomeUnknownError) return 'outcome_unknown';
  if (error instanceof ChannelTransientFailureError || error instanceof ChannelRateLimitedError) return 'retrying';
  return 'failed';
}

/** Runs a bookkeeping write; a failure is logged and counted, never thrown. */
async function bookkeeping(what: string, meetingId: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    countMetric(MetricNames.BookkeepingFailures, { Write: what });
    logger.error('bookkeeping write failed; the delivery outcome stands', {
      meeting_id: meetingId,
      write: what,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
}

class Attempt {
  constructor(
    readonly channel: Channel,
    readonly input: NotifyInput,
    readonly deps: NotifyDeps,
  ) {}

  get meetingId(): string {
    return this.input.meeting.meeting_id;
  }

  /** The send is with the provider: for a waiting task, hand over to the receipt; otherwise it is delivered. */
  async accepted(found: FoundSend, sentAt: string, from: readonly DeliveryIntent['state'][]): Promise<NotifyResult> {
    const result: NotifyResult = { channel: this.channel, notification_id: found.notification_id, sent_at: sentAt };
    const token = this.input.token;
    const receipt = found.receipt;
    const state: DeliveryIntent['state'] = receipt ? receipt.status : token ? 'accepted' : 'delivered';
    await bookkeeping('intent', this.meetingId, () =>
      this.deps.meetings.updateIntent(
        this.meetingId,
        this.channel,
        this.input.execution,
        from,
        {
          state,
          notification_id: found.notification_id,
          ...(token ? { task_token: token } : {}),
          ...(receipt?.error_code ? { error_code: receipt.error_code } : {}),
        },
        this.deps.now(),
      ),
    );
    if (receipt?.status === 'undelivered') {
      throw new ChannelPermanentFailureError(this.channel, receipt.error_code ?? 'undelivered');
    }
    if (token && receipt?.status === 'delivered') {
      if (!this.deps.tasks) throw new Error('a waiting task needs a task completion client');
      await this.deps.tasks.succeed(token, { ...result, status: 'DELIVERED' });
    }
    logger.info(token && !receipt ? 'notification accepted; waiting for the receipt' : 'notification delivered', {
      meeting_id: this.meetingId,
      execution: this.input.execution,
      ...result,
    });
    return result;
  }

  /** What an earlier run of this execution left; undefined when a fresh send is due. */
  async resolveEarlier(intent: DeliveryIntent, sender: ChannelSender): Promise<NotifyResult | undefined> {
    switch (intent.state) {
      case 'failed':
        return undefined;
      case 'undelivered':
        throw new ChannelPermanentFailureError(this.channel, intent.error_code ?? 'undelivered');
      case 'delivered':
      case 'accepted':
        return this.accepted(
          {
            notification_id: intent.notification_id ?? 'unknown',
            ...(intent.state === 'delivered' ? { receipt: { status: 'delivered' as const } } : {}),
          },
          intent.at,
          [intent.state],
        );
      case 'unverified':
        // Given up on as unverifiable by this execution already: never sent again, whatever a redrive asks.
        throw new ChannelOutcomeUnknownError(this.channel, 'earlier_send_unverified');
      case 'sending': {
        if (!sender.findEarlier) throw new ChannelOutcomeUnknownError(this.channel, 'earlier_send_unconfirmed');
        const found = await this.lookUp(sender, new Date(intent.at));
        if (found === 'unknown') throw new ChannelOutcomeUnknownError(this.channel, 'earlier_send_unverifiable');
        countMetric(MetricNames.EarlierSendsChecked, { Channel: this.channel, Found: found ? 'true' : 'false' });
        return found ? this.accepted(found, intent.at, ['sending']) : undefined;
      }
    }
  }

  async lookUp(sender: ChannelSender, since: Date): Promise<FoundSend | undefined | 'unknown'> {
    try {
      return await (sender.findEarlier as NonNullable<ChannelSender['findEarlier']>)(since);
    } catch (error) {
      logger.warn('could not check whether an earlier send went through', {
        meeting_id: this.meetingId,
        channel: this.channel,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return 'unknown';
    }
  }

  /** The intent of a send starting at `at`: recorded before the request leaves. */
  intentAt(at: Date): DeliveryIntent {
    const token = this.input.token;
    return {
      execution: this.input.execution,
      at: at.toISOString(),
      state: 'sending',
      ...(token ? { task_token: token } : {}),
    };
  }

  /** Records the intent (replacing whatever this execution left before), then sends. */
  async sendAgain(sender: ChannelSender): Promise<NotifyResult> {
    const at = this.deps.now();
    await this.deps.meetings.recordIntent(this.meetingId, this.channel, this.intentAt(at));
    return this.send(sender, at);
  }

  /** Sends, its intent recorded at `at`. */
  async send(sender: ChannelSender, at: Date): Promise<NotifyResult> {
    let id: string;
    try {
      id = await sender.send();
    } catch (thrown) {
      let error = isChannelError(thrown)
        ? thrown
        : new ChannelOutcomeUnknownError(this.channel, (thrown as Error)?.name ?? 'unknown_error', { cause: thrown });
      if (error instanceof ChannelOutcomeUnknownError && sender.findEarlier) {
        const found = await this.lookUp(sender, at);
        if (found !== 'unknown')
          countMetric(MetricNames.EarlierSendsChecked, { Channel: this.channel, Found: found ? 'true' : 'false' });
        if (found && found !== 'unknown') return this.accepted(found, at.toISOString(), ['sending']);
        // Not there: it was not sent, so a retry (or the next channel) cannot duplicate it.
        if (found === undefined) error = new ChannelTransientFailureError(this.channel, error.code, { cause: error });
      }
      if (!(error instanceof ChannelOutcomeUnknownError)) {
        await bookkeeping('intent', this.meetingId, () =>
          this.deps.meetings.updateIntent(
            this.meetingId,
            this.channel,
            this.input.execution,
            ['sending'],
            { state: 'failed', error_code: channelErrorCode(error) },
            this.deps.now(),
          ),
        );
      }
      throw error;
    }
    return this.accepted({ notification_id: id }, at.toISOString(), ['sending']);
  }
}

/**
 * Sends through one channel at most once per execution. `prepare` checks the channel's preconditions (throwing
 * {@link ChannelUnavailableError}) and returns the sender.
 */
export async function notifyViaChannel(
  channel: Channel,
  input: NotifyInput,
  deps: NotifyDeps,
  prepare: () => Promise<ChannelSender>,
): Promise<NotifyResult> {
  const attempt = new Attempt(channel, input, deps);
  try {
    const sender = await prepare();
    // The common case in one write: the channel holds no intent of this execution, so the send is due.
    const at = deps.now();
    const intent = attempt.intentAt(at);
    if (await deps.meetings.recordFirstIntent(input.meeting.meeting_id, channel, intent))
      return await attempt.send(sender, at);
    // It holds one: a re-run of this task (what did the earlier run leave?), or this very write, landed with its
    // answer lost (the SDK retried it, and the retry's condition failed on it).
    const meeting = await deps.meetings.get(input.meeting.meeting_id);
    const earlier = meeting?.[intentAttribute(channel)];
    if (earlier && earlier.execution === input.execution) {
      if (earlier.state === 'sending' && earlier.at === intent.at) return await attempt.send(sender, at);
      const resolved = await attempt.resolveEarlier(earlier, sender);
      if (resolved) return resolved;
    }
    return await attempt.sendAgain(sender);
  } catch (thrown) {
    if (thrown instanceof TransientDataError) throw thrown;
    const error = isChannelError(thrown)
      ? thrown
      : new ChannelTransientFailureError(channel, (thrown as Error)?.name ?? 'unknown_error', { cause: thrown });
    const record: NotificationAttempt = {
      channel,
      outcome: outcomeOf(error),
      error_code: channelErrorCode(error),
      at: deps.now().toISOString(),
      execution: input.execution,
    };
    logger.warn('notification attempt did not deliver', {
      meeting_id: input.meeting.meeting_id,
      execution: input.execution,
      ...record,
      error: error.message,
    });
    await bookkeeping('attempt', input.meeting.meeting_id, () =>
      deps.meetings.appendAttempt(input.meeting.meeting_id, record),
    );
    if (error instanceof ChannelRateLimitedError) {
      // Honour the provider's Retry-After: the state machine's next attempt then comes no sooner than asked.
      await deps.sleep(Math.min(error.retryAfterSeconds, MAX_RETRY_AFTER_WAIT_SECONDS) * 1000);
    }
    throw error;
  }
}

/** Real time, for handlers. */
export const realTime = {
  now,
  sleep: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)),
};
