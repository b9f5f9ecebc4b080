import { InvalidEventError } from './errors';

/** The sources and detail types the workflow accepts: upstream's MeetingPrepRequired and the Remind Later input. */
export const PREP_EVENT = { source: 'exec-assistant.calendar-monitor', detailType: 'MeetingPrepRequired' } as const;
export const REMINDER_EVENT = { source: 'exec-assistant.slack-bot', detailType: 'MeetingPrepReminder' } as const;
/** The envelope the morning digest's schedule delivers to the bot's work queue (same shape as the events above). */
export const DIGEST_EVENT = { source: 'exec-assistant.slack-bot', detailType: 'MeetingPrepDigest' } as const;

/** The workflow's input, validated. */
export interface PrepRequest {
  /** The envelope's `id`: the EventBridge event id, or the schedule name of a reminder. */
  readonly eventId: string;
  readonly meetingId: string;
  readonly userId: string;
  /** True when this run comes from a Remind Me in 2 Hours schedule. */
  readonly reminder: boolean;
}

const ID = /^[A-Za-z0-9._:@-]{1,128}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates the state machine's input (the whole EventBridge envelope) and returns what the workflow needs.
 * Lists every problem at once. Throws {@link InvalidEventError}; touches nothing.
 */
export function parsePrepEvent(input: unknown): PrepRequest {
  if (!isRecord(input)) throw new InvalidEventError(['the input is not a JSON object']);
  const problems: string[] = [];
  const source = input['source'];
  const detailType = input['detail-type'];
  const isPrep = source === PREP_EVENT.source && detailType === PREP_EVENT.detailType;
  const isReminder = source === REMINDER_EVENT.source && detailType === REMINDER_EVENT.detailType;
  if (!isPrep && !isReminder) {
    problems.push(
      `unexpected source/detail-type ${JSON.stringify(source)}/${JSON.stringify(detailType)}: expected ` +
        `${PREP_EVENT.source}/${PREP_EVENT.detailType} or ${REMINDER_EVENT.source}/${REMINDER_EVENT.detailType}`,
    );
  }
  const eventId = input['id'];
  if (typeof eventId !== 'string' || eventId.length === 0) problems.push('id is missing');
  const detail = input['detail'];
  if (!isRecord(detail)) {
    problems.push('detail is missing or not an object');
    throw new InvalidEventError(problems);
  }
  const meetingId = detail['meeting_id'];
  const userId = detail['user_id'];
  if (typeof meetingId !== 'string' || !ID.test(meetingId)) {
    problems.push(`detail.meeting_id is ${meetingId === undefined ? 'missing' : 'malformed'}`);
  }
  if (typeof userId !== 'string' || !ID.test(userId)) {
    problems.push(`detail.user_id is ${userId === undefined ? 'missing' : 'malformed'}`);
  }
  if (isReminder && detail['reminder'] !== true) problems.push('a reminder must carry detail.reminder = true');
  if (problems.length > 0) throw new InvalidEventError(problems);
  return {
    eventId: eventId as string,
    meetingId: meetingId as string,
    userId: userId as string,
    reminder: isReminder,
  };
}
