/**
 * `npm start -- --fail sms-no-receipt` on a running system whose clock runs fast: the receipt wait runs out, the SMS
 * is recorded UNCONFIRMED, and nothing is resent.
 */
import { statesEntered } from '../../local/workflow-runner';
import { useDrillRuntime } from './drill-helpers';

// Each drill is a whole execution against loopback stand-ins: generous under a loaded machine (no timing is asserted).
jest.setTimeout(30_000);

// No receipt ever comes in this drill: 10 minutes of receipt wait pass in 100 ms.
const drills = useDrillRuntime(6000);

describe('npm start drills', () => {
  it('--fail slack,sms-no-receipt: after the (time-scaled) wait the SMS is UNCONFIRMED, never resent, no email', async () => {
    const { execution, trace, meeting } = await drills.drill('m-drill-3', ['slack', 'sms-no-receipt']);

    expect(statesEntered(execution).slice(-2)).toEqual(['NotifyViaSms', 'RecordUnconfirmed']);
    expect(trace).toMatch(/⌛ NotifyViaSms no receipt in time/);
    expect(trace).toContain('(notification UNCONFIRMED)');
    expect(drills.runtime.env.twilio.messages).toHaveLength(1);
    expect(meeting).toMatchObject({ notification_channel: 'sms', notification_status: 'UNCONFIRMED' });
  });
});
