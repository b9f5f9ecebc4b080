/**
 * The morning digest: one recurring EventBridge Scheduler schedule per user who opted in (a cron in the user's own
 * zone, so Scheduler follows its daylight-saving changes), what to do with it when preferences change, and the
 * Slack message it leads to. Pure: requests are built here, sent by an adapter.
 */
import { createHash } from 'node:crypto';
import type { CreateScheduleCommandInput, DeleteScheduleCommandInput } from '@aws-sdk/client-scheduler';
import type { KnownBlock } from '@slack/types';
import { canStartPrep } from '../shared/meetings-repository';
import { isValidTimeZone, Meeting, MeetingStatus, meetingTypeInWords, toMeetingType } from '../shared/domain';
import type { PrepButtonValue } from '../channels/slack/messages';
import { escapeMrkdwn, mrkdwnText } from '../channels/slack/mrkdwn';
import type { Preferences } from '../shared/preferences';
import { DIGEST_EVENT } from '../shared/prep-event';
import { formatLocalTime } from '../shared/time';
import { addDays, formatLocalDate, hhMmToMinutes, localDateTime } from '../shared/zoned-time';

/** Action id of the digest's Start Prep buttons (one per meeting, so the message is not replaced on a click). */
export const DIGEST_START_PREP_ACTION = 'digest_start_prep';

const NAME_PREFIX = 'prep-digest-';
const NAME_MAX = 64;

/**
 * The schedule's name: `prep-digest-<user id>`, within Scheduler's `[0-9a-zA-Z-_.]{1,64}`. An id that had to be
 * changed or shortened gets a hash suffix, so two users never share a name.
 */
export function digestScheduleName(userId: string): string {
  const safe = userId.replace(/[^0-9a-zA-Z\-_.]/g, '-');
  const plain = `${NAME_PREFIX}${safe}`;
  if (safe === userId && safe.length > 0 && plain.length <= NAME_MAX) return plain;
  const hash = createHash('sha256').update(userId).digest('hex').slice(0, 10);
  return `${plain.slice(0, NAME_MAX - hash.length - 1)}-${hash}`;
}

/** "07:30" → `cron(30 7 * * ? *)`: every day at that local time (the zone goes in `ScheduleExpressionTimezone`). */
export function digestCronExpression(time: string): string {
  const minutes = hhMmToMinutes(time);
  return `cron(${minutes % 60} ${Math.floor(minutes / 60)} * * ? *)`;
}

/** A user's digest settings as far as the schedule is concerned. */
export interface DigestSetting {
  readonly preferences: Pick<Preferences, 'digest'>;
  /** The user's IANA zone. */
  readonly timeZone: string;
}

/** What to do with the user's digest schedule. */
export type DigestScheduleChange =
  | { readonly action: 'none'; readonly name: string }
  | {
      readonly action: 'create' | 'update';
      readonly name: string;
      readonly expression: string;
      readonly timeZone: string;
    }
  | { readonly action: 'delete'; readonly name: string };

/**
 * Create when the digest is switched on, update when its time or the user's zone moves, delete when it is switched
 * off. `before` is undefined for a user with no saved preferences. Throws a RangeError on an invalid zone or time
 * of an enabled digest. The adapter should treat Create's ConflictException as "update instead" and Delete's
 * ResourceNotFoundException as done, so a retried or half-applied change converges.
 */
export function planDigestSchedule(
  userId: string,
  before: DigestSetting | undefined,
  after: DigestSetting,
): DigestScheduleChange {
  const name = digestScheduleName(userId);
  const wasOn = before?.preferences.digest.enabled === true;
  if (!after.preferences.digest.enabled) return wasOn ? { action: 'delete', name } : { action: 'none', name };
  if (!isValidTimeZone(after.timeZone)) throw new RangeError(`not an IANA time zone: ${after.timeZone}`);
  const expression = digestCronExpression(after.preferences.digest.time);
  if (!wasOn) return { action: 'create', name, expression, timeZone: after.timeZone };
  const moved = before.preferences.digest.time !== after.preferences.digest.time || before.timeZone !== after.timeZone;
  return moved ? { action: 'update', name, expression, timeZone: after.timeZone } : { action: 'none', name };
}

/** Where digest schedules go: the reminders' group, role and dead-letter queue. */
export interface DigestTargetConfig {
  readonly groupName: string;
  /** What the schedule invokes (the bot's worker queue or function). An SQS FIFO queue gets the user as message group. */
  readonly targetArn: string;
  readonly roleArn: string;
  readonly deadLetterArn?: string;
}

/**
 * The CreateSchedule (or, same fields, UpdateSchedule) request. Input is the digest envelope; Scheduler fills in
 * the `<aws.scheduler.scheduled-time>` context attribute at each run, so each day's delivery has its own id and time.
 * Scheduler follows the zone's daylight-saving changes; a time the clocks skip (02:30 on a spring-forward night in
 * New York) gets no digest that day, and a repeated time runs once (Scheduler's documented behaviour).
 */
export function digestScheduleRequest(
  config: DigestTargetConfig,
  userId: string,
  change: { readonly name: string; readonly expression: string; readonly timeZone: string },
): CreateScheduleCommandInput {
  const envelope = {
    version: '0',
    // Stable across Scheduler's retry attempts (execution-id is not), so a retried delivery can be recognised.
    id: `${change.name}@<aws.scheduler.scheduled-time>`,
    'detail-type': DIGEST_EVENT.detailType,
    source: DIGEST_EVENT.source,
    time: '<aws.scheduler.scheduled-time>',
    detail: { user_id: userId },
  };
  return {
    Name: change.name,
    GroupName: config.groupName,
    Description: `Morning prep digest for ${userId}`.slice(0, 512),
    ScheduleExpression: change.expression,
    ScheduleExpressionTimezone: change.timeZone,
    State: 'ENABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: config.targetArn,
      RoleArn: config.roleArn,
      Input: JSON.stringify(envelope),
      // A digest more than an hour late is no longer a morning digest.
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      ...(config.deadLetterArn ? { DeadLetterConfig: { Arn: config.deadLetterArn } } : {}),
      ...(/^arn:[^:]+:sqs:.*\.fifo$/.test(config.targetArn) ? { SqsParameters: { MessageGroupId: userId } } : {}),
    },
  };
}

/** The DeleteSchedule request. */
export function digestDeleteRequest(groupName: string, name: string): DeleteScheduleCommandInput {
  return { Name: name, GroupName: groupName };
}

/** A Slack message: fallback text and blocks. */
export interface DigestMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/** Slack allows 50 blocks in a message: the header, two day lines and a "more" line leave room for 46 meetings. */
const MAX_MEETINGS = 46;
const TITLE_MAX = 300;

/**
 * The digest DM: today's and tomorrow's meetings (in the user's zone) that still need prep and have not begun,
 * soonest first, each with Start Prep. `undefined` when there is nothing to prepare (no message is sent).
 */
export function buildDigestMessage(input: {
  readonly now: Date;
  readonly timeZone: string;
  readonly meetings: readonly Meeting[];
}): DigestMessage | undefined {
  const now = input.now.getTime();
  const today = formatLocalDate(localDateTime(now, input.timeZone));
  const tomorrow = formatLocalDate(addDays(localDateTime(now, input.timeZone), 1));
  const due = input.meetings
    .map((m) => ({ m, at: Date.parse(m.start_time) }))
    .filter(({ m, at }) => Number.isFinite(at) && at > now && m.status !== MeetingStatus.Cancelled && canStartPrep(m))
    .map(({ m, at }) => ({ m, at, day: formatLocalDate(localDateTime(at, input.timeZone)) }))
    .filter(({ day }) => day === today || day === tomorrow)
    .sort((a, b) => a.at - b.at);
  if (due.length === 0) return undefined;

  const shown = due.slice(0, MAX_MEETINGS);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Meetings to prepare', emoji: true } },
  ];
  let day: string | undefined;
  shown.forEach(({ m, day: d }, i) => {
    if (d !== day) {
      day = d;
      blocks.push({ type: 'context', elements: [mrkdwnText(d === today ? '*Today*' : '*Tomorrow*')] });
    }
    const title = Array.from((typeof m.title === 'string' && m.title.trim()) || 'Untitled meeting');
    const shortTitle = title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1).join('')}…` : title.join('');
    const value = JSON.stringify({ meeting_id: m.meeting_id, user_id: m.user_id } satisfies PrepButtonValue);
    blocks.push({
      type: 'section',
      block_id: `digest_${i}_${m.meeting_id}`.slice(0, 255),
      text: mrkdwnText(
        `*${escapeMrkdwn(shortTitle)}*\n${meetingTypeInWords(toMeetingType(m.meeting_type))} · ${formatLocalTime(m.start_time, input.timeZone)}`,
      ),
      ...(value.length <= 2000
        ? {
            accessory: {
              type: 'button',
              action_id: DIGEST_START_PREP_ACTION,
              text: { type: 'plain_text', text: 'Start Prep', emoji: true },
              style: 'primary',
              value,
            },
          }
        : {}),
    });
  });
  if (due.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [mrkdwnText(`…and ${due.length - shown.length} more. Open the app's Home tab for all of them.`)],
    });
  }
  const count = `${due.length} meeting${due.length === 1 ? '' : 's'}`;
  return { text: `Meeting prep digest: ${count} to prepare today and tomorrow`, blocks };
}
