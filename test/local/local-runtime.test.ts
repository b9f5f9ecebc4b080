/**
 * Smoke test of `npm start`'s runtime, in-process on a free port: the demo event notifies once, published events
 * and signed clicks go through HTTP like they would from curl and Slack, and a Remind Later schedule fires on the
 * local scheduler (time-scaled) and runs the reminder execution.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Meeting } from '../../lambda/shared/domain';
import { demoEntry, demoMeetings } from '../../local/demo';
import { Runtime, startRuntime } from '../../local/runtime';
import { defaultPreferences } from '../../lambda/shared/preferences';
import { DEFAULT_CHANNELS } from '../../lambda/slack-bot/app-home/home-tab';
import { submissionStateFor } from '../../lambda/slack-bot/app-home/preferences-modal';
import { preferencesSubmissionBody } from '../../local/slack-home-requests';
import { FORM, clickBody, signedHeaders } from '../../local/slack-requests';
import { statesEntered } from '../../local/workflow-runner';

let runtime: Runtime;
let closed = false;
const trace: string[] = [];
const traceWaiters: { pattern: RegExp; resolve: () => void }[] = [];
/** Resolves when the runtime logs a line matching `pattern` (or has already). */
const logged = (pattern: RegExp): Promise<void> =>
  trace.some((l) => pattern.test(l))
    ? Promise.resolve()
    : new Promise((resolve) => traceWaiters.push({ pattern, resolve }));
const onLog = (line: string): void => {
  trace.push(line);
  for (const w of traceWaiters.filter((w) => w.pattern.test(line))) w.resolve();
};
const countResources = () =>
  process.getActiveResourcesInfo().reduce<Record<string, number>>((acc, type) => {
    acc[type] = (acc[type] ?? 0) + 1;
    return acc;
  }, {});
let baseline: Record<string, number>;

beforeAll(async () => {
  baseline = countResources();
  runtime = await startRuntime({
    port: 0,
    log: onLog,
    retryIntervalMs: 0,
    // Two hours pass in about a second on the local scheduler's clock.
    timeScale: 7200,
    schedulerPollMs: 50,
  });
}, 60_000);

afterAll(async () => {
  if (!closed) await runtime?.close();
});

const meeting = async (id: string) =>
  (await runtime.env.db.send(new GetCommand({ TableName: runtime.env.tables.meetings, Key: { meeting_id: id } })))
    .Item as Meeting;

const slackPosts = () => runtime.env.slack.messages.filter((m) => m.method === 'chat.postMessage');

describe('npm start', () => {
  it('seeds the demo, publishes one event, and notifies exactly once on Slack', async () => {
    expect(runtime.executions).toHaveLength(1);
    // Started by the rule's starter function through the Step Functions API stand-in: named after the meeting.
    expect(runtime.executions[0]?.name).toMatch(/^m-7f3a-[0-9a-f-]{36}$/);
    expect([...runtime.sfn.started.keys()]).toEqual([runtime.executions[0]?.name]);
    expect(statesEntered(runtime.executions[0] as (typeof runtime.executions)[number])).toEqual([
      'LoadMeeting',
      'PickChannel',
      'NotifyViaSlack',
      'RecordDelivery',
    ]);
    expect(slackPosts()).toHaveLength(1);
    expect((await meeting('m-7f3a')).status).toBe('PREP_SCHEDULED');
  });

  it('prints the execution like the console, with the message as a person sees it', () => {
    const text = trace.join('\n');

    expect(text).toMatch(/→ LoadMeeting \(Task\)/);
    expect(text).toMatch(/← NotifyViaSlack +\d+ ms/);
    expect(text).toContain('Delivered via slack');
    expect(text).toContain('== Meeting Prep Reminder ==');
    expect(text).toContain('[ Start Prep Session ]* [ Remind Me in 2 Hours ]');
    expect(text).toContain('Meeting m-7f3a is now PREP_SCHEDULED');
  });

  it('accepts PutEvents-shaped JSON on /events and starts one execution per matching event', async () => {
    const qbr = demoMeetings().find((m) => m.meeting_id === 'm-qbr4') as Meeting;
    const before = runtime.executions.length;

    const res = await fetch(runtime.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Entries: [demoEntry(qbr)] }),
    });
    await runtime.executionsFinished(before + 1);

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    expect((await meeting('m-qbr4')).status).toBe('PREP_SCHEDULED');
    expect(slackPosts()).toHaveLength(2);
  });

  it.each([
    ['not JSON', '{"Entries": [', /not JSON/],
    ['no Entries', '{"hello":"world"}', /expected a PutEvents request/],
    [
      'a Detail that is not JSON',
      JSON.stringify({
        Entries: [{ Source: 'exec-assistant.calendar-monitor', DetailType: 'MeetingPrepRequired', Detail: '{oops' }],
      }),
      /Entries\[0\]\.Detail is not valid JSON/,
    ],
    [
      'a missing DetailType',
      JSON.stringify({ Entries: [{ Source: 'exec-assistant.calendar-monitor', Detail: '{}' }] }),
      /Entries\[0\]\.DetailType must be a non-empty string/,
    ],
  ])('answers 400 with a clear message to %s, and changes nothing', async (_case, body, message) => {
    const before = (await runtime.env.db.send(new ScanCommand({ TableName: runtime.env.tables.meetings }))).Items;
    const executions = runtime.executions.length;

    const res = await fetch(runtime.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await runtime.idle();

    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(message);
    expect(runtime.executions).toHaveLength(executions);
    expect((await runtime.env.db.send(new ScanCommand({ TableName: runtime.env.tables.meetings }))).Items).toEqual(
      before,
    );
  });

  it('serves signed clicks on the webhook: Remind Later schedules a reminder that fires and re-runs the workflow', async () => {
    const body = clickBody('remind_later', { meetingId: 'm-1on1' });
    const before = runtime.executions.length;

    const res = await fetch(runtime.webhookUrl, { method: 'POST', body, headers: signedHeaders(body, FORM) });
    expect(res.status).toBe(200);
    // The scheduler's clock runs 7200 times faster: the schedule may already have fired; its creation is on record.
    expect(runtime.env.scheduler.requests.filter((r) => r.operation === 'CreateSchedule').map((r) => r.path)).toEqual([
      '/schedules/prep-reminder-m-1on1',
    ]);
    const all = await runtime.executionsFinished(before + 1);

    const reminder = all[before] as (typeof all)[number];
    expect(reminder.name).toMatch(/^m-1on1-reminder-\d+$/);
    expect(statesEntered(reminder)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaSlack', 'RecordDelivery']);
    expect(runtime.env.scheduler.schedules.size).toBe(0);
    expect(trace.join('\n')).toContain('Scheduler: reminder prep-reminder-m-1on1 is due');
  });

  it('serves Start Prep through the work queue: the worker DMs the prep kit after the answer', async () => {
    const body = clickBody('start_prep', { meetingId: 'm-qbr4' });

    const res = await fetch(runtime.webhookUrl, { method: 'POST', body, headers: signedHeaders(body, FORM) });
    await runtime.idle();

    expect(res.status).toBe(200);
    expect(
      slackPosts()
        .filter((m) => m.args['channel'] === 'U024BE7LH')
        .map((m) => m.text),
    ).toContainEqual(expect.stringMatching(/^Let's prep for /));
    expect(trace.join('\n')).toMatch(/Worker: 1 job\(s\) delivered in 1 invocation\(s\)/);
  });

  it('fires the morning digest on the local scheduler, in the user’s zone and on its scaled clock: one DM', async () => {
    // A digest an hour from now in the executive's zone: due within a second at 7200x.
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(Date.now() + 3_600_000));
    const body = preferencesSubmissionBody(
      submissionStateFor({ ...defaultPreferences(DEFAULT_CHANNELS), digest: { enabled: true, time: local } }),
    );
    const before = slackPosts().length;

    const res = await fetch(runtime.webhookUrl, { method: 'POST', body, headers: signedHeaders(body, FORM) });
    expect(res.status).toBe(200);
    await logged(/Scheduler: digest prep-digest-U024BE7LH is due/);
    await runtime.idle();

    const digest = runtime.env.scheduler.schedules.get(`meeting-prep-reminders-local/prep-digest-U024BE7LH`);
    expect(digest).toMatchObject({
      ScheduleExpressionTimezone: 'America/New_York',
      ScheduleExpression: expect.stringMatching(/^cron\(\d+ \d+ \* \* \? \*\)$/),
    });
    expect(
      slackPosts()
        .slice(before)
        .filter((m) => m.text?.startsWith('Meeting prep digest')),
    ).toHaveLength(1);
  });

  it('refuses an unsigned request on the webhook', async () => {
    const res = await fetch(runtime.webhookUrl, {
      method: 'POST',
      body: 'payload=%7Bbroken',
      headers: { 'content-type': FORM },
    });

    expect(res.status).toBe(401);
  });

  it('stops cleanly: no server, socket or timer of its own is left open', async () => {
    await runtime.close();
    closed = true;
    await new Promise((resolve) => setImmediate(resolve));

    const left = countResources();

    for (const type of ['TCPServerWrap', 'TCPSocketWrap', 'Timeout']) {
      expect({ type, open: left[type] ?? 0 }).toEqual({ type, open: Math.min(left[type] ?? 0, baseline[type] ?? 0) });
    }
  });
});
