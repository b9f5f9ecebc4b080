/**
 * Remind Me in 2 Hours: a one-shot EventBridge Scheduler schedule that starts the prep state machine with the
 * reminder envelope and deletes itself after it runs. The timing, naming and request are pure; the
 * adapter creates the schedule, or reports the one that already exists (a second click never makes two).
 */
import { createHash } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  GetScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { executionNameFor } from '../shared/execution-name';
import { REMINDER_EVENT } from '../shared/prep-event';
import { REMINDER_POLICY } from '../shared/reminder-policy';

/** The policy's numbers, under the names callers use (see lambda/shared/reminder-policy.ts). */
export const REMINDER_DELAY_MS = REMINDER_POLICY.delayMs;
export const REMINDER_LEAD_MS = REMINDER_POLICY.leadMs;
export const REMINDER_MIN_DELAY_MS = REMINDER_POLICY.minDelayMs;

/**
 * When the reminder fires: the policy's delay from now, but no later than its lead before the meeting; undefined
 * when that is less than its minimum delay away (too late to remind). Whole seconds.
 */
export function reminderTime(now: Date, meetingStartIso: string): Date | undefined {
  const start = Date.parse(meetingStartIso);
  if (!Number.isFinite(start)) return undefined;
  const at = Math.min(now.getTime() + REMINDER_DELAY_MS, start - REMINDER_LEAD_MS);
  if (at <= now.getTime() + REMINDER_MIN_DELAY_MS) return undefined;
  return new Date(Math.floor(at / 1000) * 1000);
}

const NAME_PREFIX = 'prep-reminder-';
const NAME_MAX = 64;

/**
 * The schedule's name for a meeting: `prep-reminder-<meeting id>`, within Scheduler's `[0-9a-zA-Z-_.]{1,64}`. An id
 * that had to be changed or shortened gets a hash suffix, so two meetings never share a name.
 */
export function reminderScheduleName(meetingId: string): string {
  const safe = meetingId.replace(/[^0-9a-zA-Z\-_.]/g, '-');
  const plain = `${NAME_PREFIX}${safe}`;
  if (safe === meetingId && plain.length <= NAME_MAX) return plain;
  const hash = createHash('sha256').update(meetingId).digest('hex').slice(0, 10);
  return `${plain.slice(0, NAME_MAX - hash.length - 1)}-${hash}`;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC. */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/** The instant of an `at(...)` expression in UTC, or undefined. */
export function parseAtExpression(expression: string | undefined): Date | undefined {
  const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression ?? '');
  return m ? new Date(`${m[1]}Z`) : undefined;
}

/** Where the schedule goes: the settings the stack gives the function. */
export interface ReminderTargetConfig {
  readonly groupName: string;
  readonly stateMachineArn: string;
  readonly roleArn: string;
  /** The queue Scheduler sends a reminder to when it cannot start the execution (after its retries). */
  readonly deadLetterArn: string;
}

/** The reminder envelope the state machine receives; `id` is stable per schedule and time. */
export function reminderEnvelope(
  name: string,
  at: Date,
  meetingId: string,
  userId: string,
  now: Date,
): Record<string, unknown> {
  return {
    version: '0',
    id: `${name}@${at.toISOString().slice(0, 19)}`,
    'detail-type': REMINDER_EVENT.detailType,
    source: REMINDER_EVENT.source,
    time: now.toISOString(),
    detail: { meeting_id: meetingId, user_id: userId, reminder: true },
  };
}

/**
 * The Scheduler target that calls Step Functions' StartExecution itself (a universal target), so the reminder's
 * execution gets a name that says which meeting it is about; a templated state-machine target cannot name it.
 * The partition comes from the state machine's ARN.
 */
export function startExecutionTargetArn(stateMachineArn: string): string {
  const partition = stateMachineArn.split(':')[1] || 'aws';
  return `arn:${partition}:scheduler:::aws-sdk:sfn:startExecution`;
}

/** The StartExecution request a reminder schedule sends (the universal target's Input, parsed). */
export interface StartExecutionTargetInput {
  readonly StateMachineArn: string;
  readonly Name: string;
  /** The reminder envelope, as a JSON string. */
  readonly Input: string;
}

/** Reads a reminder schedule's target input: which state machine, the execution's name, and its input. */
export function parseStartExecutionInput(targetInput: string | undefined): {
  stateMachineArn: string;
  name: string;
  input: unknown;
} {
  const parsed = JSON.parse(targetInput ?? '') as Partial<StartExecutionTargetInput>;
  if (
    typeof parsed.StateMachineArn !== 'string' ||
    typeof parsed.Name !== 'string' ||
    typeof parsed.Input !== 'string'
  ) {
    throw new Error('not a StartExecution target input: expected StateMachineArn, Name and Input');
  }
  return { stateMachineArn: parsed.StateMachineArn, name: parsed.Name, input: JSON.parse(parsed.Input) as unknown };
}

/** The CreateSchedule request for a meeting's reminder. */
export function reminderScheduleRequest(
  config: ReminderTargetConfig,
  spec: { meetingId: string; userId: string; at: Date; now: Date },
): CreateScheduleCommandInput {
  const name = reminderScheduleName(spec.meetingId);
  const envelope = reminderEnvelope(name, spec.at, spec.meetingId, spec.userId, spec.now);
  const startExecution: StartExecutionTargetInput = {
    StateMachineArn: config.stateMachineArn,
    Name: executionNameFor(envelope),
    Input: JSON.stringify(envelope),
  };
  return {
    Name: name,
    GroupName: config.groupName,
    Description: `Remind ${spec.userId} to prep for meeting ${spec.meetingId}`.slice(0, 512),
    ScheduleExpression: atExpression(spec.at),
    ScheduleExpressionTimezone: 'UTC',
    State: 'ENABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: startExecutionTargetArn(config.stateMachineArn),
      RoleArn: config.roleArn,
      Input: JSON.stringify(startExecution),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      // Without it, a reminder Scheduler cannot deliver is dropped with no trace.
      DeadLetterConfig: { Arn: config.deadLetterArn },
    },
  };
}

/** The outcome of asking for a reminder. */
export type ScheduleOutcome =
  | { readonly kind: 'created'; readonly at: Date }
  | { readonly kind: 'existing'; readonly at: Date | undefined };

/** Creates reminder schedules. */
export interface ReminderScheduler {
  /** Creates the schedule, or reports the one of the same name that already exists. */
  schedule(request: CreateScheduleCommandInput): Promise<ScheduleOutcome>;
}

/** {@link ReminderScheduler} over the Scheduler API (`AWS_ENDPOINT_URL_SCHEDULER` points it elsewhere locally). */
export class SdkReminderScheduler implements ReminderScheduler {
  constructor(private readonly client: SchedulerClient) {}

  async schedule(request: CreateScheduleCommandInput): Promise<ScheduleOutcome> {
    const at = parseAtExpression(request.ScheduleExpression);
    if (!at) throw new Error(`not a one-shot expression: ${request.ScheduleExpression}`);
    try {
      await this.client.send(new CreateScheduleCommand(request));
      return { kind: 'created', at };
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      const existing = await this.client.send(
        new GetScheduleCommand({ Name: request.Name, GroupName: request.GroupName }),
      );
      return { kind: 'existing', at: parseAtExpression(existing.ScheduleExpression) };
    }
  }
}
