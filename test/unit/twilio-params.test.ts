/**
 * What Twilio posts to our two routes, bounded before anything reaches DynamoDB: the real payloads pass, and every
 * id we read that Twilio would not send is refused with a short reason that never repeats the value.
 */
import { callbackQueryProblem, twilioParamsProblem } from '../../lambda/channels/sms/twilio-params';
import { replyLimitKey } from '../../lambda/actions/sms-reply-limit';
import { fixture } from './fixture';

const incoming = fixture<{ params: Record<string, string> }>('twilio/incoming-sms-prep.json').params;
const delivered = fixture<{ params: Record<string, string> }>('twilio/status-callback-delivered.json').params;
const undelivered = fixture<{ params: Record<string, string> }>('twilio/status-callback-undelivered-30034.json').params;
const long = 'a'.repeat(3_000);

describe('twilioParamsProblem', () => {
  it('accepts the real payloads', () => {
    expect(twilioParamsProblem(incoming, 'incoming_sms')).toBeUndefined();
    expect(twilioParamsProblem(delivered, 'status_callback')).toBeUndefined();
    expect(twilioParamsProblem(undelivered, 'status_callback')).toBeUndefined();
  });

  it('accepts an MMS SID, a 1,600-character body and a status callback from an alphanumeric sender', () => {
    const mms = `MM${'0'.repeat(32)}`;
    expect(
      twilioParamsProblem(
        { ...incoming, MessageSid: mms, SmsSid: mms, SmsMessageSid: mms, Body: 'é'.repeat(1_600) },
        'incoming_sms',
      ),
    ).toBeUndefined();
    expect(twilioParamsProblem({ ...delivered, From: 'ACME Corp' }, 'status_callback')).toBeUndefined();
  });

  it.each([
    ['MessageSid', { MessageSid: `SM${long}` }],
    ['MessageSid', { MessageSid: `SM${'A'.repeat(32)}` }],
    ['SmsSid', { SmsSid: 'SM1' }],
    ['AccountSid', { AccountSid: `AC${long}` }],
    ['MessagingServiceSid', { MessagingServiceSid: 'MG' }],
    ['From', { From: `+1${'2'.repeat(15)}` }],
    ['From', { From: '212-555-0143' }],
    ['To', { To: long }],
    ['Body', { Body: 'P'.repeat(1_601) }],
    ['SmsStatus', { SmsStatus: long }],
  ])('refuses an incoming SMS whose %s is not what Twilio sends', (name, change) => {
    const problem = twilioParamsProblem({ ...incoming, ...change }, 'incoming_sms');

    expect(problem).toBe(`${name} is not valid`);
  });

  it.each([
    ['MessageStatus is not valid', { MessageStatus: 'exploded' }],
    ['ErrorCode is not valid', { ErrorCode: long }],
    ['From is not valid', { From: long }],
    ['MessageSid and SmsSid differ', { SmsSid: `SM${'0'.repeat(32)}` }],
  ])('refuses a status callback: %s', (reason, change) => {
    expect(twilioParamsProblem({ ...undelivered, ...change }, 'status_callback')).toBe(reason);
  });

  it('asks for what each route needs', () => {
    const { MessageSid: _m, SmsSid: _s, SmsMessageSid: _sm, ...noSid } = incoming;
    const { From: _f, ...noFrom } = incoming;
    const { MessageStatus: _ms, SmsStatus: _ss, ...noStatus } = delivered;

    expect(twilioParamsProblem(noSid, 'incoming_sms')).toBe('MessageSid is required');
    expect(twilioParamsProblem(noFrom, 'incoming_sms')).toBe('From is required');
    expect(twilioParamsProblem(noStatus, 'status_callback')).toBe('MessageStatus is required');
  });
});

describe('callbackQueryProblem', () => {
  const query = { meeting_id: 'm-7f3a', execution: 'm-7f3a-b3f1c0d2-6a7e-4e89-9c41-5d2a8f7e0b16' };

  it('accepts the meeting and execution our callback URL names', () => {
    expect(callbackQueryProblem(query)).toBeUndefined();
  });

  it.each([
    ['meeting_id is not valid', { meeting_id: long }],
    ['meeting_id is not valid', { meeting_id: 'm 7f3a' }],
    ['execution is not valid', { execution: 'e'.repeat(81) }],
    ['the callback query (meeting_id, execution) is required', { execution: undefined }],
  ])('refuses %s', (reason, change) => {
    expect(callbackQueryProblem({ ...query, ...change })).toBe(reason);
  });
});

describe('replyLimitKey', () => {
  it('names one counter per number and ten-minute window', () => {
    const at = new Date('2026-11-26T14:05:00Z');

    expect(replyLimitKey('+12125550143', at)).toBe(replyLimitKey('+12125550143', new Date('2026-11-26T14:09:59Z')));
    expect(replyLimitKey('+12125550143', at)).not.toBe(replyLimitKey('+12125550143', new Date('2026-11-26T14:10:00Z')));
    expect(replyLimitKey('+12125550143', at)).toMatch(/^reply-limit#\+12125550143#\d+$/);
  });
});
