/**
 * `npm start`'s email path, as a person would click through it: with Slack and SMS failing, the demo's prep email
 * lands in the local SES; the local inbox page (`/local/mail`) shows it, its Start Prep link points at the local
 * API, opening it shows the confirmation page, and its button's POST starts prep; the one-click unsubscribe works.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Meeting, User } from '../../lambda/shared/domain';
import { DEMO_USER } from '../../local/demo';
import { Runtime, startRuntime } from '../../local/runtime';

let runtime: Runtime;

beforeAll(async () => {
  // 10:00 in New York: the demo executive's quiet hours (21:00-07:00) hold nothing back.
  runtime = await startRuntime({
    port: 0,
    now: new Date('2026-11-27T15:00:00Z'),
    fail: ['slack', 'sms'],
    log: () => undefined,
    retryIntervalMs: 0,
  });
  await runtime.executionsFinished(1);
}, 120_000);

afterAll(async () => {
  await runtime?.close();
});

const text = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text() };
};
const heading = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];
const item = async (table: string, key: Record<string, string>) =>
  (await runtime.env.db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

it('shows the prep email in the local inbox, and its Start Prep link confirms, then starts prep', async () => {
  const inbox = await text(`${runtime.url}/local/mail`);
  const emailPath = /href="(\/local\/mail\?id=[^"]+)"/.exec(inbox.body)?.[1];
  expect(emailPath).toBeDefined();
  const email = await text(`${runtime.url}${emailPath}`);
  const startPrep = /<a href="([^"]+)"[^>]*>Start Prep Session<\/a>/.exec(email.body)?.[1]?.replace(/&amp;/g, '&');
  expect(startPrep?.startsWith(`${runtime.url}/act?t=`)).toBe(true);
  const meetingId = runtime.executions[0]?.name.replace(/-[0-9a-f-]{36}$/, '') as string;

  const confirm = await text(startPrep as string);
  expect(confirm.status).toBe(200);
  expect(heading(confirm.body)).toBe('Start prep for this meeting?');
  expect(((await item(runtime.env.tables.meetings, { meeting_id: meetingId })) as Meeting).status).toBe(
    'PREP_SCHEDULED',
  );

  const token = new URL(startPrep as string).searchParams.get('t') as string;
  const outcome = await text(`${runtime.url}/act`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t: token }).toString(),
  });

  expect(outcome.status).toBe(200);
  expect(heading(outcome.body)).toBe('Prep session started');
  expect(((await item(runtime.env.tables.meetings, { meeting_id: meetingId })) as Meeting).status).toBe(
    'PREP_IN_PROGRESS',
  );
});

it("offers the email's one-click unsubscribe as a mail client would, and it turns email off", async () => {
  const inbox = await text(`${runtime.url}/local/mail`);
  const action = /<form method="post" action="([^"]+)">/.exec(inbox.body)?.[1]?.replace(/&amp;/g, '&');
  expect(action?.startsWith(`${runtime.url}/unsubscribe?t=`)).toBe(true);

  const answer = await text(action as string, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

  expect(heading(answer.body)).toBe('You are unsubscribed');
  const user = (await item(runtime.env.tables.users, { user_id: DEMO_USER.user_id })) as User;
  expect(user.notification_preferences?.channels ?? []).not.toContain('email');
});
