/**
 * `POST /twilio/sms`: Twilio's incoming-message webhook. The request must carry a valid `X-Twilio-Signature` for
 * the exact public URL it was sent to (403 otherwise, and nothing is read or written), and parameters Twilio would
 * send (twilio-params.ts: 400 with a short reason otherwise, before any table is read). The sender is looked up
 * first: a number no user has gets an empty `<Response/>` and nothing is written (a reply would be a billed SMS to
 * anyone who texts the number: SMS pumping). The answer is TwiML in the same response: the outcome of PREP / LATER
 * in the user's own time, a short help text, or nothing for Twilio's own keywords; at most SMS_REPLY_LIMIT replies
 * per number and window (sms-reply-limit.ts), beyond which the command still acts but is answered with nothing.
 * Idempotent on `MessageSid` (sms-answer-store.ts). A failure on our side (a table unreachable) answers "try again"
 * and leaves nothing claimed, so the sender's next text, or Twilio's retry, acts.
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
import { twilioParamsProblem } from '../channels/sms/twilio-params';
import { SmsReplyBook } from '../shared/sms-reply-book';
import { now } from '../shared/time';
import { runPrepAction } from './core';
import { prepActionDepsFromEnv } from './deps';
import { SmsAnswer, SmsAnswerDeps, SmsTexts, answerSms } from './sms-answer';
import { SmsAnswerStore } from './sms-answer-store';
import { SmsReplyLimit } from './sms-reply-limit';
import { usersByPhone } from './sms-senders';
import { EMPTY_TWIML, TWIML_CONTENT_TYPE, twimlMessage } from './twiml';

const logger = createLogger('sms-reply');
const db = dynamoDocumentClient();
const usersTable = requiredEnv('USERS_TABLE_NAME');
const meetings = new MeetingsRepository(db, requiredEnv('MEETINGS_TABLE_NAME'));
const users = new UsersRepository(db, usersTable);
const answers = new SmsAnswerStore(db, requiredEnv('SMS_REPLIES_TABLE_NAME'), { now });
const replyLimit = new SmsReplyLimit(db, requiredEnv('SMS_REPLIES_TABLE_NAME'));
const replyBook = new SmsReplyBook(db, usersTable, meetings);
/** The public URL of this route, as given to Twilio (the signature is computed over it). */
const publicUrl = requiredEnv('TWILIO_SMS_WEBHOOK_URL');
const core = prepActionDepsFromEnv(logger);

const deps: SmsAnswerDeps = {
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
  const problem = twilioParamsProblem(params, 'incoming_sms');
  if (problem) {
    logger.warn('signed incoming SMS with a malformed parameter; rejected', { problem });
    return plain(400, problem);
  }
  // Both present and agreeing: twilioParamsProblem checked them.
  const messageSid = (params['MessageSid'] ?? params['SmsSid'] ?? params['SmsMessageSid']) as string;
  const from = params['From'] as string;

  let senders: readonly string[];
  try {
    senders = await usersByPhone(db, usersTable, from);
  } catch (error) {
    return failed(messageSid, from, error);
  }
  if (senders.length === 0) {
    countMetric(MetricNames.SmsReplies, { Outcome: 'unknown_sender' });
    logger.info('incoming SMS from a number no user has; answered with nothing', { message_sid: messageSid });
    return twiml(EMPTY_TWIML);
  }

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
    answer = await answerSms(deps, { messageSid, from, body: params['Body'] ?? '', senders });
  } catch (error) {
    await answers.release(messageSid, claim.claimedAt).catch((releaseError: unknown) =>
      logger.error('could not give the claim back; a retry acts once it is stale', {
        message_sid: messageSid,
        error: String(releaseError),
      }),
    );
    return failed(messageSid, from, error);
  }
  const reply = await withinReplyLimit(from, answer.twiml, messageSid);
  const standing = await answers.answer(messageSid, claim.claimedAt, reply);
  countMetric(MetricNames.SmsReplies, {
    Outcome: reply === answer.twiml ? (answer.result?.outcome ?? answer.kind) : 'reply_limited',
  });
  logger.info('incoming SMS answered', {
    message_sid: messageSid,
    kind: answer.kind,
    ...(reply === answer.twiml ? {} : { reply_limited: true }),
    ...(answer.userId ? { user_id: answer.userId } : {}),
    ...(answer.meetingId ? { meeting_id: answer.meetingId } : {}),
    ...(answer.result ? { outcome: answer.result.outcome } : {}),
  });
  return twiml(standing);
}

/** The "try again" answer to a message our side failed to act on (nothing left claimed), within the reply limit. */
async function failed(messageSid: string, from: string, error: unknown): Promise<APIGatewayProxyResult> {
  countMetric(MetricNames.SmsReplies, { Outcome: 'failed' });
  logger.error('incoming SMS could not be answered; the sender is asked to try again', {
    message_sid: messageSid,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return twiml(await withinReplyLimit(from, twimlMessage(SmsTexts.failed), messageSid));
}

/**
 * The answer itself while the number has replies left in its window (sms-reply-limit.ts), else an empty
 * `<Response/>`. An answer that sends nothing takes none. When the counter cannot be written, the reply goes: a
 * failing counter should not silence the executive (the sender was found among the users, or could not be looked
 * up because the tables fail too, when "try again" is the answer).
 */
async function withinReplyLimit(from: string, answer: string, messageSid: string): Promise<string> {
  if (answer === EMPTY_TWIML) return answer;
  try {
    if (await replyLimit.take(from, now())) return answer;
  } catch (error) {
    logger.error('could not count the reply against the number’s limit; sent anyway', {
      message_sid: messageSid,
      error: String(error),
    });
    return answer;
  }
  logger.warn('the number has used its replies for this window; answered with nothing', { message_sid: messageSid });
  return EMPTY_TWIML;
}
