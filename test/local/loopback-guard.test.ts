/**
 * DNS rebinding and cross-site requests against `npm start`: a web page the developer visits must not seed data,
 * publish events, drive the webhooks or read the local inbox (live link tokens). Requests are sent as a browser
 * would send them, with the Host, Origin and Content-Type it would give, and each refusal is checked to change
 * nothing; the client commands and the email's link pages, from loopback, still work.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_USER } from '../../local/demo';
import { LocalApi, jsonResponse, startLocalApi } from '../../local/local-api';
import { isLoopbackHost, isLoopbackOrigin } from '../../local/loopback-guard';
import { Runtime, startRuntime } from '../../local/runtime';
import { FORM, JSON_TYPE, clickBody, signedHeaders } from '../../local/slack-requests';
import { clientInProcess } from './cli-helpers';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A request to `base` (which is on 127.0.0.1) with exactly these headers, Host included. */
function send(
  base: string,
  method: string,
  pathName: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: Number(port), method, path: pathName, headers, setHost: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const SEED = JSON.stringify({
  users: [{ user_id: 'U0EVIL', name: 'Not Seeded' }],
  meetings: [
    {
      meeting_id: 'm-evil',
      user_id: 'U0EVIL',
      start_time: '2026-12-01T15:00:00Z',
      end_time: '2026-12-01T16:00:00Z',
      meeting_type: 'qbr',
    },
  ],
});

describe('which Host and Origin values are loopback', () => {
  it.each([
    'localhost',
    'localhost:3000',
    'LOCALHOST:3000',
    '127.0.0.1',
    '127.0.0.1:51234',
    '127.1.2.3:80',
    '[::1]:3000',
  ])('takes Host %s', (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    undefined,
    '',
    'evil.example',
    'evil.example:3000',
    'localhost.evil.example:3000',
    '127.0.0.1.nip.io:3000',
    '128.0.0.1:3000',
    '127.0.0.256:3000',
    '0.0.0.0:3000',
    '10.0.0.5:3000',
    '[::2]:3000',
    '[::ffff:7f00:1]:3000',
    'localhost:99999',
    'localhost:',
    'localhost:3000, evil.example',
  ])('refuses Host %s', (host) => expect(isLoopbackHost(host)).toBe(false));

  it.each(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://localhost'])(
    'takes Origin %s',
    (origin) => expect(isLoopbackOrigin(origin)).toBe(true),
  );

  it.each([
    'null',
    'https://evil.example',
    'http://evil.example:3000',
    'http://localhost.evil.example',
    'file://',
    'http://localhost:3000/path',
    'http://localhost:3000, https://evil.example',
  ])('refuses Origin %s', (origin) => expect(isLoopbackOrigin(origin)).toBe(false));
});

describe('npm start behind the loopback guard', () => {
  let runtime: Runtime;
  let port: string;
  const trace: string[] = [];
  const loopback = () => ({ host: `localhost:${port}` });
  const userIds = async () => (await runtime.contents()).users.map((u) => u.user_id);
  /** Runs `request`, and checks that it wrote nothing, started nothing, and was logged once as refused. */
  const changesNothing = async (request: () => Promise<Answer>): Promise<Answer> => {
    const before = await runtime.contents();
    const executions = runtime.executions.length;
    const logged = trace.length;
    const answer = await request();
    await runtime.idle();
    expect(await runtime.contents()).toEqual(before);
    expect(runtime.executions).toHaveLength(executions);
    const lines = trace.slice(logged);
    expect(lines.filter((l) => /Seeded|Slack webhook|Email link|Twilio|Execution/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('Refused '))).toHaveLength(1);
    return answer;
  };
  const expectRefused = (answer: Answer, status: number, says: RegExp) => {
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body).toMatch(says);
    expect(answer.body).not.toContain('/act?t=');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  };

  beforeAll(async () => {
    // 10:00 in New York with Slack and SMS down: the demo's prep email (live link tokens) is in the local inbox.
    runtime = await startRuntime({
      port: 0,
      now: new Date('2026-11-27T15:00:00Z'),
      fail: ['slack', 'sms'],
      log: (line) => trace.push(line),
      retryIntervalMs: 0,
    });
    await runtime.executionsFinished(1);
    port = new URL(runtime.url).port;
  }, 120_000);

  afterAll(async () => {
    await runtime?.close();
  });

  it('shows the inbox, with its links, to a request addressed to loopback', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const inbox = await send(runtime.url, 'GET', '/local/mail', { host });
      expect(inbox.status).toBe(200);
      expect(inbox.body).toContain('/unsubscribe?t=');
    }
  });

  it.each(['/local/mail', '/local/slack', '/', '/nowhere'])(
    'refuses GET %s addressed to a rebinding Host, showing nothing',
    async (pathName) => {
      const answer = await send(runtime.url, 'GET', pathName, { host: `evil.example:${port}` });

      expectRefused(answer, 403, /Forbidden: .*loopback.*"evil\.example:\d+"/);
      expect(answer.body).not.toContain('unsubscribe');
      expect(answer.body).not.toContain('cursor');
    },
  );

  it("refuses one email's page to a rebinding Host", async () => {
    const inbox = await send(runtime.url, 'GET', '/local/mail', loopback());
    const emailPath = /href="(\/local\/mail\?id=[^"]+)"/.exec(inbox.body)?.[1] as string;

    const answer = await send(runtime.url, 'GET', emailPath, { host: `attacker.test:${port}` });

    expectRefused(answer, 403, /Forbidden/);
    expect(answer.body).not.toContain('Start Prep');
  });

  it('refuses a request with no Host at all', async () => {
    // Node itself answers 400 to an HTTP/1.1 request without Host; HTTP/1.0 may leave it out, and reaches the guard.
    const http11 = await send(runtime.url, 'GET', '/local/mail', {});
    const http10 = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.end('GET /local/mail HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });

    expect(http11.status).toBe(400);
    expect(http11.body).not.toContain('/act?t=');
    expect(http10).toMatch(/^HTTP\/1\.1 403 /);
    expect(http10).toContain('addressed to no Host at all');
    expect(http10).not.toContain('/act?t=');
  });

  it('refuses a seed addressed to a rebinding Host, and writes nothing', async () => {
    const answer = await changesNothing(() =>
      send(runtime.url, 'POST', '/local/seed', { host: `evil.example:${port}`, 'content-type': JSON_TYPE }, SEED),
    );

    expectRefused(answer, 403, /Forbidden/);
  });

  it.each([
    ['https://evil.example', {}],
    ['http://evil.example:PORT', { 'sec-fetch-site': 'cross-site' }],
    ['null', {}],
    // What a cross-site page sends from a sandboxed frame, with no-referrer, or through a redirect.
    ['null', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses a seed from Origin %s %j, and writes nothing', async (origin, fetchMetadata) => {
    const answer = await changesNothing(() =>
      send(
        runtime.url,
        'POST',
        '/local/seed',
        { ...loopback(), ...fetchMetadata, origin: origin.replace('PORT', port), 'content-type': JSON_TYPE },
        SEED,
      ),
    );

    expectRefused(answer, 403, /Forbidden: .*Origin/);
  });

  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form post', FORM],
    ['a multipart form', 'multipart/form-data; boundary=x'],
    ['no Content-Type', undefined],
  ])('refuses %s to /local/seed with 415, and writes nothing', async (_case, contentType) => {
    const answer = await changesNothing(() =>
      send(
        runtime.url,
        'POST',
        '/local/seed',
        { ...loopback(), ...(contentType ? { 'content-type': contentType } : {}) },
        SEED,
      ),
    );

    expectRefused(answer, 415, /POST \/local\/seed takes Content-Type: application\/json only/);
  });

  it('refuses a text/plain PutEvents body on /events with 415, and starts nothing', async () => {
    const body = JSON.stringify({
      Entries: [{ Source: 'exec-assistant.calendar-monitor', DetailType: 'MeetingPrepRequired', Detail: '{}' }],
    });
    const answer = await changesNothing(() =>
      send(runtime.url, 'POST', '/events', { ...loopback(), 'content-type': 'text/plain' }, body),
    );

    expectRefused(answer, 415, /POST \/events takes Content-Type: application\/json only/);
  });

  it('refuses the stand-in Slack webhook and Twilio routes to a rebinding Host or a foreign Origin', async () => {
    const body = clickBody('start_prep', { meetingId: 'm-7f3a' });
    const signed = signedHeaders(body, FORM);

    const rebound = await changesNothing(() =>
      send(runtime.url, 'POST', '/slack/webhook', { ...signed, host: `evil.example:${port}` }, body),
    );
    const crossSite = await changesNothing(() =>
      send(runtime.url, 'POST', '/slack/webhook', { ...signed, ...loopback(), origin: 'https://evil.example' }, body),
    );
    const sms = await changesNothing(() =>
      send(runtime.url, 'POST', '/twilio/sms', { host: `evil.example:${port}`, 'content-type': FORM }, 'Body=PREP'),
    );

    expectRefused(rebound, 403, /Forbidden/);
    expectRefused(crossSite, 403, /Forbidden/);
    expectRefused(sms, 403, /Forbidden/);
  });

  it('approves no CORS preflight', async () => {
    const preflight = await send(runtime.url, 'OPTIONS', '/local/seed', {
      ...loopback(),
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });

    expectRefused(preflight, 403, /Origin/);
  });

  it("refuses the email links' Start Prep to a foreign Origin or Host, and changes nothing", async () => {
    const inbox = await send(runtime.url, 'GET', '/local/mail', loopback());
    const emailPath = /href="(\/local\/mail\?id=[^"]+)"/.exec(inbox.body)?.[1] as string;
    const email = await send(runtime.url, 'GET', emailPath.replace(/&amp;/g, '&'), loopback());
    const startPrep = new URL(
      (/<a href="([^"]+)"[^>]*>Start Prep Session<\/a>/.exec(email.body)?.[1] as string).replace(/&amp;/g, '&'),
    );
    const form = new URLSearchParams({ t: startPrep.searchParams.get('t') as string }).toString();

    const crossSite = await changesNothing(() =>
      send(runtime.url, 'POST', '/act', { ...loopback(), origin: 'https://evil.example', 'content-type': FORM }, form),
    );
    const nullCrossSite = await changesNothing(() =>
      send(
        runtime.url,
        'POST',
        '/act',
        { ...loopback(), origin: 'null', 'sec-fetch-site': 'cross-site', 'content-type': FORM },
        form,
      ),
    );
    const rebound = await changesNothing(() =>
      send(runtime.url, 'GET', `/act${startPrep.search}`, { host: `evil.example:${port}` }),
    );

    expectRefused(crossSite, 403, /Origin/);
    expectRefused(nullCrossSite, 403, /Origin "null"/);
    expectRefused(rebound, 403, /Forbidden/);
  });

  it("opens the email links' pages from loopback, as a browser on the inbox sends them", async () => {
    const inbox = await send(runtime.url, 'GET', '/local/mail', { host: `127.0.0.1:${port}` });
    const unsubscribe = new URL(
      (/<form method="post" action="([^"]+)">/.exec(inbox.body)?.[1] as string).replace(/&amp;/g, '&'),
    );
    const emailPath = /href="(\/local\/mail\?id=[^"]+)"/.exec(inbox.body)?.[1] as string;
    const email = await send(runtime.url, 'GET', emailPath, { host: `127.0.0.1:${port}` });
    const startPrep = new URL(
      (/<a href="([^"]+)"[^>]*>Start Prep Session<\/a>/.exec(email.body)?.[1] as string).replace(/&amp;/g, '&'),
    );

    // The confirmation page, opened in a new tab (a navigation: no Origin).
    const confirm = await send(runtime.url, 'GET', `/act${startPrep.search}`, { host: `127.0.0.1:${port}` });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Start prep for this meeting?');
    // Its button: a same-origin form post from a page with Referrer-Policy: no-referrer, so Chromium sends
    // `Origin: null` with `Sec-Fetch-Site: same-origin` (test/workflow/email-links.test.ts presses it in Chromium).
    const outcome = await send(
      runtime.url,
      'POST',
      '/act',
      { host: `127.0.0.1:${port}`, origin: 'null', 'sec-fetch-site': 'same-origin', 'content-type': FORM },
      new URLSearchParams({ t: startPrep.searchParams.get('t') as string }).toString(),
    );
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('Prep session started');
    // The inbox's one-click unsubscribe, from the inbox opened as 127.0.0.1 to the link's localhost.
    const unsubscribed = await send(
      runtime.url,
      'POST',
      `/unsubscribe${unsubscribe.search}`,
      { host: `localhost:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': FORM },
      'List-Unsubscribe=One-Click',
    );
    expect(unsubscribed.status).toBe(200);
    expect(unsubscribed.body).toContain('You are unsubscribed');
  });

  it('seeds through the client commands, and from a loopback page that sends JSON', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopback-seed-'));
    const file = path.join(dir, 'seed.json');
    fs.writeFileSync(file, JSON.stringify({ users: [{ user_id: 'U0LOCAL1', name: 'Loopback Seeded' }], meetings: [] }));
    try {
      const ran = await clientInProcess(['seed', file, '--url', runtime.url]);
      const fromIp = await clientInProcess(['seed', file, '--url', `http://127.0.0.1:${port}`]);
      const fromPage = await send(
        runtime.url,
        'POST',
        '/local/seed',
        { host: `[::1]:${port}`, origin: `http://[::1]:${port}`, 'content-type': 'application/json; charset=utf-8' },
        JSON.stringify({ users: [{ user_id: 'U0LOCAL2', name: 'Also Seeded' }], meetings: [] }),
      );

      expect(ran).toMatchObject({ code: 0, stderr: '' });
      expect(ran.stdout).toContain('Seeded 1 user(s) (U0LOCAL1)');
      expect(fromIp.code).toBe(0);
      expect(fromPage.status).toBe(200);
      expect(await userIds()).toEqual(expect.arrayContaining(['U0LOCAL1', 'U0LOCAL2', DEMO_USER.user_id]));
      expect(await userIds()).not.toContain('U0EVIL');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses the environment's own link and Twilio server to a rebinding Host too", async () => {
    const answer = await send(runtime.env.apiUrl, 'GET', '/act?t=x', { host: 'evil.example' });
    const fromLoopback = await send(runtime.env.apiUrl, 'GET', '/act?t=x', {
      host: `127.0.0.1:${new URL(runtime.env.apiUrl).port}`,
    });

    expectRefused(answer, 403, /Forbidden/);
    expect(fromLoopback.status).not.toBe(403);
  });
});

describe('a tunnel route (the webhook, with real Slack)', () => {
  let api: LocalApi;

  beforeAll(async () => {
    api = await startLocalApi(
      0,
      {
        'POST /slack/webhook': async () => jsonResponse(200, { ok: true }),
        'GET /local/mail': async () => jsonResponse(200, { tokens: 'secret' }),
      },
      (error) => {
        throw error;
      },
      { tunnelRoutes: new Set(['POST /slack/webhook']) },
    );
  });

  afterAll(async () => {
    await api?.close();
  });

  it("takes the tunnel's Host on that route only, and still refuses a foreign Origin there", async () => {
    const tunnel = { host: 'abc123.tunnel.example', 'content-type': FORM };

    expect((await send(api.url, 'POST', '/slack/webhook', tunnel, 'payload=x')).status).toBe(200);
    expect((await send(api.url, 'GET', '/local/mail', { host: 'abc123.tunnel.example' })).status).toBe(403);
    expect(
      (await send(api.url, 'POST', '/slack/webhook', { ...tunnel, origin: 'https://evil.example' }, 'payload=x'))
        .status,
    ).toBe(403);
  });
});
