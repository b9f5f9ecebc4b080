/**
 * A signed Slack request replayed inside the signature's five-minute window (the same body, re-signed or with the
 * very same signature and timestamp) acts once: every state-changing interaction is claimed on its own identity
 * (the interaction's `trigger_id`) before the bot acts, and a request whose identity is already claimed is answered
 * 200 with nothing done (`SlackRequestsIgnored`, reason `replayed`). A request that failed on our side gives its
 * claim back, so Slack's retry (`X-Slack-Retry-Num`) still acts.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { reminderScheduleName } from '../../lambda/actions/reminders';
import { ChatSessionState, ChatSessionsRepository } from '../../lambda/shared/chat-sessions';
import { User } from '../../lambda/shared/domain';
import { MeetingsRepository } from '../../lambda/shared/meetings-repository';
import { defaultPreferences } from '../../lambda/shared/preferences';
import { DEFAULT_CHANNELS } from '../../lambda/slack-bot/app-home/home-tab';
import { HomeActionIds } from '../../lambda/slack-bot/app-home/home-view';
import { submissionStateFor } from '../../lambda/slack-bot/app-home/preferences-modal';
import { DIGEST_START_PREP_ACTION } from '../../lambda/slack-bot/digest';
import { homeButtonBody, homeSwitchesBody, preferencesSubmissionBody } from '../../local/slack-home-requests';
import {
  FORM,
  JSON_TYPE,
  WebhookHandler,
  clickBody,
  dmBody,
  readSessions,
  restEvent,
  useBotEnvironment,
} from './bot-helpers';
import { USER_ID, aMeeting, readMeeting, seed } from './helpers';

jest.setTimeout(30_000);

const bot = useBotEnvironment();

type Event = Parameters<WebhookHandler>[0];
const send = (event: Event) => bot.handler(event, {});
/** A body signed now (a replay by someone who can sign, or Slack itself). */
const answer = (body: string, type = FORM) => send(restEvent(body, type));
const drain = () => bot.env.worker().drain();
const value = (meetingId = 'm-7f3a') => JSON.stringify({ meeting_id: meetingId, user_id: USER_ID });
const reminderKey = `meeting-prep-reminders-local/${reminderScheduleName('m-7f3a')}`;
const operations = (operation: string) => bot.env.scheduler.requests.filter((r) => r.operation === operation);
const queued = () => bot.env.sqs.requests.filter((r) => r.operation === 'SendMessage');
const dms = () => bot.env.slack.messages.filter((m) => m.method === 'chat.postMessage');
const digestOn = async () =>
  (
    (
      await bot.env.db.send(
        new GetCommand({ TableName: bot.env.tables.users, Key: { user_id: USER_ID }, ConsistentRead: true }),
      )
    ).Item as User | undefined
  )?.notification_preferences?.digest?.enabled;

/** A click body with its action's id changed (the digest's Start Prep is the same click with its own id). */
function withActionId(body: string, actionId: string): string {
  const payload = JSON.parse(decodeURIComponent(body.slice('payload='.length))) as {
    actions: { action_id: string }[];
  };
  payload.actions = payload.actions.map((a) => ({ ...a, action_id: actionId }));
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Answers a request, keeping the exact event (body, signature, timestamp) for a replay. */
async function captured(body: string, type = FORM): Promise<{ event: Event; status: number }> {
  const event = restEvent(body, type);
  const response = await send(event);
  return { event, status: response.statusCode };
}

describe('a replayed Home tab Cancel reminder', () => {
  it.each([
    ['re-signed with a fresh timestamp', (event: Event) => restEvent(String(event.body), FORM)],
    ['with the very same signature and timestamp', (event: Event) => ({ ...event })],
  ])('%s does not cancel the reminder set again in between', async (_how, replayOf) => {
    await seed(bot.env, aMeeting());
    await answer(homeButtonBody(HomeActionIds.RemindLater, value()));
    const cancel = await captured(homeButtonBody(HomeActionIds.CancelReminder, value()));
    expect(cancel.status).toBe(200);
    expect(bot.env.scheduler.schedules.has(reminderKey)).toBe(false);
    await answer(homeButtonBody(HomeActionIds.RemindLater, value()));
    expect(bot.env.scheduler.schedules.has(reminderKey)).toBe(true);
    const queuedBefore = queued().length;

    const replay = await send(replayOf(cancel.event));

    expect(replay).toMatchObject({ statusCode: 200, body: '' });
    expect(bot.env.scheduler.schedules.has(reminderKey)).toBe(true);
    expect(operations('DeleteSchedule')).toHaveLength(1);
    expect(queued()).toHaveLength(queuedBefore);
  });
});

describe('replayed prep buttons act once', () => {
  it.each([
    ['the prep message', () => clickBody('start_prep')],
    ['the digest', () => withActionId(clickBody('start_prep'), DIGEST_START_PREP_ACTION)],
    ['the Home tab', () => homeButtonBody(HomeActionIds.StartPrep, value())],
  ])('Start Prep from %s: one session, one DM, and the replay tells nobody anything', async (_where, body) => {
    await seed(bot.env, aMeeting());
    const click = await captured(body());
    await drain();
    const queuedBefore = queued().length;
    bot.env.slack.reset();

    const replay = await send(restEvent(String(click.event.body), FORM));
    await drain();

    expect([click.status, replay.statusCode]).toEqual([200, 200]);
    expect(await readSessions(bot.env)).toHaveLength(1);
    expect(queued()).toHaveLength(queuedBefore);
    expect(bot.env.slack.requests).toHaveLength(0);
  });

  it('a replayed Start Prep does not start prep again once the first session was cancelled', async () => {
    await seed(bot.env, aMeeting());
    const click = await captured(clickBody('start_prep'));
    await drain();
    // The start undone (as the worker does when the DM cannot be sent): the meeting awaits prep again.
    const session = (await readSessions(bot.env))[0];
    expect(session).toBeDefined();
    const now = new Date();
    await new ChatSessionsRepository(bot.env.db, bot.env.tables.chatSessions).end(
      session?.session_id ?? '',
      ChatSessionState.Cancelled,
      now,
    );
    await new MeetingsRepository(bot.env.db, bot.env.tables.meetings).revertPrepStart(
      'm-7f3a',
      session?.session_id ?? '',
      now,
    );

    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).not.toBe('PREP_IN_PROGRESS');

    const replay = await send({ ...click.event });
    await drain();

    expect(replay.statusCode).toBe(200);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).not.toBe('PREP_IN_PROGRESS');
    expect(await readSessions(bot.env)).toHaveLength(1);
  });

  it.each([
    ['the prep message', () => clickBody('remind_later')],
    ['the Home tab', () => homeButtonBody(HomeActionIds.RemindLater, value())],
  ])('Remind Me from %s, replayed after the reminder was cancelled, sets no reminder', async (_where, body) => {
    await seed(bot.env, aMeeting());
    const remind = await captured(body());
    expect(bot.env.scheduler.schedules.has(reminderKey)).toBe(true);
    await answer(homeButtonBody(HomeActionIds.CancelReminder, value()));
    expect(bot.env.scheduler.schedules.has(reminderKey)).toBe(false);

    const replay = await send({ ...remind.event });

    expect(replay).toMatchObject({ statusCode: 200, body: '' });
    expect(bot.env.scheduler.schedules.has(reminderKey)).toBe(false);
    expect(operations('CreateSchedule')).toHaveLength(1);
  });
});

describe('replayed preference changes', () => {
  it('the Home tab switches: a replay does not turn the digest back on', async () => {
    await seed(bot.env, aMeeting());
    const on = await captured(homeSwitchesBody(['prep_reminders', 'digest']));
    expect(await digestOn()).toBe(true);
    await answer(homeSwitchesBody(['prep_reminders']));
    expect(await digestOn()).toBe(false);

    const replay = await send(restEvent(String(on.event.body), FORM));

    expect(replay.statusCode).toBe(200);
    expect(await digestOn()).toBe(false);
  });

  it('the preferences modal: a replayed submission does not save again', async () => {
    await seed(bot.env, aMeeting());
    const prefs = defaultPreferences(DEFAULT_CHANNELS);
    const on = await captured(
      preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: true, time: '07:45' } })),
    );
    expect(await digestOn()).toBe(true);
    await answer(
      preferencesSubmissionBody(submissionStateFor({ ...prefs, digest: { enabled: false, time: '07:45' } })),
    );
    expect(await digestOn()).toBe(false);

    const replay = await send({ ...on.event });

    expect(replay).toMatchObject({ statusCode: 200, body: '' });
    expect(await digestOn()).toBe(false);
  });
});

describe('what a replay is not', () => {
  it("Slack's retry of a request that failed on our side (503) acts: the failure gave its claim back", async () => {
    await seed(bot.env, aMeeting());
    bot.env.sqs.fail('SendMessage', { kind: 'status', status: 500, times: 2 });
    const body = clickBody('start_prep');

    const first = await answer(body);
    const retry = await send(
      restEvent(body, FORM, { headers: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_error' } }),
    );
    await drain();

    expect([first.statusCode, retry.statusCode]).toEqual([503, 200]);
    expect((await readMeeting(bot.env, 'm-7f3a'))?.status).toBe('PREP_IN_PROGRESS');
    expect(dms()).toHaveLength(1);
  });

  it('two clicks are two interactions (each its own trigger_id): both are served', async () => {
    await seed(bot.env, aMeeting());

    await answer(homeButtonBody(HomeActionIds.RemindLater, value()));
    await answer(homeButtonBody(HomeActionIds.CancelReminder, value()));
    await answer(homeButtonBody(HomeActionIds.RemindLater, value()));
    await answer(homeButtonBody(HomeActionIds.CancelReminder, value()));

    expect(operations('DeleteSchedule')).toHaveLength(2);
    expect(bot.env.scheduler.schedules.has(reminderKey)).toBe(false);
  });

  it('a replayed DM never advances the session twice (the session records each message ts)', async () => {
    await seed(bot.env, aMeeting());
    await answer(clickBody('start_prep'));
    await drain();
    const dm = restEvent(dmBody('Add budget variance'), JSON_TYPE);

    await send(dm);
    await drain();
    await send({ ...dm });
    await drain();

    expect((await readSessions(bot.env))[0]?.messages).toHaveLength(1);
    expect((await readSessions(bot.env))[0]?.context.step).toBe('questions');
  });
});

describe('the replay metric', () => {
  it('counts a replay in SlackRequestsIgnored with reason replayed', async () => {
    await seed(bot.env, aMeeting());
    const click = await captured(clickBody('remind_later'));
    const lines: string[] = [];
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await send({ ...click.event });
    } finally {
      write.mockRestore();
      process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    }
    const reasons = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('SlackRequestsIgnored'))
      .map((l) => (JSON.parse(l) as Record<string, unknown>)['Reason']);
    expect(reasons).toEqual(['replayed']);
  });
});
