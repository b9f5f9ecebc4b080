/** SES configuration-set events (as EventBridge delivers them) read as delivery receipts. Pure. */
import { tagValueToId } from './ses-tags';
import type { DeliveryReceipt } from '../receipts';

/** The part of an SES event-publishing record this handler reads. */
export interface SesEventDetail {
  readonly eventType?: string;
  readonly mail?: { readonly messageId?: string; readonly tags?: Readonly<Record<string, readonly string[]>> };
  readonly bounce?: { readonly bounceType?: string; readonly bounceSubType?: string; readonly timestamp?: string };
  readonly reject?: { readonly reason?: string };
  readonly delivery?: { readonly timestamp?: string };
}

/** The EventBridge event (`source: aws.ses`). */
export interface SesEvent {
  readonly 'detail-type': string;
  readonly time?: string;
  readonly detail: SesEventDetail;
}

/** The receipt an SES event stands for; undefined for events that end nothing or are not a prep email. */
export function receiptOfSesEvent(event: SesEvent): DeliveryReceipt | undefined {
  const { detail } = event;
  const tags = detail.mail?.tags ?? {};
  const meeting = tags['meeting_id']?.[0];
  const execution = tags['execution']?.[0];
  const messageId = detail.mail?.messageId;
  if (!meeting || !execution || !messageId) return undefined;
  const base = {
    channel: 'email' as const,
    meetingId: tagValueToId(meeting),
    execution: tagValueToId(execution),
    notificationId: messageId,
    at: new Date(event.time ?? Date.now()),
  };
  switch (detail.eventType) {
    case 'Delivery':
      return { ...base, status: 'delivered' };
    case 'Bounce':
      return {
        ...base,
        status: 'undelivered',
        errorCode: `bounce_${detail.bounce?.bounceType ?? 'Undetermined'}_${detail.bounce?.bounceSubType ?? 'Undetermined'}`,
      };
    case 'Reject':
      return {
        ...base,
        status: 'undelivered',
        errorCode: `reject_${(detail.reject?.reason ?? 'unknown').replace(/[^A-Za-z0-9]+/g, '_')}`,
      };
    default:
      return undefined;
  }
}
