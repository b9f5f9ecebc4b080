/** The worker reads the digest schedule's envelope (as Scheduler fills it in) as a digest job, and nothing else like it. */
import { digestScheduleRequest } from '../../lambda/slack-bot/digest';
import { readWorkJob } from '../../lambda/actions/work-jobs';

const request = digestScheduleRequest(
  {
    groupName: 'g',
    targetArn: 'arn:aws:sqs:us-east-1:123456789012:slack-work.fifo',
    roleArn: 'arn:aws:iam::123456789012:role/r',
  },
  'U024BE7LH',
  { name: 'prep-digest-U024BE7LH', expression: 'cron(30 7 * * ? *)', timeZone: 'Europe/Paris' },
);
const delivered = (time: string): unknown =>
  JSON.parse((request.Target?.Input ?? '').replaceAll('<aws.scheduler.scheduled-time>', time));

describe('readWorkJob', () => {
  it('reads the digest envelope Scheduler sends as the digest job of that scheduled time', () => {
    expect(readWorkJob(delivered('2026-11-27T06:30:00Z'))).toEqual({
      success: true,
      data: { kind: 'digest', user_id: 'U024BE7LH', scheduled_at: '2026-11-27T06:30:00.000Z' },
    });
  });

  it('refuses an envelope whose time Scheduler did not fill in', () => {
    expect(readWorkJob(JSON.parse(request.Target?.Input ?? '')).success).toBe(false);
  });

  it('refuses an envelope of another source', () => {
    expect(readWorkJob({ ...(delivered('2026-11-27T06:30:00Z') as object), source: 'someone.else' }).success).toBe(
      false,
    );
  });

  it('still reads the bot’s own jobs', () => {
    const job = {
      kind: 'home_refresh',
      user_id: 'U024BE7LH',
      reason: 'home_opened',
      requested_at: '2026-11-27T06:30:00.000Z',
    };
    expect(readWorkJob(job)).toEqual({ success: true, data: job });
  });
});
