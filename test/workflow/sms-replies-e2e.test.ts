/**
 * An SMS reply end to end: Slack refuses the prep message, the state machine texts the executive (the SMS says how
 * to reply, and numbers the second meeting), the executive replies through Twilio's signed webhook, and the worker
 * emails the prep kit (Slack never reached them). The synthesized state machine runs with the real handlers.
 */
import { inboundSmsParams, sendInboundSms } from '../../local/cli/sms-client';
import { sampleMeeting } from '../../local/demo';
import { LOCAL_CREDENTIALS, LocalEnvironment, startLocalEnvironment } from '../../local/local-environment';
import { statesEntered } from '../../local/workflow-runner';
import { aUser, prepEventFor, readMeeting, seed } from './helpers';
import { clearTables } from './bot-helpers';

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startLocalEnvironment();
}, 60_000);
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  await env.resetFakes();
  await clearTables(env);
});

const meeting = (id: string, hoursAhead: number, title: string) => {
  const start = new Date(Date.now() + hoursAhead * 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  return sampleMeeting(id, start, { title });
};

async function notifyBySms(m: ReturnType<typeof meeting>): Promise<string> {
  const execution = await env.workflow.run(prepEventFor(m), { retryIntervalMs: 0 });
  await env.receiptsSettled();
  expect(execution.status).toBe('SUCCEEDED');
  expect(statesEntered(execution)).toContain('NotifyViaSms');
  const sms = env.twilio.messages.find((msg) => msg.body?.includes(m.title ?? '?'));
  if (!sms?.body) throw new Error(`no SMS for ${m.meeting_id}`);
  return sms.body;
}

const reply = (body: string, messageSid: string) =>
  sendInboundSms({
    postUrl: env.smsWebhookUrl,
    signedUrl: env.smsWebhookUrl,
    authToken: LOCAL_CREDENTIALS.twilioAuthToken,
    params: inboundSmsParams(
      aUser().phone_number ?? '',
      LOCAL_CREDENTIALS.twilioFromNumber,
      body,
      LOCAL_CREDENTIALS.twilioAccountSid,
      messageSid,
    ),
  });

describe('an SMS reply, from the prep SMS to the prep kit', () => {
  it('texts how to reply, numbers a second meeting, and PREP 2 starts that one with the kit emailed', async () => {
    const board = meeting('m-board', 30, 'Board Prep');
    const vendor = meeting('m-vendor', 28, 'Vendor Review');
    await seed(env, board);
    await seed(env, vendor);
    env.slack.fail('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found', times: Infinity });

    const first = await notifyBySms(board);
    const second = await notifyBySms(vendor);

    expect(first).toMatch(/^Meeting prep: Board Prep, .+\. Reply PREP to start, LATER for a reminder in 2 hours\.$/);
    expect(second).toMatch(
      /^Meeting prep: Vendor Review, .+\. Reply PREP 2 to start, LATER 2 for a reminder in 2 hours\.$/,
    );

    const answer = await reply('PREP 2', 'SMe2e00000000000000000000000000001');
    await env.worker().drain();

    expect(answer.messages).toEqual([
      expect.stringMatching(/^Prep started for "Vendor Review" \(.+\)\. Your prep kit is on its way to your email\.$/),
    ]);
    expect((await readMeeting(env, 'm-vendor'))?.status).toBe('PREP_IN_PROGRESS');
    expect((await readMeeting(env, 'm-board'))?.status).toBe('PREP_SCHEDULED');
    const emails = await env.ses.emails();
    expect(emails.filter((e) => JSON.stringify(e).includes('Vendor Review'))).toHaveLength(1);
  });
});
