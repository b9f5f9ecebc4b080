/**
 * App Home end to end through the real webhook and worker: the tab published when opened (and after each click),
 * a pending reminder cancelled from it, the preferences modal opened before the answer and its submission
 * validated inline or saved with the digest schedule created, moved and deleted on the Scheduler fake.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AnyBlock } from '@slack/types';
import { User } from '../../lambda/shared/domain';
import { HomeActionIds } from '../../lambda/slack-bot/app-home/home-view';
import { submissionStateFor } from '../../lambda/slack-bot/app-home/preferences-modal';
import { reminderScheduleName } from '../../lambda/actions/reminders';
import { defaultPreferences } from '../../lambda/shared/preferences';
import { DEFAULT_CHANNELS } from '../../lambda/slack-bot/app-home/home-tab';
import { blocksAsText } from '../../lambda/slack-bot/app-home/view-text';
import {
  homeButtonBody,
  homeOpenedBody,
  homeSwitchesBody,
  preferencesSubmissionBody,
} from '../../local/slack-home-requests';
import { nextCronRun } from '../../local/scheduler-cron';
import { ScheduleTargets, invokeScheduleTarget, scheduledInput } from '../../local/scheduler-targets';
import { blockKitViolations } from '../unit/block-kit-limits';
import { FORM, JSON_TYPE, clickBody, dmBody, restEvent, useBotEnvironment } from './bot-helpers';
import { USER_ID, aMeeting, aUser, readMeeting, seed } from './helpers';

jest.setTimeout(30_000);

const bot = useBotEnvironment();

const answer = (body: string, type = FORM) => bot.handler(restEvent(body, type), {});
const drain = () => bot.env.worker().drain();
const homeTab = (userId = USER_ID) =>
  bot.env.slack.homeTabs.get(userId) as { type: string; blocks: AnyBlock[] } | undefined;
const homeText = (userId = USER_ID) => blocksAsText(homeTab(userId)?.blocks ?? []);
const value = (meetingId = 'm-7f3a') => JSON.stringify({ meeting_id: meetingId, user_id: USER_ID });
const readUser = async (userId = USER_ID) =>
  (
    await bot.env.db.send(
      new GetCommand({ TableName: bot.env.tables.users, Key: { user_id: userId }, ConsistentRead: true }),
    )
  ).Item as User | undefined;
const digestSchedule = () => [...bot.env.scheduler.schedules.values()].find((s) => s.Name.startsWith('prep-digest-'));
/** A title anyone who invites the executive can set: Slack must show it as typed, never as a link. */
const PHISHING = 'Board sync https://evil.example/login';
/** Every mrkdwn text object in a surface. */
const mrkdwnIn = (node: unknown): { text: string; verbatim?: boolean }[] => {
  if (Array.isArray(node)) return node.flatMap(mrkdwnIn);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const own = record['type'] === 'mrkdwn' && typeof record['text'] === 'string' ? [record as { text: string }] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnIn)];
};

describe('the Home tab', () => {
  it('is published by the worker when the user opens it, listing the week with the actions that apply, within Block Kit limits', async () => {
    await seed(bot.env, aMeeting({ title: 'Board prep' }));

    const response = await answer(homeOpenedBody(), JSON_TYPE);

    expect(response).toMatchObject({ statusCode: 200 });
    expect(bot.env.slack.requests).toHaveLength(0);
    await drain();
    const tab = homeTab();
    expect(tab?.type).toBe('home');
    expect(blockKitViolations(tab?.blocks ?? [], { maxBlocks: 100 })).toEqual([]);
    expect(homeText()).toContain('Board prep');
    expect(homeText()).toMatch(/\[Start Prep\].*\[Remind Me in 2 Hours\]/s);
    expect(homeText()).toContain('Morning digest: off');
  });

  it('shows a title holding an address only in verbatim text, so Slack makes no link of it', async () => {
    await seed(bot.env, aMeeting({ title: PHISHING }));

    await answer(homeOpenedBody(), JSON_TYPE);
    await drain();

    const objects = mrkdwnIn(homeTab()?.blocks);
    expect(objects.filter((o) => o.text.includes(PHISHING)).length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.verbatim !== true)).toEqual([]);
  });

  it('tells a user with no meetings so, with the preferences still there', async () => {
    await bot.env.db.send(new PutCommand({ TableName: bot.env.tables.users, Item: aUser() }));

    await answer(homeOpenedBody(), JSON_TYPE);
    await drain();

    expect(homeText()).toContain('You have no meetings in the next 7 days');
    expect(homeText()).toContain('Edit preferences');
  });

  it('stays within 100 blocks for a week of 80 meetings', async () => {
    await bot.env.db.send(new PutCommand({ TableName: bot.env.tables.users, Item: aUser() }));
    for (let i = 0; i < 80; i += 1) {
      await bot.env.db.send(
        new PutCommand({
          TableName: bot.env.tables.meetings,
          Item: aMeeting({ meeting_id: `m-${i}`, title: `Meeting ${i}` }, 2 + i),
        }),
      );
    }

    await answer(homeOpenedBody(), JSON_TYPE);
    await drain();

    expect(blockKitViolations(homeTab()?.blocks ?? [], { maxBlocks: 100 })).toEqual([]);
    expect(homeText()).toMatch(/and \d+ more meetings this week/);
  });

  it('is refreshed when a prep session is finished by DM', async () => {
    await seed(bot.env, aMeeting());
    await answer(clickBody('start_prep'));
    await drain();

    for (const text of ['Agenda: budget', 'Why late?', 'Notes: decide']) {
      await answer(dmBody(text), JSON_TYPE);
      await drain();
    }

    expect(homeText()).toContain('Prep: done');
  });

  it('is refreshed after a click on a message button', async () => {
    await seed(bot.env, aMeeting());

    await answer(clickBody('start_prep'));
    await drain();

    expect(homeText()).toContain('Prep: in progress');
  });
});

describe('Home tab actions', () => {
  it('Start Prep from the Home tab goes through the same core: session started, kit DMed, tab refreshed', async () => {
    await seed(bot.env, aMeeting());

    const response = await answer(homeButtonBody(HomeActionIds.StartPrep, value()));

    expect(response.statusCode).toBe(200);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
    await drain();
    expect(bot.env.slack.messages.filter((m) => m.method === 'chat.postMessage')).toHaveLength(1);
    expect(homeText()).toContain('Prep: in progress');
  });

  it('Cancel reminder deletes the pending schedule and the tab no longer offers it', async () => {
    await seed(bot.env, aMeeting());
    await answer(homeButtonBody(HomeActionIds.RemindLater, value()));
    await drain();
    expect(bot.env.scheduler.schedules.has(`meeting-prep-reminders-local/${reminderScheduleName('m-7f3a')}`)).toBe(
      true,
    );
    expect(homeText()).toContain('[Cancel reminder]');

    await answer(homeButtonBody(HomeActionIds.CancelReminder, value()));
    await drain();

    expect([...bot.env.scheduler.schedules.keys()]).toEqual([]);
    expect(bot.env.scheduler.requests.filter((r) => r.operation === 'DeleteSchedule')).toHaveLength(1);
    expect(homeText()).not.toContain('[Cancel reminder]');
    expect(homeText()).toContain('[Remind Me in 2 Hours]');
  });

  it("refuses to cancel a reminder on someone else's meeting", async () => {
    await seed(bot.env, aMeeting());
    await answer(homeButtonBody(HomeActionIds.RemindLater, value()));

    await answer(homeButtonBody(HomeActionIds.CancelReminder, value(), { userId: 'U0OTHER01' }));

    expect(bot.env.scheduler.schedules.size).toBe(1);
    expect(bot.env.scheduler.requests.filter((r) => r.operation === 'DeleteSchedule')).toHaveLength(0);
  });

  it('Edit preferences opens the modal before the webhook answers, on the click’s trigger id', async () => {
    await seed(bot.env, aMeeting());
    const body = homeButtonBody(HomeActionIds.OpenPreferences, USER_ID, {
      triggerId: '1234567890123.1234567890123.abcdefabcdefabcdefabcdefabcdefab',
    });

    const response = await answer(body);

    expect(response.statusCode).toBe(200);
    expect(bot.env.slack.openedViews).toEqual([
      {
        triggerId: '1234567890123.1234567890123.abcdefabcdefabcdefabcdefabcdefab',
        view: expect.objectContaining({ type: 'modal', callback_id: 'preferences' }),
      },
    ]);
    const objects = mrkdwnIn(bot.env.slack.openedViews[0]?.view);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.verbatim !== true)).toEqual([]);
  });
});

describe('the preferences modal', () => {
  const prefs = defaultPreferences(DEFAULT_CHANNELS);

  it('answers an end time with no start time inline, and saves nothing', async () => {
    await seed(bot.env, aMeeting());
    const values = submissionStateFor({ ...prefs, quiet_hours: { start: '21:00', end: '07:00' } });
    const broken = { ...values, quiet_hours_start: { quiet_hours_start: { type: 'timepicker', selected_time: null } } };
    const before = (await readUser())?.notification_preferences;

    const response = await answer(preferencesSubmissionBody(broken));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      response_action: 'errors',
      errors: { quiet_hours_start: expect.stringContaining('Set when quiet hours start') },
    });
    expect((await readUser())?.notification_preferences).toEqual(before);
    expect(bot.env.scheduler.requests).toHaveLength(0);
  });

  it('saves valid preferences, creates the digest schedule in the user’s zone on the work queue, and refreshes the tab', async () => {
    await seed(bot.env, aMeeting(), aUser({ timezone: 'Europe/Paris' }));

    const response = await answer(
      preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '07:45' } })),
    );

    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect((await readUser())?.notification_preferences).toMatchObject({
      digest: { enabled: true, time: '07:45' },
      channels: ['slack', 'sms', 'email'],
    });
    expect(digestSchedule()).toMatchObject({
      Name: `prep-digest-${USER_ID}`,
      GroupName: 'meeting-prep-reminders-local',
      ScheduleExpression: 'cron(45 7 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: expect.objectContaining({ Arn: bot.env.workQueue.arn, SqsParameters: { MessageGroupId: USER_ID } }),
    });
    await drain();
    expect(homeText()).toContain('Morning digest: on, at 7:45');
  });

  it('saves nothing for a Slack user the service does not know, and says so in the dialog', async () => {
    const response = await answer(
      preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '07:30' } }), {
        userId: 'U0STRANGER',
      }),
    );

    expect(JSON.parse(response.body)).toEqual({
      response_action: 'errors',
      errors: { prep_reminders: expect.stringContaining("I don't have you on file") },
    });
    expect(await readUser('U0STRANGER')).toBeUndefined();
    expect(bot.env.scheduler.requests).toHaveLength(0);
  });

  it('moves the digest when its time changes and deletes it when switched off from the Home tab', async () => {
    await seed(bot.env, aMeeting());
    await answer(preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '07:30' } })));

    await answer(preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '06:15' } })));
    expect(digestSchedule()?.ScheduleExpression).toBe('cron(15 6 * * ? *)');

    await answer(homeSwitchesBody(['prep_reminders']));
    expect(digestSchedule()).toBeUndefined();
    expect((await readUser())?.notification_preferences).toMatchObject({
      prep_reminders: true,
      digest: { enabled: false },
    });
    expect(bot.env.scheduler.requests.map((r) => r.operation)).toEqual([
      'CreateSchedule',
      'UpdateSchedule',
      'DeleteSchedule',
    ]);
  });
});

describe('the morning digest', () => {
  const prefs = defaultPreferences(DEFAULT_CHANNELS);
  let sqs: SQSClient;
  beforeAll(() => {
    sqs = new SQSClient({});
  });
  afterAll(() => sqs.destroy());

  const targets = (): ScheduleTargets => ({
    startExecution: () => undefined,
    queues: { [bot.env.workQueue.arn]: bot.env.workQueue.url },
    sqs,
  });
  /** Opts in and fires the digest schedule at its next run, as Scheduler would; returns the run's scheduled time. */
  async function optInAndFire(): Promise<Date> {
    await answer(preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '07:30' } })));
    await drain();
    bot.env.slack.reset();
    const schedule = digestSchedule();
    if (!schedule) throw new Error('no digest schedule');
    const run = nextCronRun(
      schedule.ScheduleExpression,
      schedule.ScheduleExpressionTimezone,
      schedule.LastModificationDate,
    );
    if (!run) throw new Error('the digest cron never runs');
    const firings = await bot.env.scheduler.fireDue(run, (s, t) =>
      invokeScheduleTarget(targets(), s, t).then(() => undefined),
    );
    expect(firings.map((f) => [f.schedule.Name, f.scheduledTime, f.error])).toEqual([[schedule.Name, run, undefined]]);
    return run;
  }
  const dms = () => bot.env.slack.messages.filter((m) => m.method === 'chat.postMessage');

  it('DMs the meetings that still need prep, each with Start Prep, once per scheduled time', async () => {
    await seed(bot.env, aMeeting({ title: 'Budget review' }, 3));

    const run = await optInAndFire();
    await drain();

    expect(dms()).toHaveLength(1);
    expect(dms()[0]?.text).toContain('1 meeting to prepare');
    expect(JSON.stringify(dms()[0]?.blocks)).toContain('digest_start_prep');
    expect(blocksAsText((dms()[0]?.blocks ?? []) as AnyBlock[])).toContain('Budget review');

    // Scheduler delivers again (a retry after a lost acknowledgement): the queue no longer deduplicates it.
    const schedule = digestSchedule();
    if (!schedule) throw new Error('no digest schedule');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: bot.env.workQueue.url,
        MessageBody: scheduledInput(schedule, run),
        MessageGroupId: USER_ID,
        MessageDeduplicationId: 'redelivery-1',
      }),
    );
    await drain();
    expect(dms()).toHaveLength(1);
  });

  it('shows a title holding an address only in verbatim text, in a DM with no link or media previews', async () => {
    await seed(bot.env, aMeeting({ title: PHISHING }, 3));

    await optInAndFire();
    await drain();

    expect(dms()).toHaveLength(1);
    expect(dms()[0]?.args).toMatchObject({ unfurl_links: false, unfurl_media: false });
    const objects = mrkdwnIn(dms()[0]?.blocks);
    expect(objects.filter((o) => o.text.includes(PHISHING)).length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.verbatim !== true)).toEqual([]);
  });

  it('sends nothing when nothing needs prep', async () => {
    await seed(bot.env, aMeeting({ status: 'PREP_COMPLETED' }, 3));

    await optInAndFire();
    const report = await drain();

    expect(report.invocations.length).toBeGreaterThan(0);
    expect(dms()).toHaveLength(0);
  });
});
