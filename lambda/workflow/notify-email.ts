/**
 * NotifyViaEmail: the prep notice by SES, in HTML and plain text, in the configuration set whose events
 * (delivery, bounce, reject) reach ses-events.ts through EventBridge, which completes the waiting task. SES has no
 * lookup of sent mail: an unknown outcome is recorded unconfirmed and never resent.
 */
import { sendEmail, ses } from '../shared/channels/email-sender';
import { stepFunctionsTasks } from '../shared/channels/task-tokens';
import { dynamoDocumentClient } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { ChannelUnavailableError } from '../shared/errors';
import { MeetingsRepository } from '../shared/repositories';
import { UsersRepository } from '../shared/users-repository';
import { emailSender } from '../shared/secrets';
import { notifyViaChannel, realTime } from './notify';
import { NotifyInput, NotifyResult } from './task-io';

const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
const users = new UsersRepository(dynamoDocumentClient(), requiredEnv('USERS_TABLE_NAME'));
const configurationSet = requiredEnv('SES_CONFIGURATION_SET');

/** Lambda entry point. */
export async function handler(input: NotifyInput): Promise<NotifyResult> {
  return notifyViaChannel('email', input, { meetings, ...realTime, tasks: stepFunctionsTasks }, async () => {
    if (!input.user.has_email) throw new ChannelUnavailableError('email', 'no_email');
    const from = emailSender();
    if (!from) throw new ChannelUnavailableError('email', 'not_configured');
    const to = (await users.get(input.user.user_id))?.email;
    if (!to) throw new ChannelUnavailableError('email', 'no_email');
    return { send: () => sendEmail(ses(), from, to, input, { configurationSet, execution: input.execution }) };
  });
}
