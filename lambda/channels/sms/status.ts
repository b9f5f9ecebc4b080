/**
 * `POST /twilio/status`: Twilio's message status callbacks. The request must carry a valid `X-Twilio-Signature`
 * for the exact public URL it was sent to (403 otherwise, and nothing changes), and ids Twilio would send
 * (twilio-params.ts: 400 with a short reason otherwise, before any table is read). `delivered` completes the waiting
 * NotifyViaSms task, `undelivered` and `failed` fail it (the next channel is tried), other statuses are ignored. A
 * callback for a send whose intent has already ended (a replay: Twilio's signatures carry no timestamp) changes
 * nothing and is answered 200, so Twilio does not retry it.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { failTask, succeedTask } from '../task-tokens';
import { dynamoDocumentClient } from '../../shared/clients';
import { requiredEnv } from '../../shared/env';
import { createLogger } from '../../shared/logger';
import { MeetingsRepository } from '../../shared/meetings-repository';
import { twilioCredentials } from '../../shared/secrets';
import { verifyTwilioWebhook } from './twilio-webhook';
import { callbackQueryProblem, twilioParamsProblem } from './twilio-params';
import { applyReceipt } from '../receipts';
import { receiptOf } from './receipt';

export { receiptOf, requestUrl } from './receipt';

const logger = createLogger('twilio-status');
const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));
/** The public URL of this route, as given to Twilio (the signature is computed over it). */
const publicUrl = requiredEnv('TWILIO_STATUS_CALLBACK_URL');

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const reply = (statusCode: number, body = ''): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': statusCode === 200 ? 'text/xml' : 'text/plain' },
  body: statusCode === 200 ? EMPTY_TWIML : body,
});

/** Lambda entry point (API Gateway REST API, Lambda proxy integration). */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const credentials = await twilioCredentials();
  if (!credentials) {
    logger.error('status callback received but Twilio is not configured');
    return reply(503, 'not configured');
  }
  const checked = verifyTwilioWebhook(event, publicUrl, credentials.authToken);
  if (!checked.ok) {
    logger.warn('status callback with a missing or invalid X-Twilio-Signature; rejected', { url: checked.url });
    return reply(403, 'invalid signature');
  }
  const { params } = checked;
  const query = event.queryStringParameters ?? {};
  const problem = twilioParamsProblem(params, 'status_callback') ?? callbackQueryProblem(query);
  if (problem) {
    logger.warn('signed status callback with a malformed parameter; rejected', { problem });
    return reply(400, problem);
  }
  const receipt = receiptOf(params, query, new Date());
  if (receipt === 'bad_request')
    return reply(400, 'MessageSid, MessageStatus and the callback query (meeting_id, execution) are required');
  if (!receipt) return reply(200);
  const outcome = await applyReceipt(receipt, { meetings, succeed: succeedTask, fail: failTask });
  logger.info('status callback applied', { meeting_id: receipt.meetingId, status: receipt.status, outcome });
  return reply(200);
}
