/**
 * The parameters Twilio posts to our two routes (a status callback, an incoming SMS), bounded before any of them
 * reaches DynamoDB: a signature proves who sent a request, not that its values fit a key or a metric dimension (a
 * signed 3,000-character `MessageSid` would otherwise fail DynamoDB's key validation, a 500). A value that is not
 * what Twilio sends is refused with a short reason that never repeats it. Pure.
 */

/** A message SID: SMS `SM…` or MMS `MM…`, 32 lower-case hex digits. */
export const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;
/** An account SID. */
export const ACCOUNT_SID = /^AC[0-9a-f]{32}$/;
/** A messaging service SID. */
export const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/;
/** An E.164 number: `+`, then at most 15 digits (so at most 16 characters). */
export const E164_NUMBER = /^\+[1-9][0-9]{1,14}$/;
/** An alphanumeric sender ID (at most 11 characters), which a status callback may carry as `From`. */
const SENDER_ID = /^[A-Za-z0-9 ]{1,11}$/;
/** A Twilio error code (30034, 21211, …), or empty. */
const ERROR_CODE = /^[0-9]{0,6}$/;
/** The longest body Twilio delivers: 1,600 characters. */
export const MAX_BODY_CHARS = 1_600;

/** Every status Twilio gives a message (`MessageStatus`, `SmsStatus`). */
export const MESSAGE_STATUSES: ReadonlySet<string> = new Set([
  'accepted',
  'scheduled',
  'canceled',
  'queued',
  'sending',
  'sent',
  'failed',
  'delivered',
  'undelivered',
  'receiving',
  'received',
  'read',
  'partially_delivered',
]);

/** The meeting id in a status callback's URL: as the workflow accepts it (lambda/shared/prep-event.ts). */
const MEETING_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
/** The execution name in a status callback's URL: Step Functions' 1–80 characters, no spaces or controls. */
const EXECUTION_NAME = /^[^\s\p{Cc}]{1,80}$/u;

/** Which route the parameters came to. */
export type TwilioRoute = 'status_callback' | 'incoming_sms';

type Rule = (value: string) => boolean;
const matches =
  (pattern: RegExp): Rule =>
  (value) =>
    pattern.test(value);

/** What each parameter we read, when present, must be; on a status callback `From`/`To` may be a sender ID. */
function rules(route: TwilioRoute): Readonly<Record<string, Rule>> {
  const address: Rule =
    route === 'incoming_sms'
      ? matches(E164_NUMBER)
      : (value) => value === '' || E164_NUMBER.test(value) || SENDER_ID.test(value);
  const status: Rule = (value) => MESSAGE_STATUSES.has(value);
  return {
    MessageSid: matches(MESSAGE_SID),
    SmsSid: matches(MESSAGE_SID),
    SmsMessageSid: matches(MESSAGE_SID),
    AccountSid: matches(ACCOUNT_SID),
    MessagingServiceSid: matches(MESSAGING_SERVICE_SID),
    MessageStatus: status,
    SmsStatus: status,
    ErrorCode: matches(ERROR_CODE),
    From: address,
    To: address,
    Body: (value) => [...value].length <= MAX_BODY_CHARS,
  };
}

/**
 * Why these parameters are not what Twilio sends to `route`, or undefined when they are: each one we read is
 * bounded, the message SIDs agree, and what the route needs is there (a SID; a status, or the sender's number).
 */
export function twilioParamsProblem(params: Readonly<Record<string, string>>, route: TwilioRoute): string | undefined {
  for (const [name, rule] of Object.entries(rules(route))) {
    const value = params[name];
    if (value !== undefined && !rule(value)) return `${name} is not valid`;
  }
  const sids = new Set(['MessageSid', 'SmsSid', 'SmsMessageSid'].map((n) => params[n]).filter((v) => v !== undefined));
  if (sids.size === 0) return 'MessageSid is required';
  if (sids.size > 1) return 'MessageSid and SmsSid differ';
  if (route === 'status_callback' && !params['MessageStatus'] && !params['SmsStatus'])
    return 'MessageStatus is required';
  if (route === 'incoming_sms' && !params['From']) return 'From is required';
  return undefined;
}

/** Why a status callback's query (the meeting and execution our callback URL names) is not ours, or undefined. */
export function callbackQueryProblem(query: Readonly<Record<string, string | undefined>>): string | undefined {
  const meetingId = query['meeting_id'];
  const execution = query['execution'];
  if (!meetingId || !execution) return 'the callback query (meeting_id, execution) is required';
  if (!MEETING_ID.test(meetingId)) return 'meeting_id is not valid';
  if (!EXECUTION_NAME.test(execution)) return 'execution is not valid';
  return undefined;
}
