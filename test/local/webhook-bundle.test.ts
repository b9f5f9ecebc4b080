/**
 * The webhook as Lambda runs it: bundled as the stack bundles it (its esbuild aliases: stubs for Bolt's other
 * receivers, OAuth and `http2`, the AWS SDK clients as ES modules), required in this process against the local
 * stand-ins. The aliases change which module copies the bundle holds, so what depends on them is driven here: a
 * failed DynamoDB condition must still be recognised as one (the replay claim and the meeting claim), and every SDK
 * client the answers use (DynamoDB, SQS, Scheduler) must still send its calls.
 */
import * as fs from 'node:fs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { WEBHOOK_BUNDLE_ALIASES } from '../../lib/constructs/webhook-bundle-aliases';
import { sampleMeeting } from '../../local/demo';
import { type LocalEnvironment, startLocalEnvironment } from '../../local/local-environment';
import { FORM, type WebhookHandler, clickBody, restEvent } from '../../local/slack-requests';
import { type Bundle, bundleFunction } from '../../bench/bundles';
import { seedMeetings } from '../../bench/webhook-interactions';
import { PutCommand } from '@aws-sdk/lib-dynamodb';

let env: LocalEnvironment;
let bundle: Bundle;
let handler: WebhookHandler;

beforeAll(async () => {
  bundle = await bundleFunction('lambda/slack-bot/handler.ts', {
    aliases: WEBHOOK_BUNDLE_ALIASES,
    copyFiles: ['config/meeting_types.yaml'],
  });
  env = await startLocalEnvironment({ dynamoDirect: true });
  await seedMeetings(env, 0);
  // The bundle reads its environment at load: required once the environment is up.
  ({ handler } = require(bundle.file) as { handler: WebhookHandler });
}, 90_000);

afterAll(async () => {
  await env?.close();
  if (bundle) fs.rmSync(bundle.dir, { recursive: true, force: true });
});

async function aMeeting(id: string, status = 'CLASSIFIED'): Promise<string> {
  const start = new Date(Date.now() + 10 * 86_400_000);
  start.setUTCMinutes(0, 0, 0);
  await env.db.send(new PutCommand({ TableName: env.tables.meetings, Item: sampleMeeting(id, start, { status }) }));
  return id;
}

const statusOf = async (id: string) =>
  (await env.db.send(new GetCommand({ TableName: env.tables.meetings, Key: { meeting_id: id } }))).Item?.['status'];
const sent = (operation: string) => env.sqs.requests.filter((r) => r.operation === operation).length;

describe('the bundled webhook', () => {
  it('starts prep once: a replayed click is claimed already (a failed condition, recognised) and does nothing', async () => {
    const meetingId = await aMeeting('bundle-sp-1');
    const click = restEvent(clickBody('start_prep', { meetingId }), FORM);
    const before = sent('SendMessage');

    const first = await handler(click, {});
    const replay = await handler({ ...click }, {});

    expect(first.statusCode).toBe(200);
    expect(replay).toMatchObject({ statusCode: 200, body: '' });
    expect(await statusOf(meetingId)).toBe('PREP_IN_PROGRESS');
    expect(sent('SendMessage') - before).toBe(1);
  });

  it('answers a second Start Prep on a meeting already in progress without starting it again', async () => {
    const meetingId = await aMeeting('bundle-sp-2');
    const before = sent('SendMessage');

    const first = await handler(restEvent(clickBody('start_prep', { meetingId }), FORM), {});
    const second = await handler(restEvent(clickBody('start_prep', { meetingId }), FORM), {});

    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(second.headers?.['X-Slack-No-Retry']).toBeUndefined();
    expect(await statusOf(meetingId)).toBe('PREP_IN_PROGRESS');
    expect(sent('SendMessage') - before).toBe(2);
  });

  it('sets a reminder through the Scheduler client once, however often the click is replayed', async () => {
    const meetingId = await aMeeting('bundle-rl-1', 'PREP_SCHEDULED');
    const click = restEvent(clickBody('remind_later', { meetingId }), FORM);

    const answers = [await handler(click, {}), await handler({ ...click }, {})];

    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    const names = [...env.scheduler.schedules.values()].map((s) => s.Name);
    expect(names.filter((n) => n === `prep-reminder-${meetingId}`)).toHaveLength(1);
  });

  it('refuses a malformed payload with a 400 and writes nothing', async () => {
    const before = sent('SendMessage');

    const answer = await handler(restEvent('payload=%7Bnot-json', FORM), {});

    expect(answer.statusCode).toBe(400);
    expect(sent('SendMessage')).toBe(before);
  });
});
