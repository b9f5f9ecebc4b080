/**
 * NotifyViaSms: a short text through Twilio to the user's phone number. The task waits for Twilio's status
 * callback (`POST /twilio/status`, handled by twilio-status.ts), which completes it: delivered, or undelivered
 * (the next channel is tried).
 */
import { findSms, sendSms, twilioMessages } from './sender';
import { stepFunctionsTasks } from '../task-tokens';
import { dynamoDocumentClient } from '../../shared/clients';
import { requiredEnv } from '../../shared/env';
import { ChannelUnavailableError } from '../../shared/errors';
import { MeetingsRepository } from '../../shared/meetings-repository';
import { UsersRepository } from '../../shared/users-repository';
import { twilioCredentials } from '../../shared/secrets';
import { SmsReplyBook } from '../../shared/sms-reply-book';
import { isE164 } from './text';
import { notifyViaChannel, realTime } from '../notify';
import { now } from '../../shared/time';
import { NotifyInput, NotifyResult } from '../notify-io';

const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
const users = new UsersRepository(dynamoDocumentClient(), requiredEnv('USERS_TABLE_NAME'));
const replyBook = new SmsReplyBook(dynamoDocumentClient(), requiredEnv('USERS_TABLE_NAME'), meetings);
/** The public URL of `POST /twilio/status`, exactly as Twilio will call it (its signature covers it). */
const statusCallbackBase = requiredEnv('TWILIO_STATUS_CALLBACK_URL');

/** The status callback URL of one execution's SMS: the receipt handler finds the waiting task by it. */
export function statusCallbackUrl(base: string, meetingId: string, execution: string): string {
  const url = new URL(base);
  url.searchParams.set('meeting_id', meetingId);
  url.searchParams.set('execution', execution);
  return url.toString();
}

/** Lambda entry point. */
export async function handler(input: NotifyInput): Promise<NotifyResult> {
  return notifyViaChannel('sms', input, { meetings, ...realTime, tasks: stepFunctionsTasks }, async () => {
    if (!input.user.has_phone) throw new ChannelUnavailableError('sms', 'no_phone_number');
    const credentials = await twilioCredentials();
    if (!credentials) throw new ChannelUnavailableError('sms', 'not_configured');
    // The number is read here, not carried in the execution history.
    const phone = (await users.get(input.user.user_id))?.phone_number;
    if (!phone) throw new ChannelUnavailableError('sms', 'no_phone_number');
    if (!isE164(phone)) throw new ChannelUnavailableError('sms', 'invalid_phone_number');
    const messages = twilioMessages(credentials.accountSid, credentials.authToken);
    const callback = statusCallbackUrl(statusCallbackBase, input.meeting.meeting_id, input.execution);
    // Numbered before the send, so a reply ("PREP 2") finds this meeting; a retry of this execution gets the same
    // number and text, so findSms recognises an earlier send.
    const { number, shown } = await replyBook.assign(input.user.user_id, input.meeting, input.execution, now());
    const reply = shown ? { number } : {};
    return {
      send: () => sendSms(messages, credentials.fromNumber, phone, input, callback, reply),
      findEarlier: (since) => findSms(messages, credentials.fromNumber, phone, input, since, reply),
    };
  });
}
