/**
 * The email sender: SES v2 `SendEmail` (`@aws-sdk/client-sesv2`: simple content with custom headers, which the
 * one-click unsubscribe of RFC 8058 needs), in a configuration set that reports events.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ChannelPermanentFailureError } from '../../shared/errors';
import type { PrepNotice } from '../notice';
import { EmailLinks, renderEmail } from './messages';
import { awsClientConfig } from '../../shared/client-config';
import { classifySesError } from './classify';
import { PROVIDER_TIMEOUT_MS } from '../provider-timeout';
import { idToTagValue } from './ses-tags';

export { idToTagValue, tagValueToId } from './ses-tags';

let sesClient: SESv2Client | undefined;

/** The SES v2 client (endpoint from `AWS_ENDPOINT_URL_SESV2` when set). */
export function ses(): SESv2Client {
  sesClient ??= new SESv2Client(awsClientConfig({ maxAttempts: 1, requestTimeoutMs: PROVIDER_TIMEOUT_MS }));
  return sesClient;
}

/** Where SES reports the email's delivery, and what lets the receipt find its execution. */
export interface EmailTracking {
  readonly configurationSet: string;
  readonly execution: string;
}

/**
 * The one-click unsubscribe headers of RFC 8058: mail clients show an Unsubscribe button that POSTs
 * `List-Unsubscribe=One-Click` to the URL, with no page to confirm.
 */
export function unsubscribeHeaders(url: string): { Name: string; Value: string }[] {
  return [
    { Name: 'List-Unsubscribe', Value: `<${url}>` },
    { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
  ];
}

/** Sends the email in HTML and plain text (with the action links and unsubscribe headers when given); returns the SES MessageId. */
export async function sendEmail(
  client: SESv2Client,
  from: string,
  to: string,
  notice: PrepNotice,
  tracking?: EmailTracking,
  links?: EmailLinks,
): Promise<string> {
  const { subject, html, text } = renderEmail(notice, links ? { links } : {});
  try {
    const out = await client.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Html: { Data: html, Charset: 'UTF-8' }, Text: { Data: text, Charset: 'UTF-8' } },
            ...(links ? { Headers: unsubscribeHeaders(links.unsubscribe) } : {}),
          },
        },
        ...(tracking
          ? {
              ConfigurationSetName: tracking.configurationSet,
              EmailTags: [
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
