/**
 * The client commands (`npm start -- meetings | click | dm | seed`), run as a user runs them against a running
 * system: they print what the executive would see (the bot's answer with meeting ids and buttons, the message it
 * replaced, the DM it sent, its refusal), and a signature the system refuses says which secret to set.
 * Most commands run in-process (what bin/local.ts runs for them, with its report of a failure); the ones that need
 * a shell environment of their own run bin/local.ts in a child process, as `npm start -- …` would. The runtime's
 * credentials are this process's environment, which is what a shell without integration credentials signs with.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Runtime, startRuntime } from '../../local/runtime';
import { Ran, clientInProcess } from './cli-helpers';

const ROOT = path.join(__dirname, '..', '..');
let runtime: Runtime;

/** Runs a client command in this process, as bin/local.ts runs it, against the runtime. */
function client(args: readonly string[]): Promise<Ran> {
  return clientInProcess([...args, '--url', runtime.url]);
}

/** Runs a client command of bin/local.ts in a child process, as `npm start -- …` would, and waits for its exit. */
function childClient(args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  const shell = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK_|TWILIO_|SES_)/.test(k)));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', ...args, '--url', runtime.url], {
      cwd: ROOT,
      env: { ...shell, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, log: () => undefined, retryIntervalMs: 0 });
}, 60_000);
afterAll(() => runtime.close());

describe('client commands', () => {
  it('meetings: the list the executive sees, with each meeting id and the command behind each button', async () => {
    const { code, stdout } = await client(['meetings']);

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^The bot answered \(only visible to you\):\n {2}│ \*Your upcoming meetings \(next 7 days\)\*\n/,
    );
    for (const id of ['m-1on1', 'm-7f3a', 'm-rel9', 'm-qbr4']) {
      expect(stdout).toContain(`│ (${id}) *`);
      expect(stdout).toContain(`│   ↳ npm start -- click start_prep ${id}`);
    }
  }, 60_000);

  it('click on a meeting that does not exist: prints the bot’s refusal', async () => {
    const { code, stdout } = await client(['click', 'start_prep', 'm-nope']);

    expect(code).toBe(0);
    expect(stdout).toBe(
      "Only visible to you:\n  │ I can't find that meeting any more. It may have been removed from the calendar.\n",
    );
  }, 60_000);

  it('click start_prep: the replaced message and the DM that opens the prep session', async () => {
    const { stdout } = await client(['click', 'start_prep', 'm-1on1']);

    expect(stdout).toMatch(
      /^Replaced the message you clicked:\n {2}│ :white_check_mark: \*Prep session started\* for \*1:1 with Priya\*/,
    );
    expect(stdout).toMatch(/\nDirect message from the assistant:\n {2}│ == Prep Session ==\n/);
    expect(stdout).toContain('Step 1 of 3: agenda.');
  }, 60_000);

  it('home: the Home tab as text, with the week’s meetings, their buttons and the preferences', async () => {
    const { code, stdout } = await client(['home']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Your Home tab in the app:\n/);
    expect(stdout).toContain('Your meeting prep');
    expect(stdout).toContain('[Start Prep]');
    expect(stdout).toContain('Morning digest: off');
  }, 60_000);

  it('prefs: quiet hours with no channel to hold back are refused as the dialog shows it, and nothing is saved', async () => {
    const { code, stdout } = await client([
      'prefs',
      '{"quiet_hours":{"start":"21:00","end":"07:00"},"quiet_channels":[]}',
    ]);

    expect(code).toBe(0);
    expect(stdout).toBe(
      'The dialog stays open with these errors:\n  │ quiet_channels: Choose at least one channel to hold back, or clear the quiet hours.\n',
    );
  }, 60_000);

  it('prefs: saved, and the refreshed Home tab shows the morning digest on', async () => {
    const { code, stdout } = await client(['prefs', '{"digest":{"enabled":true,"time":"07:30"}}']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Your Home tab in the app:\n/);
    expect(stdout).toContain('Morning digest: on, at 7:30');
  }, 60_000);

  it('prefs: text that is not a JSON object is a usage error', async () => {
    const { code, stderr } = await client(['prefs', 'digest on']);

    expect(code).toBe(2);
    expect(stderr).toContain('prefs needs a JSON object');
  }, 60_000);

  it('dm: the next step of the session', async () => {
    const { stdout } = await client(['dm', 'ready']);

    expect(stdout).toMatch(/^Direct message from the assistant:\n/);
    expect(stdout).toContain('Step 2 of 3');
  }, 60_000);

  it('sms: a text that is not PREP or LATER gets the help text, shown as TwiML and as the phone shows it', async () => {
    const { code, stdout } = await client(['sms', 'what is this?']);

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^TwiML answer:\n {2}│ <\?xml version="1\.0" encoding="UTF-8"\?><Response><Message>To act on the meeting/,
    );
    expect(stdout).toContain(
      'SMS back to +12125550143:\n  │ To act on the meeting I last texted you about, reply PREP to start prep or LATER',
    );
  }, 60_000);

  it('sms --from: a number nobody has gets no SMS back (a reply would be a billed SMS to anyone)', async () => {
    const { code, stdout } = await client(['sms', 'PREP', '--from', '+14155550199']);

    expect(code).toBe(0);
    expect(stdout).toContain('<Response/>');
    expect(stdout).not.toContain('SMS back to +14155550199');
  }, 60_000);

  it('sms: HELP is answered by Twilio, not us, and says so', async () => {
    const { stdout } = await client(['sms', 'HELP']);

    expect(stdout).toContain('<Response/>');
    expect(stdout).toContain('No SMS back from us: Twilio answers STOP, START and HELP itself');
  }, 60_000);

  it('sms: a --from that is not E.164 is a usage error', async () => {
    const { code, stderr } = await client(['sms', 'PREP', '--from', '212-555-0143']);

    expect(code).toBe(2);
    expect(stderr).toContain('--from must be an E.164 phone number');
  }, 60_000);

  it('sms: a token the system does not check with is refused with 403, and says which variable', async () => {
    const { code, stderr } = await childClient(['sms', 'PREP'], { TWILIO_AUTH_TOKEN: 'not-the-one' });

    expect(code).toBe(1);
    expect(stderr).toContain('The system refused the signature (403)');
  }, 60_000);

  it('seed: writes the file’s user and meetings and says what to try with them', async () => {
    const { code, stdout } = await client(['seed', 'examples/seed.yaml']);
    const { users, meetings } = await runtime.contents();

    expect(code).toBe(0);
    expect(stdout).toContain('Seeded 1 user(s) (U07SAMPLE1) and 2 meeting(s) (m-board, m-vendor).');
    expect(stdout).toContain(`Try: npm start -- meetings --user U07SAMPLE1 --url ${runtime.url}`);
    expect(users.map((u) => u.user_id)).toContain('U07SAMPLE1');
    expect(meetings.map((m) => m.meeting_id)).toEqual(expect.arrayContaining(['m-board', 'm-vendor']));
  }, 60_000);

  it('seed: a file with mistakes lists them all and writes nothing', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'i11-seed-')), 'bad.yaml');
    fs.writeFileSync(
      file,
      'users: [{user_id: U1BAD, email: nope}]\nmeetings: [{meeting_id: m-bad, user_id: U1BAD, start_time: soon}]\n',
    );

    const { code, stderr } = await client(['seed', file]);

    expect(code).toBe(2);
    expect(stderr).toBe(
      `${file} is not a valid seed file:\n  - users[0].email: expected an email address, got "nope"\n` +
        '  - meetings[0].start_time: expected ISO 8601 with a zone (2026-12-01T15:00:00Z) or a time from now (+26h, +90m, +2d), got "soon"\n',
    );
    expect((await runtime.contents()).users.map((u) => u.user_id)).not.toContain('U1BAD');
  }, 60_000);

  it('a signature the system refuses: says which secret to set in this shell', async () => {
    const { code, stderr } = await childClient(['meetings'], { SLACK_SIGNING_SECRET: 'not-the-one-the-system-uses' });

    expect(code).toBe(1);
    expect(stderr).toBe(
      'The bot refused the signature (401): SLACK_SIGNING_SECRET in this shell is not the one the running system checks with. Set the same value here as there, or unset it if `npm start` runs with the local stand-ins.\n',
    );
  }, 60_000);

  it('a system that checks a real signing secret while this shell has none: says to set it here', async () => {
    // As `npm start` with real Slack credentials would: the bot reads the secret from its environment per request.
    const local = process.env['SLACK_SIGNING_SECRET'];
    process.env['SLACK_SIGNING_SECRET'] = 'the-real-apps-signing-secret';
    try {
      const { code, stderr } = await childClient(['click', 'start_prep', 'm-7f3a']);

      expect(code).toBe(1);
      expect(stderr).toBe(
        'The bot refused the signature (401): the running system checks Slack signatures with a real SLACK_SIGNING_SECRET. Set the same SLACK_SIGNING_SECRET in this shell.\n',
      );
    } finally {
      process.env['SLACK_SIGNING_SECRET'] = local;
    }
  }, 60_000);
});
