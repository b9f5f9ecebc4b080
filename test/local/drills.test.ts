/**
 * `npm start -- --fail …` drills on one running system (in-process, free port): what each drill makes the
 * stand-ins do, and what the trace shows — the wait for the receipt, the receipt, and where the workflow went.
 */
import { statesEntered } from '../../local/workflow-runner';
import { useDrillRuntime } from './drill-helpers';

// Each drill is a whole execution against loopback stand-ins: generous under a loaded machine (no timing is asserted).
jest.setTimeout(30_000);

// Receipts come at once here; the receipt wait runs in real time, so a busy machine cannot make it expire. The
// slack-timeout drill waits out the functions' provider timeout: 2 s here instead of 8 s, the same path (every
// other stand-in answers within milliseconds).
const drills = useDrillRuntime(undefined, 2_000);

describe('npm start drills', () => {
  it('--fail slack,sms-undelivered: the SMS is reported undelivered (30034) by a signed callback, and email is sent', async () => {
    const { execution, trace, meeting } = await drills.drill('m-drill-1', ['slack', 'sms-undelivered']);

    expect(statesEntered(execution)).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaSms',
      'RouteNextChannel',
      'PickChannel',
      'NotifyViaEmail',
      'RecordDelivery',
    ]);
    expect(trace).toMatch(/⏳ NotifyViaSms sent; waiting for the provider's receipt/);
    expect(trace).toMatch(/✉ NotifyViaSms receipt: not delivered — ChannelPermanentFailure .*30034/);
    expect(trace).toMatch(/Twilio status callback: undelivered → 200/);
    expect(trace).toContain('Delivered via email');
    expect(meeting).toMatchObject({ notification_channel: 'email', notification_status: 'DELIVERED' });
  });

  it('--fail slack,sms,email-bounce: the bounce fails the last channel (AllChannelsFailed)', async () => {
    const { execution, trace } = await drills.drill('m-drill-2', ['slack', 'sms', 'email-bounce']);

    expect(execution.error).toBe('AllChannelsFailed');
    expect(trace).toMatch(
      /✉ NotifyViaEmail receipt: not delivered — ChannelPermanentFailure .*bounce_Permanent_General/,
    );
  });

  it('--fail slack-timeout: Slack takes the post but never answers; the post is found in the DM history, sent once', async () => {
    const { execution, meeting } = await drills.drill('m-drill-4', ['slack-timeout']);

    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(drills.runtime.env.slack.calls('chat.postMessage')).toHaveLength(1);
    expect(meeting).toMatchObject({ notification_channel: 'slack', notification_status: 'DELIVERED' });
  }, 30_000); // the functions' provider timeout (2 s here) runs out first
});
