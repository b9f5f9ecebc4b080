/**
 * Seed files (`npm start -- seed FILE`): the example parses, relative times resolve from now, and every mistake is
 * reported, each with where it is, before anything is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SeedError, parseSeed } from '../../local/seed';

const NOW = new Date('2026-11-27T10:00:00Z');
const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'seed.yaml');

const problemsOf = (text: string, knownUserIds: string[] = []): readonly string[] => {
  try {
    parseSeed(text, 'seed.yaml', { now: NOW, knownUserIds });
  } catch (error) {
    if (error instanceof SeedError) return error.problems;
    throw error;
  }
  throw new Error('expected a SeedError');
};

describe('parseSeed', () => {
  it('reads the example: its user and meetings, start times counted from now', () => {
    const seed = parseSeed(fs.readFileSync(EXAMPLE, 'utf8'), 'examples/seed.yaml', { now: NOW });

    expect(seed.users).toEqual([
      expect.objectContaining({ user_id: 'U07SAMPLE1', timezone: 'Europe/London', phone_number: '+14155550123' }),
    ]);
    expect(seed.meetings.map((m) => [m.meeting_id, m.start_time, m.end_time, m.status])).toEqual([
      ['m-board', '2026-11-28T12:00:00.000Z', '2026-11-28T13:00:00.000Z', 'CLASSIFIED'],
      ['m-vendor', '2026-11-29T12:00:00.000Z', '2026-11-29T12:45:00.000Z', 'CLASSIFIED'],
    ]);
  });

  it('reads JSON too, with absolute times', () => {
    const seed = parseSeed(
      JSON.stringify({
        users: [{ user_id: 'U1ABC', name: 'A' }],
        meetings: [
          {
            meeting_id: 'm-1',
            user_id: 'U1ABC',
            start_time: '2026-12-01T15:00:00+01:00',
            end_time: '2026-12-01T16:00:00+01:00',
            meeting_type: 'qbr',
          },
        ],
      }),
      'seed.json',
      { now: NOW },
    );

    expect(seed.meetings[0]).toMatchObject({
      start_time: '2026-12-01T14:00:00.000Z',
      meeting_type: 'qbr',
      title: 'm-1',
    });
  });

  it('lists every problem with its place, not only the first', () => {
    const problems = problemsOf(`
users:
  - user_id: jordan
    email: not-an-email
    phone_number: 555-0143
    timezone: Mars/Olympus
    nickname: J
meetings:
  - meeting_id: m 1
    user_id: U999
    start_time: tomorrow
    meeting_type: standup
    status: DONE
  - user_id: U024BE7LH
    start_time: +2h
    duration_minutes: -5
`);

    expect(problems).toEqual([
      'users[0].nickname: unknown field (known: user_id, name, email, phone_number, timezone, notification_preferences)',
      'users[0].user_id: expected a Slack member id such as U024BE7LH, got "jordan"',
      'users[0].email: expected an email address, got "not-an-email"',
      'users[0].phone_number: expected an E.164 phone number such as +12125550143, got "555-0143"',
      'users[0].timezone: not an IANA time zone: "Mars/Olympus"',
      'meetings[0].meeting_id: expected at most 48 letters, digits, ".", "_" or "-", got "m 1"',
      'meetings[0].user_id: U999 is not among the users (add it under users:)',
      'meetings[0].start_time: expected ISO 8601 with a zone (2026-12-01T15:00:00Z) or a time from now (+26h, +90m, +2d), got "tomorrow"',
      expect.stringMatching(/^meetings\[0\]\.meeting_type: expected one of leadership_team, .*, got "standup"$/),
      expect.stringMatching(/^meetings\[0\]\.status: expected one of DISCOVERED, .*, got "DONE"$/),
      'meetings[1].meeting_id: required',
      'meetings[1].user_id: U024BE7LH is not among the users (add it under users:)',
      'meetings[1].duration_minutes: expected a whole number of minutes, got -5',
    ]);
  });

  it('accepts a meeting of a user the system already holds', () => {
    expect(() =>
      parseSeed('meetings: [{meeting_id: m-x, user_id: U024BE7LH, start_time: +3h}]', 's.yaml', {
        now: NOW,
        knownUserIds: ['U024BE7LH'],
      }),
    ).not.toThrow();
  });

  it.each([
    ['not YAML', 'users: [unclosed', /^not valid JSON or YAML: /],
    ['a list at the top', '- a\n- b', /^expected an object with users: and meetings: lists$/],
    ['nothing in it', 'users: []\nmeetings: []', /^nothing to seed/],
    ['an id twice', 'users: [{user_id: U1AB}, {user_id: U1AB}]', /^user U1AB appears twice$/],
    [
      'an end before the start',
      'users: [{user_id: U1AB}]\nmeetings: [{meeting_id: m, user_id: U1AB, start_time: +3h, end_time: +2h}]',
      /end_time: must be after start_time/,
    ],
  ])('refuses %s', (_case, text, message) => {
    expect(problemsOf(text)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('names the file in its message', () => {
    expect(() => parseSeed('users: 3', 'mine.yaml')).toThrow(
      /^mine\.yaml is not a valid seed file:\n {2}- users: expected a list$/,
    );
  });
});
