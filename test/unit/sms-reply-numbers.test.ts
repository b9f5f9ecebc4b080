import type { Meeting } from '../../lambda/shared/domain';
import {
  ReplyNumbers,
  assignReplyNumber,
  pickReplyMeeting,
  replyCandidates,
} from '../../lambda/shared/sms-reply-numbers';

const NOW = new Date('2026-11-26T14:00:00Z');
const LATER_TODAY = '2026-11-27T14:00:00Z';
const entry = (meetingId: string, sentAt: string, execution = `exec-${meetingId}`, shown = false) => ({
  meeting_id: meetingId,
  sent_at: sentAt,
  execution,
  shown,
  start_time: LATER_TODAY,
});
const meeting = (meetingId: string, status = 'PREP_SCHEDULED', start = LATER_TODAY): Meeting => ({
  meeting_id: meetingId,
  user_id: 'U1',
  start_time: start,
  status,
});
const allPending = () => true;

describe('assignReplyNumber', () => {
  it('gives the first meeting number 1 and does not show it (nothing else awaits a reply)', () => {
    const out = assignReplyNumber(undefined, meeting('m-a'), 'exec-a', NOW, allPending);

    expect(out).toMatchObject({ number: 1, shown: false });
    expect(out.next).toEqual({ '1': entry('m-a', NOW.toISOString(), 'exec-a', false) });
  });

  it('numbers a second pending meeting 2 and shows it', () => {
    const numbers: ReplyNumbers = { '1': entry('m-a', '2026-11-26T13:00:00.000Z') };

    const out = assignReplyNumber(numbers, meeting('m-b'), 'exec-b', NOW, allPending);

    expect(out).toMatchObject({ number: 2, shown: true });
    expect(Object.keys(out.next ?? {}).sort()).toEqual(['1', '2']);
  });

  it('frees the numbers of meetings no longer awaiting prep, and reuses the smallest', () => {
    const numbers: ReplyNumbers = {
      '1': entry('m-a', '2026-11-26T12:00:00.000Z'),
      '2': entry('m-b', '2026-11-26T13:00:00.000Z'),
    };

    const out = assignReplyNumber(numbers, meeting('m-c'), 'exec-c', NOW, (id) => id === 'm-b');

    expect(out).toMatchObject({ number: 1, shown: true });
    expect(out.next).toEqual({ '1': entry('m-c', NOW.toISOString(), 'exec-c', true), '2': numbers['2'] });
  });

  it('keeps a meeting its number when a reminder texts it again', () => {
    const numbers: ReplyNumbers = {
      '1': entry('m-a', '2026-11-26T12:00:00.000Z'),
      '2': entry('m-b', '2026-11-26T13:00:00.000Z'),
    };

    const out = assignReplyNumber(numbers, meeting('m-a'), 'exec-a-reminder', NOW, allPending);

    expect(out).toMatchObject({ number: 1, shown: true });
    expect(out.next?.['1']).toMatchObject({
      meeting_id: 'm-a',
      execution: 'exec-a-reminder',
      sent_at: NOW.toISOString(),
    });
  });

  it('gives a retry of the same execution the same number and text, writing nothing', () => {
    const numbers: ReplyNumbers = { '3': entry('m-a', '2026-11-26T12:00:00.000Z', 'exec-a', true) };

    expect(assignReplyNumber(numbers, meeting('m-a'), 'exec-a', NOW, () => false)).toEqual({ number: 3, shown: true });
  });

  it('with nine meetings pending, reuses the number of the one texted longest ago', () => {
    const numbers: ReplyNumbers = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [String(i + 1), entry(`m-${i + 1}`, `2026-11-26T0${i + 1}:00:00.000Z`)]),
    );

    const out = assignReplyNumber(numbers, meeting('m-new'), 'exec-new', NOW, allPending);

    expect(out).toMatchObject({ number: 1, shown: true });
    expect(Object.values(out.next ?? {}).map((e) => e.meeting_id)).not.toContain('m-1');
    expect(Object.keys(out.next ?? {})).toHaveLength(9);
  });
});

describe('which meeting a reply means', () => {
  const numbers: ReplyNumbers = {
    '1': entry('m-a', '2026-11-26T12:00:00.000Z'),
    '2': entry('m-b', '2026-11-26T13:00:00.000Z'),
  };

  it('lists the numbered meetings most recently texted first, or only the one named', () => {
    expect(replyCandidates(numbers)).toEqual(['m-b', 'm-a']);
    expect(replyCandidates(numbers, 1)).toEqual(['m-a']);
    expect(replyCandidates(numbers, 5)).toEqual([]);
    expect(replyCandidates(undefined)).toEqual([]);
  });

  it('picks the most recent meeting still awaiting prep', () => {
    expect(pickReplyMeeting([meeting('m-b', 'PREP_IN_PROGRESS'), meeting('m-a')], NOW)?.meeting_id).toBe('m-a');
  });

  it('falls back to the most recent one, so the core can say prep is under way or the meeting began', () => {
    expect(
      pickReplyMeeting([meeting('m-b', 'PREP_IN_PROGRESS'), meeting('m-a', 'PREP_IN_PROGRESS')], NOW)?.meeting_id,
    ).toBe('m-b');
    expect(
      pickReplyMeeting([undefined, meeting('m-a', 'PREP_SCHEDULED', '2026-11-26T13:30:00Z')], NOW)?.meeting_id,
    ).toBe('m-a');
  });

  it('finds nothing when no numbered meeting exists any more', () => {
    expect(pickReplyMeeting([undefined], NOW)).toBeUndefined();
    expect(pickReplyMeeting([], NOW)).toBeUndefined();
  });
});
