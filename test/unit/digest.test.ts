import type { CreateScheduleCommandInput, UpdateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import type { KnownBlock, SectionBlock } from '@slack/types';
import {
  buildDigestMessage,
  DIGEST_START_PREP_ACTION,
  digestCronExpression,
  digestDeleteRequest,
  digestScheduleName,
  digestScheduleRequest,
  planDigestSchedule,
} from '../../lambda/slack-bot/digest';
import type { Meeting } from '../../lambda/shared/domain';
import { blockKitViolations } from './block-kit-limits';
import { fixture, storedMeeting } from './fixture';

const on = (time: string, timeZone = 'America/New_York') => ({
  preferences: { digest: { enabled: true, time } },
  timeZone,
});
const off = (timeZone = 'America/New_York') => ({
  preferences: { digest: { enabled: false, time: '07:30' } },
  timeZone,
});
const config = {
  groupName: 'meeting-prep-reminders',
  targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:SlackWorker',
  roleArn: 'arn:aws:iam::123456789012:role/ExecAssistantStack-ReminderSchedulerRole3B1F2A9C-Qx7Lm2Nv8Pz4',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:ReminderDlq',
};

describe('digest schedule', () => {
  test("one name per user, within Scheduler's [0-9a-zA-Z-_.]{1,64}", () => {
    expect(digestScheduleName('U024BE7LH')).toBe('prep-digest-U024BE7LH');
    const odd = [`W${'9'.repeat(80)}`, `W${'9'.repeat(79)}8`, 'user/with spaces', ''];
    const names = odd.map(digestScheduleName);
    for (const name of names) expect(name).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
    expect(new Set(names).size).toBe(odd.length);
  });

  test('a daily cron at the local time; the zone goes alongside', () => {
    expect(digestCronExpression('07:30')).toBe('cron(30 7 * * ? *)');
    expect(digestCronExpression('00:00')).toBe('cron(0 0 * * ? *)');
    expect(digestCronExpression('23:05')).toBe('cron(5 23 * * ? *)');
    expect(() => digestCronExpression('7:30')).toThrow(RangeError);
  });

  test('create when switched on, update when the time or zone moves, delete when switched off', () => {
    const name = 'prep-digest-U024BE7LH';
    expect(planDigestSchedule('U024BE7LH', undefined, on('07:30'))).toEqual({
      action: 'create',
      name,
      expression: 'cron(30 7 * * ? *)',
      timeZone: 'America/New_York',
    });
    expect(planDigestSchedule('U024BE7LH', off(), on('06:45', 'Asia/Kolkata'))).toEqual({
      action: 'create',
      name,
      expression: 'cron(45 6 * * ? *)',
      timeZone: 'Asia/Kolkata',
    });
    expect(planDigestSchedule('U024BE7LH', on('07:30'), on('07:30'))).toEqual({ action: 'none', name });
    expect(planDigestSchedule('U024BE7LH', on('07:30'), on('08:00'))).toEqual({
      action: 'update',
      name,
      expression: 'cron(0 8 * * ? *)',
      timeZone: 'America/New_York',
    });
    expect(planDigestSchedule('U024BE7LH', on('07:30'), on('07:30', 'Europe/London'))).toMatchObject({
      action: 'update',
      timeZone: 'Europe/London',
    });
    expect(planDigestSchedule('U024BE7LH', on('07:30'), off())).toEqual({ action: 'delete', name });
    expect(planDigestSchedule('U024BE7LH', off(), off())).toEqual({ action: 'none', name });
    expect(planDigestSchedule('U024BE7LH', undefined, off())).toEqual({ action: 'none', name });
    expect(() => planDigestSchedule('U024BE7LH', undefined, on('07:30', 'Mars/Base'))).toThrow(/not an IANA time zone/);
  });

  test("the request: recurring in the user's zone, same group, role and dead-letter queue as reminders", () => {
    const plan = planDigestSchedule('U024BE7LH', undefined, on('07:30', 'Pacific/Chatham'));
    if (plan.action !== 'create') throw new Error('expected create');
    const request = digestScheduleRequest(config, 'U024BE7LH', plan);
    const update: UpdateScheduleCommandInput = request;
    expect(update.Name).toBe('prep-digest-U024BE7LH');
    expect(request).toMatchObject({
      GroupName: 'meeting-prep-reminders',
      ScheduleExpression: 'cron(30 7 * * ? *)',
      ScheduleExpressionTimezone: 'Pacific/Chatham',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: config.targetArn, RoleArn: config.roleArn, DeadLetterConfig: { Arn: config.deadLetterArn } },
    });
    expect(request).not.toHaveProperty('ActionAfterCompletion');
    expect(request.Target).not.toHaveProperty('SqsParameters');
    expect(JSON.parse(request.Target?.Input ?? '')).toEqual({
      version: '0',
      id: 'prep-digest-U024BE7LH@<aws.scheduler.scheduled-time>',
      'detail-type': 'MeetingPrepDigest',
      source: 'exec-assistant.slack-bot',
      time: '<aws.scheduler.scheduled-time>',
      detail: { user_id: 'U024BE7LH' },
    });
    // Every field is one the reminder's real CreateSchedule request also uses.
    const reminder = fixture<CreateScheduleCommandInput>('scheduler/create-schedule-request.json');
    expect(Object.keys(request).filter((k) => !(k in reminder))).toEqual([]);
    expect(digestDeleteRequest('meeting-prep-reminders', plan.name)).toEqual({
      Name: 'prep-digest-U024BE7LH',
      GroupName: 'meeting-prep-reminders',
    });
  });

  test('a FIFO queue target gets the user as message group', () => {
    const fifo = { ...config, targetArn: 'arn:aws:sqs:us-east-1:123456789012:SlackWork.fifo' };
    const request = digestScheduleRequest(fifo, 'U024BE7LH', {
      name: 'prep-digest-U024BE7LH',
      expression: 'cron(30 7 * * ? *)',
      timeZone: 'UTC',
    });
    expect(request.Target?.SqsParameters).toEqual({ MessageGroupId: 'U024BE7LH' });
  });
});

describe('digest message', () => {
  // 7:00 AM in New York on Thursday 26 November 2026.
  const NOW = new Date('2026-11-26T12:00:00Z');
  const m = (id: string, start: string, extra: Partial<Meeting> = {}): Meeting => ({
    ...storedMeeting,
    meeting_id: id,
    title: `Meeting ${id}`,
    start_time: start,
    ...extra,
  });
  const titles = (blocks: readonly KnownBlock[]): string[] =>
    blocks.filter((b): b is SectionBlock => b.type === 'section').map((b) => (b.text?.text ?? '').split('\n')[0]);

  test("today's and tomorrow's meetings in the user's zone that still need prep, soonest first, each with Start Prep", () => {
    const message = buildDigestMessage({
      now: NOW,
      timeZone: 'America/New_York',
      meetings: [
        m('tomorrow-late', '2026-11-28T04:30:00Z'), // Fri 23:30 in New York (already Saturday in UTC)
        m('saturday', '2026-11-28T05:30:00Z'), // Sat 00:30 in New York
        m('today', '2026-11-26T15:00:00Z', { status: 'PREP_SCHEDULED' }),
        m('earlier', '2026-11-26T11:00:00Z'),
        m('started', '2026-11-26T18:00:00Z', { status: 'PREP_IN_PROGRESS' }),
        m('cancelled', '2026-11-26T19:00:00Z', { status: 'CANCELLED' }),
        m('tomorrow', '2026-11-27T14:00:00Z'),
      ],
    });
    expect(message?.text).toBe('Meeting prep digest: 3 meetings to prepare today and tomorrow');
    const blocks = message?.blocks ?? [];
    expect(titles(blocks)).toEqual(['*Meeting today*', '*Meeting tomorrow*', '*Meeting tomorrow-late*']);
    expect(JSON.stringify(blocks)).toContain('Leadership team · 10:00 AM EST');
    const days = blocks.filter((b) => b.type === 'context').map((b) => JSON.stringify(b));
    expect(days).toEqual([expect.stringContaining('*Today*'), expect.stringContaining('*Tomorrow*')]);
    const accessory = (blocks.find((b) => b.type === 'section' && b.accessory) as SectionBlock).accessory;
    expect(accessory).toMatchObject({
      type: 'button',
      action_id: DIGEST_START_PREP_ACTION,
      value: JSON.stringify({ meeting_id: 'today', user_id: 'U024BE7LH' }),
    });
  });

  test('the day is the user\'s: in Kolkata (+05:30) 01:30 on the 27th is already "today"', () => {
    const message = buildDigestMessage({
      now: new Date('2026-11-26T20:00:00Z'),
      timeZone: 'Asia/Kolkata',
      meetings: [m('a', '2026-11-27T04:00:00Z'), m('b', '2026-11-28T17:00:00Z'), m('c', '2026-11-28T19:00:00Z')],
    });
    expect(titles(message?.blocks ?? [])).toEqual(['*Meeting a*', '*Meeting b*']);
  });

  test('nothing to prepare: no message', () => {
    expect(buildDigestMessage({ now: NOW, timeZone: 'America/New_York', meetings: [] })).toBeUndefined();
    expect(
      buildDigestMessage({
        now: NOW,
        timeZone: 'America/New_York',
        meetings: [m('done', '2026-11-26T15:00:00Z', { status: 'PREP_COMPLETED' })],
      }),
    ).toBeUndefined();
  });

  test("60 meetings and hostile titles: within a message's 50 blocks, escaped, the rest counted", () => {
    const hostile = ['<!channel>', '<@U024BE7LH>', '<https://x.example|y>', '&amp;'];
    const meetings = Array.from({ length: 60 }, (_, i) =>
      m(`m${i}`, new Date(NOW.getTime() + (i + 1) * 10 * 60_000).toISOString(), {
        title: `${hostile[i % 4]} ${'x'.repeat(i === 0 ? 5000 : 0)}`,
      }),
    );
    const message = buildDigestMessage({ now: NOW, timeZone: 'America/New_York', meetings });
    const blocks = message?.blocks ?? [];
    expect(blockKitViolations(blocks, { maxBlocks: 50 })).toEqual([]);
    const json = JSON.stringify(blocks);
    expect(json).not.toMatch(/<[!@h]/);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('&lt;https://x.example|y&gt;');
    expect(json).toContain('&amp;amp;');
    expect(json).toContain('…and 14 more.');
  });
});
