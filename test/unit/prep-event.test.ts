import { InvalidEventError } from '../../lambda/shared/errors';
import { parsePrepEvent } from '../../lambda/shared/prep-event';
import { fixture } from './fixture';

type Envelope = Record<string, unknown> & { detail: Record<string, unknown> };

/** MeetingPrepRequired as the Step Functions target receives it. */
const prepRequired = fixture<Envelope>('eventbridge/meeting-prep-required.json');
/** The reminder envelope the Remind Later schedule sends, from the CreateSchedule request's Input. */
const reminderEnvelope = JSON.parse(
  fixture<{ Target: { Input: string } }>('scheduler/create-schedule-request.json').Target.Input,
) as Envelope;

function withDetail(detail: Record<string, unknown>, envelope: Envelope = prepRequired): Envelope {
  return { ...envelope, detail: { ...envelope.detail, ...detail } };
}

function withoutDetailField(field: string): Envelope {
  const { [field]: _removed, ...detail } = prepRequired.detail;
  return { ...prepRequired, detail };
}

/** The error parsePrepEvent throws for the input. */
function rejectionOf(input: unknown): InvalidEventError {
  try {
    parsePrepEvent(input);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected parsePrepEvent to throw');
}

describe('parsePrepEvent', () => {
  it('reads meeting, user and event id from the MeetingPrepRequired envelope', () => {
    const request = parsePrepEvent(prepRequired);

    expect(request).toEqual({
      eventId: 'b3f1c0d2-6a7e-4e89-9c41-5d2a8f7e0b16',
      meetingId: 'm-7f3a',
      userId: 'U024BE7LH',
      reminder: false,
    });
  });

  it('reads the Remind Later envelope as a reminder, with the schedule name as event id', () => {
    const request = parsePrepEvent(reminderEnvelope);

    expect(request).toEqual({
      eventId: 'meeting-prep-reminder-m-7f3a',
      meetingId: 'm-7f3a',
      userId: 'U024BE7LH',
      reminder: true,
    });
  });

  it('ignores a reminder flag on a MeetingPrepRequired event', () => {
    expect(parsePrepEvent(withDetail({ reminder: true })).reminder).toBe(false);
  });

  it('throws InvalidEvent naming a missing meeting_id', () => {
    const error = rejectionOf(withoutDetailField('meeting_id'));

    expect(error.name).toBe('InvalidEvent');
    expect(error.problems).toEqual(['detail.meeting_id is missing']);
    expect(error.message).toBe('Invalid event: detail.meeting_id is missing');
  });

  it('throws InvalidEvent naming a missing user_id', () => {
    expect(rejectionOf(withoutDetailField('user_id')).problems).toEqual(['detail.user_id is missing']);
  });

  it.each([
    ['a number', 12345],
    ['an id with a space', 'a b'],
    ['empty', ''],
    ['too long', 'U'.repeat(129)],
  ])('throws InvalidEvent for a malformed user_id (%s)', (_what, user_id) => {
    expect(rejectionOf(withDetail({ user_id })).problems).toEqual(['detail.user_id is malformed']);
  });

  it('throws InvalidEvent when detail is missing', () => {
    const { detail: _removed, ...envelope } = prepRequired;

    expect(rejectionOf(envelope).problems).toEqual(['detail is missing or not an object']);
  });

  it('throws InvalidEvent when detail is a JSON string rather than an object', () => {
    expect(rejectionOf({ ...prepRequired, detail: JSON.stringify(prepRequired.detail) }).problems).toEqual([
      'detail is missing or not an object',
    ]);
  });

  it.each([
    ['null', null],
    ['a string', JSON.stringify(prepRequired)],
    ['an array', [prepRequired]],
    ['a number', 42],
    ['undefined', undefined],
  ])('throws InvalidEvent when the input is %s', (_what, input) => {
    const error = rejectionOf(input);

    expect(error.name).toBe('InvalidEvent');
    expect(error.problems).toEqual(['the input is not a JSON object']);
  });

  it.each([
    ['an unknown source', { source: 'exec-assistant.somebody-else' }],
    ['an unknown detail-type', { 'detail-type': 'MeetingCreated' }],
    ['the reminder detail-type from the calendar monitor', { 'detail-type': 'MeetingPrepReminder' }],
    ['the prep detail-type from the Slack bot', { source: 'exec-assistant.slack-bot' }],
  ])('throws InvalidEvent for %s', (_what, change) => {
    const problems = rejectionOf({ ...prepRequired, ...change }).problems;

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^unexpected source\/detail-type/);
  });

  it('throws InvalidEvent for a reminder envelope without reminder = true', () => {
    const { reminder: _removed, ...detail } = reminderEnvelope.detail;

    expect(rejectionOf({ ...reminderEnvelope, detail }).problems).toEqual([
      'a reminder must carry detail.reminder = true',
    ]);
  });

  it('lists every problem at once', () => {
    const input = { source: 'somewhere', 'detail-type': 'Something', detail: { user_id: 7 } };

    const error = rejectionOf(input);

    expect(error.problems).toEqual([
      expect.stringMatching(/^unexpected source\/detail-type "somewhere"\/"Something"/),
      'id is missing',
      'detail.meeting_id is missing',
      'detail.user_id is malformed',
    ]);
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it('lists the envelope problems together with a missing detail', () => {
    const error = rejectionOf({ source: 'somewhere', 'detail-type': 'MeetingPrepRequired', id: '' });

    expect(error.problems).toEqual([
      expect.stringMatching(/^unexpected source/),
      'id is missing',
      'detail is missing or not an object',
    ]);
  });
});
