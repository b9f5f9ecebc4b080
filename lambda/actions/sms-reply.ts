/**
 * `POST /twilio/sms`: Twilio's incoming-message webhook. The request must carry a valid `X-Twilio-Signature` for
 * the exact public URL it was sent to (403 otherwise, and nothing is read or written). The answer is TwiML in the
 * same response: the outcome of PREP / LATER in the user's own time, a short help text, or nothing for Twilio's
 * own keywords. Idempotent on `MessageSid` (sms-answer-store.ts). A failure on our side (a table unreachable)
 * answers "try again" and leaves nothing claimed, so the sender's next text, or Twilio's retry, acts.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamoDocumentClient } from '../shared/clients';
import { CHANNELS } from '../shared/domain';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { MetricNames, countMetric } from '../shared/metrics';
import { readPreferences, toStoredPreferences } from '../shared/preferences';
import { MeetingsRepository } from '../shared/meetings-repository';
import { UsersRepository } from '../shared/users-repository';
import { twilioCredentials } from '../shared/secrets';
import { verifyTwilioWebhook } from '../channels/sms/twilio-webhook';
import { SmsReplyBook } from '../shared/sms-reply-book';
import { now } from '../shared/time';
import { runPrepAction } from './core';
import { prepActionDepsFromEnv } from './deps';
import { SmsAnswer, SmsAnswerDeps, SmsTexts, answerSms } from './sms-answer';
import { SmsAnswerStore } from './sms-answer-store';
import { usersByPhone } from './sms-senders';
import { TWIML_CONTENT_TYPE, twimlMessage } from './twiml';

const logger = createLogger('sms-reply');
const db = dynamoDocumentClient();
const usersTable = requiredEnv('USERS_TABLE_NAME');
const meetings = new MeetingsRepository(db, requiredEnv('MEETINGS_TABLE_NAME'));
const users = new UsersRepository(db, usersTable);
const answers = new SmsAnswerStore(db, requiredEnv('SMS_REPLIES_TABLE_NAME'), { now });
const replyBook = new SmsReplyBook(db, usersTable, meetings);
/** The public URL of this route, as given to Twilio (the signature is computed over it). */
const publicUrl = requiredEnv('TWILIO_SMS_WEBHOOK_URL');
const core = prepActionDepsFromEnv(logger);

const deps: SmsAnswerDeps = {
  usersByPhone: (phone) => usersByPhone(db, usersTable, phone),
  resolveMeeting: (userId, at, number) => replyBook.resolve(userId, at, number),
  act: (request) => runPrepAction(core, request),
  async preferences(userId) {
    const user = await users.get(userId);
    if (!user) return undefined;
    const { preferences, problems } = readPreferences(user.notification_preferences, CHANNELS);
    if (problems.length > 0) logger.warn('stored preferences have problems; defaults used', { problems });
    return preferences;
  },
  savePreferences: (userId, preferences) => users.savePreferences(userId, toStoredPreferences(preferences), now()),
  now,
};

const twiml = (body: string): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: { 'content-type': TWIML_CONTENT_TYPE },
  body,
});
const plain = (statusCode: number, body: string): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'text/plain' },
  body,
});

/** Lambda entry point (API Gateway REST API, Lambda proxy integration). */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const credentials = await twilioCredentials();
  if (!credentials) {
    logger.error('incoming SMS received but Twilio is not configured');
    return plain(503, 'not configured');
  }
  const checked = verifyTwilioWebhook(event, publicUrl, credentials.authToken);
  if (!checked.ok) {
    logger.warn('incoming SMS with a missing or invalid X-Twilio-Signature; rejected', { url: checked.url });
    return plain(403, 'invalid signature');
  }
  const { params } = checked;
  const messageSid = params['MessageSid'] ?? params['SmsSid'];
  const from = params['From'];
  if (!messageSid || !from) return plain(400, 'MessageSid and From are required');

  const claim = await answers.claim(messageSid);
  if (claim.kind === 'answered') {
    logger.info('incoming SMS already answered; the same answer is given again', { message_sid: messageSid });
    return twiml(claim.twiml);
  }
  if (claim.kind === 'busy') {
    // Another delivery of this very message is still acting: Twilio's next retry gets its answer.
    logger.warn('incoming SMS still being answered by another request', { message_sid: messageSid });
    return plain(503, 'this message is still being answered');
  }
  let answer: SmsAnswer;
  try {
    answer = await answerSms(deps, { messageSid, from, body: params['Body'] ?? '' });
  } catch (error) {
    await answers.release(messageSid, claim.claimedAt).catch((releaseError: unknown) =>
      logger.error('could not give the claim back; a retry acts once it is stale', {
        message_sid: messageSid,
        error: String(releaseError),
      }),
    );
    countMetric(MetricNames.SmsReplies, { Outcome: 'failed' });
    logger.error('incoming SMS could not be answered; the sender is asked to try again', {
      message_sid: messageSid,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return twiml(twimlMessage(SmsTexts.failed));
  }
  const standing = await answers.answer(messageSid, claim.claimedAt, answer.twiml);
  countMetric(MetricNames.SmsReplies, { Outcome: answer.result?.outcome ?? answer.kind });
  logger.info('incoming SMS answered', {
    message_sid: messageSid,
    kind: answer.kind,
    ...(answer.userId ? { user_id: answer.userId } : {}),
    ...(answer.meetingId ? { meeting_id: answer.meetingId } : {}),
    ...(answer.result ? { outcome: answer.result.outcome } : {}),
  });
  return twiml(standing);
}
