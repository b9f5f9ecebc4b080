import { executionNameFor } from '../../lambda/shared/execution-name';

describe('execution names', () => {
  it('say which meeting and which event: <meeting id>-<event id>', () => {
    expect(executionNameFor({ id: 'b3f1c0d2-6a7e-4e89', detail: { meeting_id: 'm-7f3a' } })).toBe(
      'm-7f3a-b3f1c0d2-6a7e-4e89',
    );
  });

  it('name a reminder by its time', () => {
    expect(executionNameFor({ id: 'prep-reminder-m-7f3a@2026-11-26T16:30:00', detail: { meeting_id: 'm-7f3a' } })).toBe(
      'm-7f3a-reminder-20261126163000',
    );
  });

  it('keep only characters Step Functions allows, within 80', () => {
    const name = executionNameFor({
      id: 'x'.repeat(200),
      detail: { meeting_id: 'meeting with spaces/and*stars'.repeat(5) },
    });

    expect(name).toMatch(/^[0-9A-Za-z_-]{1,80}$/);
    expect(name.startsWith('meeting-with-spaces-and-stars')).toBe(true);
  });

  it('mark an event without a meeting id', () => {
    expect(executionNameFor({ id: 'e1' })).toBe('invalid-event-e1');
    expect(executionNameFor('not an object')).toBe('invalid-event-no-id');
  });
});
