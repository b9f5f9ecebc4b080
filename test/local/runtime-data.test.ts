/**
 * `npm start -- --data DIR`: what the system holds (tables, chat sessions, pending reminders) survives a restart;
 * the demo is seeded only into a new folder, or after --reset; a restart re-notifies nobody.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Meeting } from '../../lambda/shared/domain';
import { Runtime, startRuntime } from '../../local/runtime';
import { FORM, clickBody, signedHeaders } from '../../local/slack-requests';

let dir: string;
let runtime: Runtime | undefined;
const trace: string[] = [];

const start = async (options: { reset?: boolean } = {}): Promise<Runtime> => {
  runtime = await startRuntime({
    port: 0,
    dataDir: dir,
    log: (line) => trace.push(line),
    retryIntervalMs: 0,
    ...options,
  });
  return runtime;
};
const stop = async () => {
  await runtime?.close();
  runtime = undefined;
  // One `npm start` process runs one runtime. Here several run in turn in one process: each must cold-start the
  // handlers again (they read their endpoints at load), so the next one loads them afresh.
  jest.resetModules();
};
const meeting = async (r: Runtime, id: string) =>
  (await r.env.db.send(new GetCommand({ TableName: r.env.tables.meetings, Key: { meeting_id: id } }))).Item as Meeting;
const click = async (r: Runtime, action: 'start_prep' | 'remind_later', meetingId: string) => {
  const body = clickBody(action, { meetingId });
  const res = await fetch(r.webhookUrl, { method: 'POST', body, headers: signedHeaders(body, FORM) });
  expect(res.status).toBe(200);
};

beforeAll(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'i11-runtime-data-')), 'data');
});
afterEach(stop);
afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

describe('npm start --data DIR', () => {
  it('seeds the demo into a new folder, then keeps prep sessions and pending reminders across a restart without re-seeding or re-notifying', async () => {
    const first = await start();
    expect(first.data).toEqual({ dir, state: 'new' });
    expect(first.seededDemo).toBe(true);
    await click(first, 'start_prep', 'm-1on1');
    await click(first, 'remind_later', 'm-rel9');
    const sessionId = (await meeting(first, 'm-1on1')).chat_session_id;
    await stop();

    const second = await start();
    const contents = await second.contents();

    expect(second.data).toEqual({ dir, state: 'kept' });
    expect(second.seededDemo).toBe(false);
    expect(second.executions).toHaveLength(0);
    expect(second.env.slack.messages).toHaveLength(0);
    expect(await meeting(second, 'm-1on1')).toMatchObject({ status: 'PREP_IN_PROGRESS', chat_session_id: sessionId });
    expect(await meeting(second, 'm-7f3a')).toMatchObject({
      status: 'PREP_SCHEDULED',
      notification_status: 'DELIVERED',
    });
    expect([...second.env.scheduler.schedules.values()].map((s) => s.Name)).toEqual(['prep-reminder-m-rel9']);
    expect(contents).toMatchObject({ chatSessions: 1, pendingReminders: 1 });
    expect(contents.meetings.map((m) => m.meeting_id).sort()).toEqual(['m-1on1', 'm-7f3a', 'm-qbr4', 'm-rel9']);
  }, 120_000);

  it('fires a kept reminder once it is due, after the restart', async () => {
    const again = await start();
    const before = again.executions.length;

    // The reminder is two hours away: fire it as the local scheduler would once its clock gets there.
    const due = [...again.env.scheduler.schedules.values()][0]?.fireAt as Date;
    await again.env.scheduler.fireDue(new Date(due.getTime() + 1000));
    const all = await again.executionsFinished(before + 1);

    expect(all[before]?.name).toMatch(/^m-rel9-reminder-\d+$/);
    expect(again.env.scheduler.schedules.size).toBe(0);
  }, 120_000);

  it('starts over with --reset: the demo again, nothing kept', async () => {
    const reset = await start({ reset: true });
    const contents = await reset.contents();

    expect(reset.data).toEqual({ dir, state: 'reset' });
    expect(reset.seededDemo).toBe(true);
    expect(contents).toMatchObject({ chatSessions: 0, pendingReminders: 0 });
    expect((await meeting(reset, 'm-1on1')).status).toBe('CLASSIFIED');
    expect(reset.executions).toHaveLength(1);
  }, 120_000);
});
