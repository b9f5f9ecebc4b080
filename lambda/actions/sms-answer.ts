/**
 * The answer to one inbound SMS, once its signature is checked and its sender looked up: what it asks for, which
 * meeting it means, and the action core's result as the reply text. A number no user has gets no text, and neither
 * do Twilio's own keywords (Twilio answers them), but opting out or in changes the user's preferences. I/O through
 * `deps` only.
 */
import type { Meeting } from '../shared/domain';
import { ReminderLabels } from '../shared/reminder-policy';
import { Preferences } from '../shared/preferences';
import type { PrepActionRequest, PrepActionResult } from './action';
import { parseSmsCommand } from './sms-keywords';
import { withSmsReminders } from './sms-preferences';
import { EMPTY_TWIML, twimlMessage } from './twiml';

/** The replies of ours that are not an action's result. */
export const SmsTexts = {
  sharedNumber:
    "This number is linked to more than one Exec Assistant account, so I can't tell whose meeting you mean. Please use Slack or the email instead.",
  help: `To act on the meeting I last texted you about, reply PREP to start prep or LATER for a reminder ${ReminderLabels.inText}. When I numbered the meeting, add its number: PREP 2.`,
  noMeeting:
    'There is no meeting from my texts awaiting prep right now, so there is nothing to start. Your next prep reminder will say how to reply.',
  failed: "Sorry, I couldn't do that just now. Please try again in a minute.",
  noNumberedMeeting: (n: number) =>
    `None of the meetings I texted you about is numbered ${n}. Reply PREP or LATER for the latest one, or use the number in its text.`,
} as const;

/** An inbound SMS, as Twilio posted it (signature and parameters already checked). */
export interface InboundSms {
  readonly messageSid: string;
  /** The sender's number, E.164. */
  readonly from: string;
  readonly body: string;
  /** The ids of the users whose `phone_number` is `from` (the handler looks them up before anything is written). */
  readonly senders: readonly string[];
}

/** What the answer did, for the log and the metrics. */
export type SmsAnswerKind =
  | 'unknown_sender'
  | 'shared_number'
  | 'help'
  | 'no_meeting'
  | 'opted_out'
  | 'opted_in'
  | 'twilio_help'
  | 'acted';

/** The TwiML to answer with, and what happened. */
export interface SmsAnswer {
  readonly twiml: string;
  readonly kind: SmsAnswerKind;
  readonly userId?: string;
  readonly meetingId?: string;
  readonly result?: PrepActionResult;
}

/** What answering needs. */
export interface SmsAnswerDeps {
  /** The meeting a reply from this user means (the one numbered `number`, or the latest texted). */
  resolveMeeting(userId: string, now: Date, number?: number): Promise<Meeting | undefined>;
  /** The action core. */
  act(request: PrepActionRequest): Promise<PrepActionResult>;
  /** The user's current preferences (defaults applied); undefined for a user who vanished meanwhile. */
  preferences(userId: string): Promise<Preferences | undefined>;
  savePreferences(userId: string, preferences: Preferences): Promise<void>;
  now(): Date;
}

const message = (kind: SmsAnswerKind, text: string, extra: Partial<SmsAnswer> = {}): SmsAnswer => ({
  twiml: twimlMessage(text),
  kind,
  ...extra,
});

/** Turns SMS prep reminders off or on for every user of the number (their preferences, when they change). */
async function optInOrOut(deps: SmsAnswerDeps, userIds: readonly string[], optIn: boolean): Promise<void> {
  for (const userId of userIds) {
    const before = await deps.preferences(userId);
    if (!before) continue;
    const after = withSmsReminders(before, optIn);
    if (after !== before) await deps.savePreferences(userId, after);
  }
}

/** Decides, does and words the answer to one inbound SMS. */
export async function answerSms(deps: SmsAnswerDeps, sms: InboundSms): Promise<SmsAnswer> {
  const command = parseSmsCommand(sms.body);
  // HELP/INFO: Twilio answers it; nothing to look up.
  if (command.kind === 'twilio_help') return { twiml: EMPTY_TWIML, kind: 'twilio_help' };
  const userIds = sms.senders;
  // Twilio has already answered its own keywords and, for STOP, stopped further messages to this number: we add
  // no text, and only carry the choice into the preferences of whoever the number belongs to.
  if (command.kind === 'opt_out' || command.kind === 'opt_in') {
    await optInOrOut(deps, userIds, command.kind === 'opt_in');
    return {
      twiml: EMPTY_TWIML,
      kind: command.kind === 'opt_in' ? 'opted_in' : 'opted_out',
      ...(userIds[0] ? { userId: userIds[0] } : {}),
    };
  }
  const [userId, ...others] = userIds;
  // A number no user has gets nothing back: a reply would be a billed SMS to whoever asks (SMS pumping).
  if (!userId) return { twiml: EMPTY_TWIML, kind: 'unknown_sender' };
  if (others.length > 0) return message('shared_number', SmsTexts.sharedNumber);
  if (command.kind === 'unknown') return message('help', SmsTexts.help, { userId });
  const meeting = await deps.resolveMeeting(userId, deps.now(), command.number);
  if (!meeting) {
    return message(
      'no_meeting',
      command.number === undefined ? SmsTexts.noMeeting : SmsTexts.noNumberedMeeting(command.number),
      { userId },
    );
  }
  const result = await deps.act({
    action: command.action,
    meetingId: meeting.meeting_id,
    userId,
    via: 'sms',
    requestId: sms.messageSid,
  });
  return message('acted', result.text, { userId, meetingId: meeting.meeting_id, result });
}
