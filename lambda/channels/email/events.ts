/**
 * SES events of the prep emails' configuration set, delivered by an EventBridge rule: `Email Delivered` completes
 * the waiting NotifyViaEmail task, `Email Bounced` and `Email Rejected` fail it (every channel then has failed,
 * or the next one is tried). The email's tags name the meeting and the execution.
 */
import { failTask, succeedTask } from '../task-tokens';
import { dynamoDocumentClient } from '../../shared/clients';
import { requiredEnv } from '../../shared/env';
import { createLogger } from '../../shared/logger';
import { MeetingsRepository } from '../../shared/meetings-repository';
import { applyReceipt, ReceiptOutcome } from '../receipts';
import { receiptOfSesEvent, SesEvent } from './receipt';

export type { SesEvent } from './receipt';

const logger = createLogger('ses-events');
const meetings = new MeetingsRepository(dynamoDocumentClient(), requiredEnv('MEETINGS_TABLE_NAME'));

/** Lambda entry point (EventBridge rule target; a thrown error is retried by the Lambda async invocation). */
export async function handler(event: SesEvent): Promise<{ outcome: ReceiptOutcome | 'ignored' }> {
  const receipt = receiptOfSesEvent(event);
  if (!receipt) {
    logger.info('SES event that ends no prep email; ignored', { detail_type: event['detail-type'] });
    return { outcome: 'ignored' };
  }
  const outcome = await applyReceipt(receipt, { meetings, succeed: succeedTask, fail: failTask });
  return { outcome };
}
