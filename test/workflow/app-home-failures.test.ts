/**
 * App Home when Slack or Scheduler fails, as they do: a rate-limited or failing views.publish is retried by the
 * queue, one Slack refuses for good is dropped; an expired trigger id is answered without a retry; a digest DM that
 * fails transiently is sent once on the retry; a Scheduler failure while saving leaves the preferences unsaved.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { User } from '../../lambda/shared/domain';
import { defaultPreferences } from '../../lambda/shared/preferences';
import { DEFAULT_CHANNELS } from '../../lambda/slack-bot/app-home/home-tab';
import { HomeActionIds } from '../../lambda/slack-bot/app-home/home-view';
import { submissionStateFor } from '../../lambda/slack-bot/app-home/preferences-modal';
import { scheduledInput } from '../../local/scheduler-targets';
import { homeButtonBody, homeOpenedBody, preferencesSubmissionBody } from '../../local/slack-home-requests';
import { FORM, JSON_TYPE, restEvent, useBotEnvironment } from './bot-helpers';
import { USER_ID, aMeeting, seed } from './helpers';

jest.setTimeout(30_000);

const bot = useBotEnvironment();

const answer = (body: string, type = FORM) => bot.handler(restEvent(body, type), {});
const drain = () => bot.env.worker().drain();
const publishes = () => bot.env.slack.requests.filter((r) => r.method === 'views.publish');
const prefs = defaultPreferences(DEFAULT_CHANNELS);

describe('publishing the Home tab', () => {
  it('is retried by the queue after a 429, and published once it passes', async () => {
    await seed(bot.env, aMeeting());
    bot.env.slack.fail('views.publish', { kind: 'ratelimited', retryAfterSeconds: 1 });

    await answer(homeOpenedBody(), JSON_TYPE);
    const report = await drain();

    expect(publishes()).toHaveLength(2);
    expect(bot.env.slack.homeTabs.has(USER_ID)).toBe(true);
    expect(report.deadLettered).toBe(0);
  });

  it('is dropped, not retried, when Slack refuses it for good', async () => {
    await seed(bot.env, aMeeting());
    bot.env.slack.fail('views.publish', { kind: 'slack_error', error: 'not_enabled' });

    await answer(homeOpenedBody(), JSON_TYPE);
    const report = await drain();

    expect(publishes()).toHaveLength(1);
    expect(report.deadLettered).toBe(0);
    expect(bot.env.sqs.queue(bot.env.workQueue.name).messages).toHaveLength(0);
  });
});

describe('opening the preferences dialog', () => {
  it('answers an expired trigger id without inviting a retry (it would expire again)', async () => {
    await seed(bot.env, aMeeting());
    bot.env.slack.fail('views.open', { kind: 'slack_error', error: 'expired_trigger_id' });

    const response = await answer(homeButtonBody(HomeActionIds.OpenPreferences, USER_ID));

    expect(response).toMatchObject({ statusCode: 200, headers: expect.objectContaining({ 'X-Slack-No-Retry': '1' }) });
    expect(bot.env.slack.openedViews).toHaveLength(0);
  });
});

describe('saving preferences', () => {
  it('saves nothing when Scheduler fails, and answers 503 so Slack may retry', async () => {
    await seed(bot.env, aMeeting());
    const before = (
      await bot.env.db.send(
        new GetCommand({ TableName: bot.env.tables.users, Key: { user_id: USER_ID }, ConsistentRead: true }),
      )
    ).Item as User;
    bot.env.scheduler.fail({ kind: 'status', status: 500, times: 5 }, 'CreateSchedule');

    const response = await answer(
      preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '07:30' } })),
    );

    expect(response.statusCode).toBe(503);
    const after = (
      await bot.env.db.send(
        new GetCommand({ TableName: bot.env.tables.users, Key: { user_id: USER_ID }, ConsistentRead: true }),
      )
    ).Item as User;
    expect(after.notification_preferences).toEqual(before.notification_preferences);
    expect(bot.env.sqs.queue(bot.env.workQueue.name).messages).toHaveLength(0);
  });
});

describe('the digest DM', () => {
  it('is sent once when the first attempt fails with a 500: the claim is given back and the retry sends it', async () => {
    await seed(bot.env, aMeeting({}, 3));
    await answer(preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '07:30' } })));
    await drain();
    const schedule = [...bot.env.scheduler.schedules.values()].find((s) => s.Name.startsWith('prep-digest-'));
    if (!schedule) throw new Error('no digest schedule');
    bot.env.slack.reset();
    bot.env.slack.fail('chat.postMessage', { kind: 'status', status: 500 });
    const sqs = new SQSClient({});

    await sqs.send(
      new SendMessageCommand({
        QueueUrl: bot.env.workQueue.url,
        MessageBody: scheduledInput(schedule, new Date()),
        MessageGroupId: USER_ID,
      }),
    );
    const report = await drain();
    sqs.destroy();

    expect(bot.env.slack.requests.filter((r) => r.method === 'chat.postMessage')).toHaveLength(2);
    expect(bot.env.slack.messages).toHaveLength(1);
    expect(report.deadLettered).toBe(0);
  });
});
