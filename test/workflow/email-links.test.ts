/**
 * The email's one-click links end to end: real HTTP requests to the local API stand-in, which serves `/act` and
 * `/unsubscribe` with the real handler (API Gateway's proxy event), against dynalite, the Scheduler and SQS fakes
 * and the shared action core. Every refusal is checked to change nothing. Last, the pages in a real headless
 * Chromium (Debian's package, installed by the test helper when missing).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LinkAction, SigningKey, signLinkToken } from '../../lambda/channels/email/action-token';
import type { LocalEnvironment } from '../../local/local-environment';
import { LOCAL_CREDENTIALS } from '../../local/local-credentials';
import { USER_ID, aMeeting, aUser, prepEventFor, readMeeting, seed, snapshotTables, startEnvironment } from './helpers';
import { browse } from '../support/browser';
import { ensureChromium } from '../support/chromium';
import { clearTables, startingIn } from './bot-helpers';
import { statesEntered } from '../../local/workflow-runner';
import { type SecretAnswer, type SecretsManagerStandIn, startSecretsManager } from './secrets-manager-stand-in';

const LOCAL_KEY = (JSON.parse(LOCAL_CREDENTIALS.actionLinkKeys) as { current: SigningKey }).current;
const OTHER_KEY: SigningKey = { id: 'k-new', key: 'another-link-signing-key-abcdefghijklmnopqrstuvwxyz' };

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startEnvironment();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

beforeEach(async () => {
  process.env['ACTION_LINK_KEYS'] = LOCAL_CREDENTIALS.actionLinkKeys;
  await env.resetFakes();
  await clearTables(env);
});

interface TokenOptions {
  readonly meeting?: ReturnType<typeof aMeeting>;
  readonly userId?: string;
  readonly expiresAt?: Date;
  readonly key?: SigningKey;
}

function tokenFor(action: LinkAction, options: TokenOptions = {}): string {
  const meeting = options.meeting ?? aMeeting();
  return signLinkToken(
    { current: options.key ?? LOCAL_KEY },
    {
      action,
      userId: options.userId ?? meeting.user_id,
      ...(action === 'unsubscribe' ? {} : { meetingId: meeting.meeting_id }),
      expiresAt: options.expiresAt ?? new Date(meeting.start_time),
    },
  );
}

interface PageAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly html: string;
}

async function get(path: string, token: string | undefined): Promise<PageAnswer> {
  const res = await fetch(`${env.apiUrl}${path}${token === undefined ? '' : `?t=${encodeURIComponent(token)}`}`);
  return { status: res.status, headers: res.headers, html: await res.text() };
}

async function post(path: string, body: Record<string, string>, query = ''): Promise<PageAnswer> {
  const res = await fetch(`${env.apiUrl}${path}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

const act = (token: string) => post('/act', { t: token });
const heading = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];
const sentToQueue = () => env.sqs.requests.filter((r) => r.operation === 'SendMessage');
const createdSchedules = () => env.scheduler.requests.filter((r) => r.operation === 'CreateSchedule');

async function expectNothingChangedBy(request: () => Promise<PageAnswer>): Promise<PageAnswer> {
  const before = await snapshotTables(env);
  const answer = await request();
  expect(await snapshotTables(env)).toEqual(before);
  expect(createdSchedules()).toHaveLength(0);
  expect(sentToQueue()).toHaveLength(0);
  return answer;
}

describe('the prep email', () => {
  const emailOnly = async () => {
    const meeting = aMeeting();
    await seed(env, meeting, aUser({ notification_preferences: { channels: ['email'] } }));
    return env.workflow.run(prepEventFor(meeting), { retryIntervalMs: 0 });
  };

  it('carries links whose tokens the link function accepts', async () => {
    const execution = await emailOnly();
    const [email] = await env.ses.emails();
    const start = /Start Prep Session: (\S+)/.exec(email?.body.text ?? '')?.[1] as string;

    const page = await get('/act', new URL(start).searchParams.get('t') as string);

    expect(execution.status).toBe('SUCCEEDED');
    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe('Start prep for this meeting?');
  });

  it('still goes out, without buttons, when the signing keys are unusable', async () => {
    process.env['ACTION_LINK_KEYS'] = JSON.stringify({ current: { id: 'k1', key: 'too-short' } });

    const execution = await emailOnly();
    const [email] = await env.ses.emails();

    expect(execution.status).toBe('SUCCEEDED');
    expect(email?.body.text).toContain('send the assistant a direct message');
    expect(email?.body.text).not.toContain('/act?t=');
    expect(email?.headers ?? []).toEqual([]);
  });
});

describe('the prep email when the links’ signing-key secret cannot be read', () => {
  let secrets: SecretsManagerStandIn;
  beforeAll(async () => {
    secrets = await startSecretsManager();
  });
  afterAll(async () => {
    await secrets?.close();
  });
  afterEach(() => {
    for (const name of ['ACTION_LINK_SECRET_ARN', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'POWERTOOLS_METRICS_DISABLED'])
      delete process.env[name];
    process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  });

  /** Runs an email-only execution with the keys in Secrets Manager; returns it and the metric lines printed. */
  async function emailWithSecret(name: string, answer: SecretAnswer | undefined) {
    const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
    if (answer) secrets.secrets.set(arn, answer);
    // As on AWS: no keys in the environment, the secret's ARN (the stack's), Secrets Manager at its endpoint.
    delete process.env['ACTION_LINK_KEYS'];
    process.env['ACTION_LINK_SECRET_ARN'] = arn;
    process.env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] = secrets.url;
    process.env['POWERTOOLS_METRICS_DISABLED'] = 'false';
    const meeting = aMeeting();
    await seed(env, meeting, aUser({ notification_preferences: { channels: ['email'] } }));
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const execution = await env.workflow.run(prepEventFor(meeting), { retryIntervalMs: 0 });
      const counted = lines
        .flatMap((l) => l.split('\n'))
        .filter((l) => l.includes('"CloudWatchMetrics"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => 'EmailLinksUnavailable' in l);
      return { arn, execution, counted };
    } finally {
      write.mockRestore();
    }
  }

  it.each<[string, SecretAnswer | undefined]>([
    ['missing (deleted, or never created)', undefined],
    ['not readable by the function', { error: 'AccessDeniedException' }],
    ['not JSON', { secretString: 'k1:not-json' }],
    ['holding a key too short to sign with', { secretString: JSON.stringify({ id: 'k1', key: 'short' }) }],
  ])('goes out once, without links, when the secret is %s, and counts it', async (name, answer) => {
    const { arn, execution, counted } = await emailWithSecret(name.replace(/\W+/g, '-'), answer);

    expect(secrets.asked).toContain(arn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(['LoadMeeting', 'PickChannel', 'NotifyViaEmail', 'RecordDelivery']);
    const emails = await env.ses.emails();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.body.text).toContain('send the assistant a direct message');
    expect(emails[0]?.body.text).not.toContain('/act');
    expect(emails[0]?.body.html).not.toContain('/act');
    expect(emails[0]?.headers ?? []).toEqual([]);
    expect(counted).toEqual([expect.objectContaining({ service: 'meeting-prep', EmailLinksUnavailable: 1 })]);
    expect(await readMeeting(env, 'm-7f3a')).toMatchObject({ notification_channel: 'email' });
  });

  it('carries its links when the secret holds valid keys (the same path, working)', async () => {
    const { execution, counted } = await emailWithSecret('valid', { secretString: LOCAL_CREDENTIALS.actionLinkKeys });

    expect(execution.status).toBe('SUCCEEDED');
    const [email] = await env.ses.emails();
    expect(email?.body.text).toContain(`Start Prep Session: ${env.apiUrl}/act?t=`);
    expect(counted).toEqual([]);
  });
});

describe('GET /act: shows, never acts', () => {
  it('shows what Start Prep will do for which meeting in the user’s time, with one button that posts', async () => {
    const meeting = aMeeting({ title: 'Q4 <Leadership> Sync', start_time: '2030-03-01T15:00:00Z' });
    await seed(env, meeting, aUser({ timezone: 'Europe/Paris' }));

    const page = await expectNothingChangedBy(() => get('/act', tokenFor('start_prep', { meeting })));

    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe('Start prep for this meeting?');
    expect(page.html).toContain('Q4 &lt;Leadership&gt; Sync');
    expect(page.html).toContain('Fri, Mar 1, 4:00 PM GMT+1');
    expect(page.html.match(/<form method="post" action="act">/g)).toHaveLength(1);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('shows a title holding an address and markup as text: escaped, inside no link', async () => {
    const title = 'Board sync https://evil.example/login <a href="https://evil.example">Agenda</a>';
    const meeting = aMeeting({ title });
    await seed(env, meeting);

    const page = await expectNothingChangedBy(() => get('/act', tokenFor('start_prep', { meeting })));

    expect(page.html).toContain(
      'Board sync https://evil.example/login &lt;a href=&quot;https://evil.example&quot;&gt;Agenda&lt;/a&gt;',
    );
    expect(page.html).not.toContain('<a ');
  });

  it('shows the reminder page for a Remind Me link, and still changes nothing', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);

    const page = await expectNothingChangedBy(() => get('/act', tokenFor('remind_later', { meeting })));

    expect(heading(page.html)).toBe('Remind you in 2 hours?');
  });

  it('tells a scanner following a used link that it was used, without acting', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);
    const token = tokenFor('start_prep', { meeting });
    await act(token);
    env.sqs.reset();
    env.scheduler.reset();

    const page = await expectNothingChangedBy(() => get('/act', token));

    expect(page.status).toBe(409);
  });
});

describe('POST /act: each outcome', () => {
  it('starts prep once: the meeting moves to PREP_IN_PROGRESS and the kit is queued', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);

    const page = await act(tokenFor('start_prep', { meeting }));

    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe('Prep session started');
    // The core's own words: no Slack message reached this user, so the kit goes by email.
    expect(page.html).toContain('Your prep kit is on its way to your email.');
    expect((await readMeeting(env, meeting.meeting_id))?.status).toBe('PREP_IN_PROGRESS');
    expect(sentToQueue()).toHaveLength(1);
  });

  it('says prep already started to a second Start Prep link, and starts nothing more', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);
    await act(tokenFor('start_prep', { meeting }));
    const afterFirst = await snapshotTables(env);

    const page = await act(tokenFor('start_prep', { meeting }));

    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe('Prep already started');
    expect(sentToQueue()).toHaveLength(1);
    const { [env.tables.meetings]: meetingsAfter, ...rest } = await snapshotTables(env);
    const { [env.tables.meetings]: _meetingsBefore, ...restBefore } = afterFirst;
    expect(rest).toEqual(restBefore);
    expect(meetingsAfter).toHaveLength(1);
  });

  it("refuses a link naming user A on user B's meeting, and changes nothing but the link's use", async () => {
    const meeting = aMeeting({ user_id: 'U-OTHER' });
    await seed(env, meeting, aUser({ user_id: 'U-OTHER' }));
    const before = await readMeeting(env, meeting.meeting_id);

    const page = await act(tokenFor('start_prep', { meeting, userId: USER_ID }));

    expect(page.status).toBe(403);
    expect(heading(page.html)).toBe('Not your meeting');
    expect((await readMeeting(env, meeting.meeting_id))?.status).toBe(before?.status);
    expect(sentToQueue()).toHaveLength(0);
    expect(createdSchedules()).toHaveLength(0);
  });

  it('sets a reminder: one schedule on the scheduler', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);

    const page = await act(tokenFor('remind_later', { meeting }));

    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe('Reminder set');
    expect(env.scheduler.schedules.size).toBe(1);
  });

  it('is too late for a reminder ten minutes before the meeting, and schedules nothing', async () => {
    const meeting = aMeeting({ start_time: startingIn(10) });
    await seed(env, meeting);

    const page = await act(tokenFor('remind_later', { meeting }));

    expect(heading(page.html)).toBe('Too late for a reminder');
    expect(createdSchedules()).toHaveLength(0);
  });
});

describe('refused links change nothing', () => {
  const cases: [string, () => string, number, string][] = [
    [
      'an expired token',
      () => tokenFor('start_prep', { expiresAt: new Date(Date.now() - 1000) }),
      410,
      'This link has expired',
    ],
    [
      'a token with a bad MAC',
      () => tokenFor('start_prep', { key: { id: LOCAL_KEY.id, key: 'x'.repeat(40) } }),
      403,
      'This link is not valid',
    ],
    [
      'a token signed with an unknown key',
      () => tokenFor('start_prep', { key: OTHER_KEY }),
      403,
      'This link is not valid',
    ],
    ['a malformed token', () => 'not-a-token', 400, 'This link is incomplete'],
    ['an unsubscribe token on /act', () => tokenFor('unsubscribe'), 400, 'This link is incomplete'],
  ];

  it.each(cases)('POST with %s', async (_name, token, status, title) => {
    await seed(env, aMeeting());

    const page = await expectNothingChangedBy(() => act(token()));

    expect(page.status).toBe(status);
    expect(heading(page.html)).toBe(title);
  });

  it.each(cases)('GET with %s', async (_name, token, status) => {
    await seed(env, aMeeting());

    const page = await expectNothingChangedBy(() => get('/act', token()));

    expect(page.status).toBe(status);
  });

  it('answers a POST without a token with 400', async () => {
    const page = await expectNothingChangedBy(() => post('/act', {}));
    expect(page.status).toBe(400);
  });

  it('uses a link once: the second POST of the same token is refused and does nothing', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);
    const token = tokenFor('remind_later', { meeting });
    await act(token);
    env.scheduler.reset();
    env.sqs.reset();

    const page = await expectNothingChangedBy(() => act(token));

    expect(page.status).toBe(409);
    expect(heading(page.html)).toBe('This link was already used');
  });
});

describe('a link claim carried out whose answer was lost (the SDK times out and sends it again)', () => {
  it('acts once: the repeated claim is recognised as its own, not as the link used before', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);
    // The link's claim is the first UpdateItem of the POST.
    env.dynamoFaults.fail('UpdateItem', { kind: 'accepted_then_timeout', times: 1 });

    const page = await act(tokenFor('start_prep', { meeting }));

    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe('Prep session started');
    expect(sentToQueue()).toHaveLength(1);
  });
});

describe('two clicks racing', () => {
  it('of the same link: exactly one acts, the other is told the link was used', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);
    const token = tokenFor('start_prep', { meeting });

    const pages = await Promise.all([act(token), act(token)]);

    expect(pages.map((p) => p.status).sort()).toEqual([200, 409]);
    expect(sentToQueue()).toHaveLength(1);
  });
});

describe('key rotation', () => {
  it('accepts a link signed with the previous key', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);
    process.env['ACTION_LINK_KEYS'] = JSON.stringify({ current: OTHER_KEY, previous: LOCAL_KEY });

    const page = await act(tokenFor('remind_later', { meeting, key: LOCAL_KEY }));

    expect(heading(page.html)).toBe('Reminder set');
  });

  it('refuses a link of a key that is no longer current or previous', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);
    process.env['ACTION_LINK_KEYS'] = JSON.stringify({ current: OTHER_KEY });

    const page = await expectNothingChangedBy(() => act(tokenFor('remind_later', { meeting, key: LOCAL_KEY })));

    expect(page.status).toBe(403);
  });
});

describe('unsubscribe (RFC 8058)', () => {
  const preferencesOf = async () =>
    (
      (
        await env.db.send(
          new GetCommand({ TableName: env.tables.users, Key: { user_id: USER_ID }, ConsistentRead: true }),
        )
      ).Item as { notification_preferences?: unknown }
    ).notification_preferences;

  it('GET shows a confirmation page and changes nothing', async () => {
    await seed(env, aMeeting());

    const page = await expectNothingChangedBy(() =>
      get('/unsubscribe', tokenFor('unsubscribe', { expiresAt: new Date(Date.now() + 60_000) })),
    );

    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe('Stop prep reminders by email?');
    expect(page.html).toContain('<form method="post" action="unsubscribe">');
  });

  it("a mail client's one-click POST turns email off in the user's preferences, and a second one changes nothing", async () => {
    await seed(env, aMeeting(), aUser({ notification_preferences: { channels: ['slack', 'email', 'sms'] } }));
    const query = `?t=${encodeURIComponent(tokenFor('unsubscribe', { expiresAt: new Date(Date.now() + 60_000) }))}`;

    const page = await post('/unsubscribe', { 'List-Unsubscribe': 'One-Click' }, query);

    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe('You are unsubscribed');
    expect(await preferencesOf()).toMatchObject({ prep_reminders: true, channels: ['slack', 'sms'] });
    const again = await expectNothingChangedBy(() => post('/unsubscribe', { 'List-Unsubscribe': 'One-Click' }, query));
    expect(again.html).toContain('already off');
  });

  it('turns prep reminders off when email was the only channel', async () => {
    await seed(env, aMeeting(), aUser({ notification_preferences: { channels: ['email'] } }));

    await post('/unsubscribe', { t: tokenFor('unsubscribe', { expiresAt: new Date(Date.now() + 60_000) }) });

    expect(await preferencesOf()).toMatchObject({ prep_reminders: false, channels: ['email'] });
  });

  it('refuses a meeting token on /unsubscribe', async () => {
    await seed(env, aMeeting());
    const page = await expectNothingChangedBy(() => post('/unsubscribe', { t: tokenFor('start_prep') }));
    expect(page.status).toBe(400);
  });
});

let chromium: string;

function startPrepUrl(meeting: ReturnType<typeof aMeeting>): string {
  return `${env.apiUrl}/act?t=${encodeURIComponent(tokenFor('start_prep', { meeting }))}`;
}

describe('the pages in a headless Chromium', () => {
  beforeAll(() => {
    chromium = ensureChromium();
  }, 600_000);

  it('loads the confirmation page with no console error, and the visit alone changes nothing', async () => {
    const meeting = aMeeting({ title: 'Q4 Leadership Sync' });
    await seed(env, meeting);
    const before = await snapshotTables(env);

    const run = await browse(chromium, startPrepUrl(meeting), 'look');

    expect(run.problems).toEqual([]);
    expect(run.confirm).toMatchObject({
      status: 200,
      lang: 'en',
      title: 'Start prep for this meeting?',
      heading: 'Start prep for this meeting?',
      buttons: ['Start Prep Session'],
    });
    expect(run.confirm.text).toContain('Q4 Leadership Sync');
    expect(await snapshotTables(env)).toEqual(before);
    expect(sentToQueue()).toHaveLength(0);
  }, 60_000);

  it('posts when the button is pressed, and shows the outcome', async () => {
    const meeting = aMeeting();
    await seed(env, meeting);

    const run = await browse(chromium, startPrepUrl(meeting), 'click');

    expect(run.problems).toEqual([]);
    expect(run.outcome).toMatchObject({ status: 200, method: 'POST', lang: 'en', heading: 'Prep session started' });
    expect((await readMeeting(env, meeting.meeting_id))?.status).toBe('PREP_IN_PROGRESS');
  }, 60_000);
});
