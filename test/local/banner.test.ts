/**
 * The start-up banner's words: where the data lives and what this start did with it, and commands to try that fit
 * what the tables hold (the client's --user and --url written out when they are not the defaults).
 */
import type { Meeting, User } from '../../lambda/shared/domain';
import { sampleMeeting } from '../../local/demo';
import { describeData, suggestions } from '../../local/cli/serve';
import type { Runtime } from '../../local/runtime';
import type { RuntimeContents } from '../../local/runtime-tables';

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000);
const contents = (users: User[], meetings: Meeting[]): RuntimeContents => ({
  users,
  meetings,
  chatSessions: 1,
  pendingReminders: 2,
});
const runtimeWith = (data: Runtime['data'], seededDemo: boolean) => ({ data, seededDemo }) as Runtime;

describe('the banner', () => {
  it('says what a kept data folder holds, and that the demo was not seeded again', () => {
    const kept = describeData(
      runtimeWith({ dir: '/tmp/d', state: 'kept' }, false),
      contents([{ user_id: 'U1ABC' }], [sampleMeeting('m-1', inHours(3))]),
    );

    expect(kept).toBe(
      '/tmp/d, kept from the last run: 1 user, 1 meeting, 1 chat session, 2 pending reminders (the demo is not re-seeded; --reset starts over)',
    );
  });

  it('says the demo was seeded into a new folder or after --reset, or that memory is not kept', () => {
    expect(describeData(runtimeWith({ dir: '/tmp/d', state: 'new' }, true), contents([], []))).toBe(
      '/tmp/d, new; seeded the demo (Jordan Lee, U024BE7LH)',
    );
    expect(describeData(runtimeWith({ dir: '/tmp/d', state: 'reset' }, true), contents([], []))).toBe(
      '/tmp/d, emptied by --reset; seeded the demo (Jordan Lee, U024BE7LH)',
    );
    expect(describeData(runtimeWith({ state: 'memory' }, false), contents([], []))).toBe(
      'in memory, gone when stopped (keep it with --data DIR)',
    );
  });

  it('suggests commands for a seeded user of one’s own, with --user and --url', () => {
    const user = { user_id: 'U07SAMPLE1', name: 'Sam Rivera' };
    const meetings = [
      sampleMeeting('m-board', inHours(26), { user_id: 'U07SAMPLE1', title: 'Board pre-read' }),
      sampleMeeting('m-vendor', inHours(50), { user_id: 'U07SAMPLE1' }),
      sampleMeeting('m-past', inHours(-5), { user_id: 'U07SAMPLE1' }),
    ];

    const lines = suggestions(contents([user], meetings), 'http://localhost:3001').map((l) => l.replace(/ +# .*$/, ''));

    expect(lines).toEqual([
      'npm start -- meetings --user U07SAMPLE1 --url http://localhost:3001',
      'npm start -- click start_prep m-board --user U07SAMPLE1 --url http://localhost:3001',
      'npm start -- dm "ready" --user U07SAMPLE1 --url http://localhost:3001',
      'npm start -- click remind_later m-vendor --user U07SAMPLE1 --url http://localhost:3001',
      'npm start -- notify m-vendor --user U07SAMPLE1 --url http://localhost:3001',
    ]);
  });

  it('with nothing seeded, suggests seeding rather than the demo’s commands', () => {
    const lines = suggestions(contents([], []), 'http://localhost:3000');

    expect(lines[0]).toMatch(/^npm start -- seed examples\/seed\.yaml +# /);
    expect(lines.join('\n')).not.toMatch(/m-7f3a|m-1on1/);
  });
});
