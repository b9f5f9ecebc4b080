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
import type { LocalEnvironment } from '../../local/local-environment';
import { scheduledInput } from '../../local/scheduler-targets';
import { homeButtonBody, homeOpenedBody, preferencesSubmissionBody } from '../../local/slack-home-requests';
import { FORM, JSON_TYPE, WebhookHandler, clearTables, restEvent } from './bot-helpers';
import { USER_ID, aMeeting, seed, startEnvironment } from './helpers';

jest.setTimeout(30_000);

let env: LocalEnvironment;
let handler: WebhookHandler;

beforeAll(async () => {
  env = await startEnvironment();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late, after the environment is set
  ({ handler } = require('../../lambda/slack-bot/handler') as { handler: WebhookHandler });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

beforeEach(async () => {
  await env.resetFakes();
  await clearTables(env);
});

const answer = (body: string, type = FORM) => handler(restEvent(body, type), {});
const drain = () => env.worker().drain();
const publishes = () => env.slack.requests.filter((r) => r.method === 'views.publish');
const prefs = defaultPreferences(DEFAULT_CHANNELS);

describe('publishing the Home tab', () => {
  it('is retried by the queue after a 429, and published once it passes', async () => {
    await seed(env, aMeeting());
    env.slack.fail('views.publish', { kind: 'ratelimited', retryAfterSeconds: 1 });

    await answer(homeOpenedBody(), JSON_TYPE);
    const report = await drain();

    expect(publishes()).toHaveLength(2);
    expect(env.slack.homeTabs.has(USER_ID)).toBe(true);
    expect(report.deadLettered).toBe(0);
  });

  it('is dropped, not retried, when Slack refuses it for good', async () => {
    await seed(env, aMeeting());
    env.slack.fail('views.publish', { kind: 'slack_error', error: 'not_enabled' });

    await answer(homeOpenedBody(), JSON_TYPE);
    const report = await drain();

    expect(publishes()).toHaveLength(1);
    expect(report.deadLettered).toBe(0);
    expect(env.sqs.queue(env.workQueue.name).messages).toHaveLength(0);
  });
});

describe('opening the preferences dialog', () => {
  it('answers an expired trigger id without inviting a retry (it would expire again)', async () => {
    await seed(env, aMeeting());
    env.slack.fail('views.open', { kind: 'slack_error', error: 'expired_trigger_id' });

    const response = await answer(homeButtonBody(HomeActionIds.OpenPreferences, USER_ID));

    expect(response).toMatchObject({ statusCode: 200, headers: expect.objectContaining({ 'X-Slack-No-Retry': '1' }) });
    expect(env.slack.openedViews).toHaveLength(0);
  });
});

describe('saving preferences', () => {
  it('saves nothing when Scheduler fails, and answers 503 so Slack may retry', async () => {
    await seed(env, aMeeting());
    const before = (await env.db.send(new GetCommand({ TableName: env.tables.users, Key: { user_id: USER_ID }, ConsistentRead: true }))).Item as User;
    env.scheduler.fail({ kind: 'status', status: 500, times: 5 }, 'CreateSchedule');

    const response = await answer(preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '07:30' } })));

    expect(response.statusCode).toBe(503);
    const after = (await env.db.send(new GetCommand({ TableName: env.tables.users, Key: { user_id: USER_ID }, ConsistentRead: true }))).Item as User;
    expect(after.notification_preferences).toEqual(before.notification_preferences);
    expect(env.sqs.queue(env.workQueue.name).messages).toHaveLength(0);
  });
});

describe('the digest DM', () => {
  it('is sent once when the first attempt fails with a 500: the claim is given back and the retry sends it', async () => {
    await seed(env, aMeeting({}, 3));
    await answer(preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '07:30' } })));
    await drain();
    const schedule = [...env.scheduler.schedules.values()].find((s) => s.Name.startsWith('prep-digest-'));
    if (!schedule) throw new Error('no digest schedule');
    env.slack.reset();
    env.slack.fail('chat.postMessage', { kind: 'status', status: 500 });
    const sqs = new SQSClient({});

    await sqs.send(new SendMessageCommand({ QueueUrl: env.workQueue.url, MessageBody: scheduledInput(schedule, new Date()), MessageGroupId: USER_ID }));
    const report = await drain();
    sqs.destroy();

    expect(env.slack.requests.filter((r) => r.method === 'chat.postMessage')).toHaveLength(2);
    expect(env.slack.messages).toHaveLength(1);
    expect(report.deadLettered).toBe(0);
  });
});
