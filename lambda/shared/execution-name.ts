/**
 * Execution names that say which meeting an execution is about, so the Step Functions console can be searched by
 * meeting: `<meeting id>-<event id>`, or `<meeting id>-reminder-<time>` for a Remind Me run. Step Functions allows
 * 1–80 characters; only `[0-9A-Za-z_-]` are used. Pure.
 */

const UNSAFE = /[^0-9A-Za-z_-]/g;

/** The name of the execution for a state machine input (an EventBridge envelope or the reminder envelope). */
export function executionNameFor(input: unknown): string {
  const envelope = (typeof input === 'object' && input !== null ? input : {}) as {
    id?: unknown;
    detail?: { meeting_id?: unknown };
  };
  const eventId = typeof envelope.id === 'string' && envelope.id ? envelope.id : 'no-id';
  const meetingId = envelope.detail?.meeting_id;
  const meeting =
    typeof meetingId === 'string' && meetingId ? meetingId.replace(UNSAFE, '-').slice(0, 40) : 'invalid-event';
  // A reminder's id is `<schedule name>@<time>`: the time tells the reminders of one meeting apart.
  const at = eventId.split('@')[1];
  const suffix = at ? `reminder-${at.replace(/[^0-9]/g, '')}` : eventId.replace(UNSAFE, '').slice(0, 36);
  return `${meeting}-${suffix || 'event'}`.slice(0, 80);
}
