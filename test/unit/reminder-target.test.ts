import {
  parseStartExecutionInput,
  reminderScheduleRequest,
  startExecutionTargetArn,
} from '../../lambda/actions/reminders';

const config = {
  groupName: 'meeting-prep-reminders',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Prep',
  roleArn: 'arn:aws:iam::123456789012:role/ReminderScheduler',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:ReminderDeadLetter',
};

describe('the reminder schedule target', () => {
  it('calls StartExecution itself, with an execution named after the meeting and the reminder envelope as input', () => {
    const at = new Date('2026-11-26T16:30:00Z');

    const request = reminderScheduleRequest(config, {
      meetingId: 'm-7f3a',
      userId: 'U024BE7LH',
      at,
      now: new Date('2026-11-26T14:30:00Z'),
    });

    expect(request.Target?.Arn).toBe('arn:aws:scheduler:::aws-sdk:sfn:startExecution');
    expect(request.Target?.RoleArn).toBe(config.roleArn);
    expect(request.Target?.DeadLetterConfig).toEqual({ Arn: config.deadLetterArn });
    expect(parseStartExecutionInput(request.Target?.Input)).toEqual({
      stateMachineArn: config.stateMachineArn,
      name: 'm-7f3a-reminder-20261126163000',
      input: {
        version: '0',
        id: 'prep-reminder-m-7f3a@2026-11-26T16:30:00',
        'detail-type': 'MeetingPrepReminder',
        source: 'exec-assistant.slack-bot',
        time: '2026-11-26T14:30:00.000Z',
        detail: { meeting_id: 'm-7f3a', user_id: 'U024BE7LH', reminder: true },
      },
    });
  });

  it('keeps the partition of the state machine', () => {
    expect(startExecutionTargetArn('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:Prep')).toBe(
      'arn:aws-cn:scheduler:::aws-sdk:sfn:startExecution',
    );
  });

  it('refuses a target input that is not a StartExecution request', () => {
    expect(() => parseStartExecutionInput('{"version":"0"}')).toThrow(/expected StateMachineArn, Name and Input/);
  });
});
