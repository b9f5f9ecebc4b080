/**
 * The shared NotifyVia* logic with its dependencies passed in: bookkeeping never hides the channel's classified
 * error, an earlier send of the same execution is looked up before sending again, and an unknown outcome with no
 * lookup is never resent.
 */
import { DeliveryIntent, Meeting } from '../../lambda/shared/domain';
import {
  ChannelOutcomeUnknownError,
  ChannelPermanentFailureError,
  ChannelTransientFailureError,
  TransientDataError,
} from '../../lambda/shared/errors';
import { ChannelSender, NotifyDeps, notifyViaChannel } from '../../lambda/channels/notify';
import { NotifyInput } from '../../lambda/workflow/task-io';
import { jordan, leadershipSync, rejectionOf } from './fixture';

const input: NotifyInput = { meeting: leadershipSync, user: jordan, reminder: false, execution: 'm-7f3a-e1' };
const now = () => new Date('2026-11-26T14:00:04Z');

/** Meeting bookkeeping kept in a map, as the repository keeps it in DynamoDB; writes can be made to fail. */
function bookkeeping(options: { failWrites?: boolean; intent?: DeliveryIntent } = {}) {
  const meeting: Record<string, unknown> = {
    meeting_id: 'm-7f3a',
    user_id: 'U024BE7LH',
    start_time: leadershipSync.start_time,
    ...(options.intent ? { notification_intent_slack: options.intent } : {}),
  };
  const failing = async () => {
    throw new TransientDataError('UpdateItem meetings: ProvisionedThroughputExceededException');
  };
  const deps: NotifyDeps = {
    now,
    sleep: async () => undefined,
    meetings: {
      get: async () => meeting as unknown as Meeting,
      recordFirstIntent: async (_id, channel, intent) => {
        const held = meeting[`notification_intent_${channel}`] as DeliveryIntent | undefined;
        if (held?.execution === intent.execution) return false;
        meeting[`notification_intent_${channel}`] = intent;
        return true;
      },
      recordIntent: async (_id, channel, intent) => {
        meeting[`notification_intent_${channel}`] = intent;
      },
      updateIntent: options.failWrites ? failing : async () => true,
      appendAttempt: options.failWrites ? failing : async () => undefined,
    },
  };
  return { deps, meeting };
}

describe('notifyViaChannel', () => {
  it('throws the channel’s classified error, not the bookkeeping error, when recording the attempt fails', async () => {
    const { deps } = bookkeeping({ failWrites: true });
    const sender: ChannelSender = {
      send: async () => {
        throw new ChannelPermanentFailureError('slack', 'channel_not_found');
      },
    };

    const error = await rejectionOf(notifyViaChannel('slack', input, deps, async () => sender));

    expect(error).toBeInstanceOf(ChannelPermanentFailureError);
    expect(error).toMatchObject({ code: 'channel_not_found' });
  });

  it('returns the delivery although recording it on the intent fails: a sent message is never reported as failed', async () => {
    const { deps } = bookkeeping({ failWrites: true });

    const result = await notifyViaChannel('slack', input, deps, async () => ({
      send: async () => '1795701604.218309',
    }));

    expect(result).toMatchObject({ channel: 'slack', notification_id: '1795701604.218309' });
  });

  it('looks for an earlier send of this execution before sending, and sends nothing when it finds one', async () => {
    const { deps } = bookkeeping({ intent: { execution: 'm-7f3a-e1', at: '2026-11-26T14:00:03Z', state: 'sending' } });
    const sent: string[] = [];
    const sender: ChannelSender = {
      send: async () => {
        sent.push('post');
        return 'new-ts';
      },
      findEarlier: async () => ({ notification_id: '1795701604.218309' }),
    };

    const result = await notifyViaChannel('slack', input, deps, async () => sender);

    expect(sent).toEqual([]);
    expect(result.notification_id).toBe('1795701604.218309');
  });

  it('sends when the earlier send is not found', async () => {
    const { deps } = bookkeeping({ intent: { execution: 'm-7f3a-e1', at: '2026-11-26T14:00:03Z', state: 'sending' } });

    const result = await notifyViaChannel('slack', input, deps, async () => ({
      send: async () => 'new-ts',
      findEarlier: async () => undefined,
    }));

    expect(result.notification_id).toBe('new-ts');
  });

  it('never resends when an earlier send of this execution has an unknown outcome and cannot be looked up (SES)', async () => {
    const { deps } = bookkeeping({ intent: { execution: 'm-7f3a-e1', at: '2026-11-26T14:00:03Z', state: 'sending' } });
    const sent: string[] = [];

    const error = await rejectionOf(
      notifyViaChannel('slack', input, deps, async () => ({
        send: async () => {
          sent.push('mail');
          return 'id';
        },
      })),
    );

    expect(error).toBeInstanceOf(ChannelOutcomeUnknownError);
    expect(sent).toEqual([]);
  });

  it('checks at once after a timeout: not found means not sent, so it is retried as transient', async () => {
    const { deps } = bookkeeping();
    const sender: ChannelSender = {
      send: async () => {
        throw new ChannelOutcomeUnknownError('slack', 'timeout');
      },
      findEarlier: async () => undefined,
    };

    const error = await rejectionOf(notifyViaChannel('slack', input, deps, async () => sender));

    expect(error).toBeInstanceOf(ChannelTransientFailureError);
  });

  it('stays outcome unknown when the check itself fails', async () => {
    const { deps } = bookkeeping();
    const sender: ChannelSender = {
      send: async () => {
        throw new ChannelOutcomeUnknownError('slack', 'timeout');
      },
      findEarlier: async () => {
        throw new Error('fetch failed');
      },
    };

    const error = await rejectionOf(notifyViaChannel('slack', input, deps, async () => sender));

    expect(error).toBeInstanceOf(ChannelOutcomeUnknownError);
  });

  it('lets a failed intent write through as TransientDataError, before anything is sent', async () => {
    const { deps } = bookkeeping();
    const sent: string[] = [];
    const failingIntent: NotifyDeps = {
      ...deps,
      meetings: {
        ...deps.meetings,
        recordFirstIntent: async () => {
          throw new TransientDataError('throttled');
        },
      },
    };

    const error = await rejectionOf(
      notifyViaChannel('slack', input, failingIntent, async () => ({
        send: async () => {
          sent.push('x');
          return 'ts';
        },
      })),
    );

    expect(error).toBeInstanceOf(TransientDataError);
    expect(sent).toEqual([]);
  });
});
