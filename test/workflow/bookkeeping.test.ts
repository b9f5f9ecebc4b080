/**
 * Bookkeeping at its limits, against dynalite: attempts kept on a meeting stay bounded however many there are,
 * and the longest DMs Slack allows still fit a chat session.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ChatSessionsRepository, MAX_STORED_MESSAGE_CHARS } from '../../lambda/shared/chat-sessions';
import { MAX_ATTEMPTS_KEPT, MeetingsRepository } from '../../lambda/shared/meetings-repository';
import { LocalEnvironment, startLocalEnvironment } from '../../local/local-environment';
import { aMeeting, readMeeting } from './helpers';

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startLocalEnvironment();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('attempts on a meeting', () => {
  it('keeps the last 20 of 100 attempts, so the item never nears 400 KB, and still records the delivery', async () => {
    const meetings = new MeetingsRepository(env.db, env.tables.meetings);
    await env.db.send(new PutCommand({ TableName: env.tables.meetings, Item: aMeeting({ meeting_id: 'm-100' }) }));

    for (let i = 0; i < 100; i++) {
      await meetings.appendAttempt('m-100', {
        channel: 'slack',
        outcome: 'retrying',
        error_code: `http_${i}`,
        at: new Date(Date.UTC(2026, 10, 26, 14, 0, i % 60)).toISOString(),
        execution: 'm-100-e1',
      });
    }
    await meetings.recordDelivery(
      'm-100',
      { channel: 'sms', notification_id: 'SM1', sent_at: '2026-11-26T14:05:00.000Z' },
      'm-100-e1',
    );

    const stored = await readMeeting(env, 'm-100');
    expect(stored?.notification_attempts).toHaveLength(MAX_ATTEMPTS_KEPT);
    expect(stored?.notification_attempts?.[0]?.error_code).toBe('http_81');
    expect(stored?.notification_attempts?.at(-2)?.error_code).toBe('http_99');
    expect(stored?.notification_attempts?.at(-1)).toMatchObject({
      channel: 'sms',
      outcome: 'delivered',
      notification_id: 'SM1',
    });
    expect(stored).toMatchObject({ notification_channel: 'sms', notification_status: 'DELIVERED' });
  }, 60_000); // 100 appends, one after another, on a busy machine
});

describe('DMs stored on a chat session', () => {
  it('stores every step of a session of 40,000-character DMs (4-byte characters), each cut to the stored limit', async () => {
    const sessions = new ChatSessionsRepository(env.db, env.tables.chatSessions);
    const now = new Date();
    let session = ChatSessionsRepository.newSession({
      sessionId: 'cs-long',
      userId: 'U024BE7LH',
      meetingId: 'm-7f3a',
      meetingType: 'leadership_team',
      now,
    });
    await sessions.create(session);
    const longest = '🚀'.repeat(40_000);

    for (let i = 0; session.state === 'ACTIVE' && i < 10; i++) {
      const next = await sessions.appendAndAdvance(
        session,
        { ts: `1795701604.0000${i}`, text: longest, at: now.toISOString(), step: session.context.step },
        now,
      );
      if (!next) throw new Error('the session did not advance');
      session = next;
    }

    const stored = await sessions.get('cs-long');
    expect(stored?.state).toBe('COMPLETED');
    expect(stored?.messages.length).toBeGreaterThanOrEqual(3);
    for (const message of stored?.messages ?? [])
      expect(Array.from(message.text)).toHaveLength(MAX_STORED_MESSAGE_CHARS);
  }, 30_000);
});
