/** The email sender: SES `SendEmail` through `@aws-sdk/client-ses`, in a configuration set that reports events. */
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { ChannelPermanentFailureError } from '../errors';
import { PrepNotice, renderEmail } from '../messages';
import { awsClientConfig } from '../aws-clients';
import { classifySesError } from './classify';
import { PROVIDER_TIMEOUT_MS } from './provider-timeout';
import { idToTagValue } from './ses-tags';

export { idToTagValue, tagValueToId } from './ses-tags';

let sesClient: SESClient | undefined;

/** The SES client (endpoint from `AWS_ENDPOINT_URL_SES` when set). */
export function ses(): SESClient {
  sesClient ??= new SESClient(awsClientConfig({ maxAttempts: 1, requestTimeoutMs: PROVIDER_TIMEOUT_MS }));
  return sesClient;
}

/** Where SES reports the email's delivery, and what lets the receipt find its execution. */
export interface EmailTracking {
  readonly configurationSet: string;
  readonly execution: string;
}

/** Sends the email in HTML and plain text; returns the SES MessageId. */
export async function sendEmail(client: SESClient, from: string, to: string, notice: PrepNotice, tracking?: EmailTracking): Promise<string> {
  const { subject, html, text } = renderEmail(notice);
  try {
    const out = await client.send(
      new SendEmailCommand({
        Source: from,
        Destination: { ToAddresses: [to] },
        Message: {
          Subject: { Data: subject, Charset: 'UTF-8' },
          Body: { Html: { Data: html, Charset: 'UTF-8' }, Text: { Data: text, Charset: 'UTF-8' } },
        },
        ...(tracking
          ? {
              ConfigurationSetName: tracking.configurationSet,
              Tags: [
                { Name: 'meeting_id', Value: idToTagValue(notice.meeting.meeting_id) },
                { Name: 'execution', Value: idToTagValue(tracking.execution) },
              ],
            }
          : {}),
      }),
    );
    if (!out.MessageId) throw new ChannelPermanentFailureError('email', 'no_message_id_in_response');
    return out.MessageId;
  } catch (error) {
    if (error instanceof ChannelPermanentFailureError) throw error;
    throw classifySesError(error);
  }
}
