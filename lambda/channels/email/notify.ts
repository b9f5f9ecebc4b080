/**
 * NotifyViaEmail: the prep notice by SES, in HTML and plain text, in the configuration set whose events
 * (delivery, bounce, reject) reach ses-events.ts through EventBridge, which completes the waiting task. SES has no
 * lookup of sent mail: an unknown outcome is recorded unconfirmed and never resent. The email carries signed
 * one-click links (Start Prep, Remind Me, and RFC 8058 unsubscribe) to the project's API (lambda/actions/).
 */
import { emailLinksFor } from './links';
import { LinkKeys, LinkKeysUnavailableError } from './link-keys';
import { createLogger } from '../../shared/logger';
import type { EmailLinks } from './messages';
import { sendEmail, ses } from './sender';
import { stepFunctionsTasks } from '../task-tokens';
import { dynamoDocumentClient } from '../../shared/clients';
import { requiredEnv } from '../../shared/env';
import { ChannelUnavailableError } from '../../shared/errors';
import { MeetingsRepository } from '../../shared/meetings-repository';
import { UsersRepository } from '../../shared/users-repository';
import { emailSender, linkSigningKeysJson } from '../../shared/secrets';
import { now } from '../../shared/time';
import { notifyViaChannel, realTime } from '../notify';
import { NotifyInput, NotifyResult } from '../notify-io';

const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
const users = new UsersRepository(dynamoDocumentClient(), requiredEnv('USERS_TABLE_NAME'));
const configurationSet = requiredEnv('SES_CONFIGURATION_SET');
/** The API's public stage URL, where the links point. */
const publicApiUrl = requiredEnv('PUBLIC_API_URL');
const linkKeys = new LinkKeys(linkSigningKeysJson);
const logger = createLogger('notify-email');

/** The email's links; none (the email says to message the assistant) when the signing keys are not usable. */
async function linksFor(input: NotifyInput): Promise<EmailLinks | undefined> {
  try {
    const target = {
      userId: input.user.user_id,
      meetingId: input.meeting.meeting_id,
      meetingStart: input.meeting.start_time,
    };
    return emailLinksFor(await linkKeys.keys(), publicApiUrl, target, now());
  } catch (error) {
    // The reminder matters more than its buttons: it goes out without them (saying to message the assistant), and the
    // configuration error is logged.
    if (!(error instanceof LinkKeysUnavailableError)) throw error;
    logger.error('prep email sent without action links: the link signing keys are unusable', { error: error.message });
    return undefined;
  }
}

/** Lambda entry point. */
export async function handler(input: NotifyInput): Promise<NotifyResult> {
  return notifyViaChannel('email', input, { meetings, ...realTime, tasks: stepFunctionsTasks }, async () => {
    if (!input.user.has_email) throw new ChannelUnavailableError('email', 'no_email');
    const from = emailSender();
    if (!from) throw new ChannelUnavailableError('email', 'not_configured');
    const to = (await users.get(input.user.user_id))?.email;
    if (!to) throw new ChannelUnavailableError('email', 'no_email');
    const links = await linksFor(input);
    return { send: () => sendEmail(ses(), from, to, input, { configurationSet, execution: input.execution }, links) };
  });
}
