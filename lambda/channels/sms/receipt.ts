/** Twilio status callbacks read as delivery receipts, and the URL their signature covers. Pure. */
import type { DeliveryReceipt } from '../receipts';

/** The URL Twilio called: the public base with the request's query string, in the order it came. */
export function requestUrl(base: string, query: Readonly<Record<string, string | undefined>> | null): string {
  const url = new URL(base);
  url.search = '';
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined) url.searchParams.append(name, value);
  return url.toString();
}

/** Parses a signed status callback into a receipt; undefined for statuses that end nothing. */
export function receiptOf(
  params: Readonly<Record<string, string>>,
  query: Readonly<Record<string, string | undefined>>,
  now: Date,
): DeliveryReceipt | undefined | 'bad_request' {
  const status = params['MessageStatus'] ?? params['SmsStatus'];
  const sid = params['MessageSid'] ?? params['SmsSid'];
  const meetingId = query['meeting_id'];
  const execution = query['execution'];
  if (!status || !sid || !meetingId || !execution) return 'bad_request';
  if (status === 'delivered')
    return { channel: 'sms', meetingId, execution, notificationId: sid, status: 'delivered', at: now };
  if (status === 'undelivered' || status === 'failed') {
    return {
      channel: 'sms',
      meetingId,
      execution,
      notificationId: sid,
      status: 'undelivered',
      errorCode: params['ErrorCode'] || status,
      at: now,
    };
  }
  return undefined;
}
