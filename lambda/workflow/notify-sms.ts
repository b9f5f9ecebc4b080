/** NotifyViaSms: a short text through Twilio to the user's phone number. */
import { sendSms, twilioClient } from '../shared/channels/sms-sender';
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { ChannelUnavailableError } from '../shared/errors';
import { MeetingsRepository, UsersRepository } from '../shared/repositories';
import { twilioCredentials } from '../shared/secrets';
import { notifyViaChannel, realTime } from './notify';
import { NotifyInput, NotifyResult } from './task-io';

const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
const users = new UsersRepository(dynamoDocumentClient(), requiredEnv('USERS_TABLE_NAME'));

/** Lambda entry point. */
export async function handler(input: NotifyInput): Promise<NotifyResult> {
  return notifyViaChannel('sms', input, { meetings, ...realTime }, async () => {
    if (!input.user.has_phone) throw new ChannelUnavailableError('sms', 'no_phone_number');
    const credentials = await twilioCredentials();
    if (!credentials) throw new ChannelUnavailableError('sms', 'not_configured');
    // The number is read here, not carried in the execution history.
    const phone = (await users.get(input.user.user_id))?.phone_number;
    if (!phone) throw new ChannelUnavailableError('sms', 'no_phone_number');
    return sendSms(twilioClient(credentials), credentials.fromNumber, phone, input);
  });
}
