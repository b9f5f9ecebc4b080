/** NotifyViaEmail: the prep notice by SES, in HTML and plain text. */
import { sendEmail, ses } from '../shared/channels/email-sender';
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { ChannelUnavailableError } from '../shared/errors';
import { MeetingsRepository, UsersRepository } from '../shared/repositories';
import { emailSender } from '../shared/secrets';
import { notifyViaChannel, realTime } from './notify';
import { NotifyInput, NotifyResult } from './task-io';

const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
const users = new UsersRepository(dynamoDocumentClient(), requiredEnv('USERS_TABLE_NAME'));

/** Lambda entry point. */
export async function handler(input: NotifyInput): Promise<NotifyResult> {
  return notifyViaChannel('email', input, { meetings, ...realTime }, async () => {
    if (!input.user.has_email) throw new ChannelUnavailableError('email', 'no_email');
    const from = emailSender();
    if (!from) throw new ChannelUnavailableError('email', 'not_configured');
    const to = (await users.get(input.user.user_id))?.email;
    if (!to) throw new ChannelUnavailableError('email', 'no_email');
    return sendEmail(ses(), from, to, input);
  });
}
