/**
 * NotifyViaEmail: the prep notice by SES, in HTML and plain text, in the configuration set whose events
 * (delivery, bounce, reject) reach ses-events.ts through EventBridge, which completes the waiting task. SES has no
 * lookup of sent mail: an unknown outcome is recorded unconfirmed and never resent. The email carries signed
 * one-click links (Start Prep, Remind Me, and RFC 8058 unsubscribe) to the project's API (lambda/actions/).
 */
import { emailLinksFor } from './links';
import { LinkKeys } from './link-keys';
import type { SigningKeys } from './action-token';
import { createLogger } from '../../shared/logger';
import { MetricNames, countMetric } from '../../shared/metrics';
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

/** Why the signing keys could not be had, for the log: never the secret's content (a JSON parse error may quote it). */
function keysProblem(error: unknown): { readonly error_name: string; readonly error: string } {
  const name = error instanceof Error ? error.name : typeof error;
  if (error instanceof SyntaxError) return { error_name: name, error: 'the link signing keys are not valid JSON' };
  return { error_name: name, error: error instanceof Error ? error.message : String(error) };
}

/**
 * The links' signing keys; undefined when they cannot be had for any reason: none configured, the secret missing
 * (`ResourceNotFoundException`), not readable (`AccessDeniedException`, KMS, a timeout, Secrets Manager down),
 * malformed JSON or invalid keys. The reminder matters more than its buttons: the email then goes out without them
 * (saying to message the assistant instead) rather than failing over to the next channel, and the problem is
 * logged and counted (`EmailLinksUnavailable`, which alarms: it lasts until someone fixes the secret).
 */
async function signingKeys(input: NotifyInput): Promise<SigningKeys | undefined> {
  try {
    return await linkKeys.keys();
  } catch (error) {
    logger.warn('the prep email goes without its action links: the link signing keys are unusable', {
      meeting_id: input.meeting.meeting_id,
      execution: input.execution,
      ...keysProblem(error),
    });
    countMetric(MetricNames.EmailLinksUnavailable);
    return undefined;
  }
}

/** The email's links; none (the email says to message the assistant) when the signing keys are not usable. */
async function linksFor(input: NotifyInput): Promise<EmailLinks | undefined> {
  const keys = await signingKeys(input);
  if (!keys) return undefined;
  const target = {
    userId: input.user.user_id,
    meetingId: input.meeting.meeting_id,
    meetingStart: input.meeting.start_time,
  };
  return emailLinksFor(keys, publicApiUrl, target, now());
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
