/**
 * What the local Scheduler does when a schedule runs, as EventBridge Scheduler would: the reminders' universal
 * StartExecution target starts the state machine; an SQS target (the digest's, the bot's FIFO work queue) gets the
 * schedule's input with Scheduler's context attributes filled in, in the target's message group, deduplicated on
 * its content by the queue.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { toUtcSeconds } from '../lambda/shared/zoned-time';
import { parseStartExecutionInput } from '../lambda/actions/reminders';
import type { StoredSchedule } from './fake-scheduler';

/** The schedule's input with `<aws.scheduler.*>` context attributes replaced, as Scheduler sends it. */
export function scheduledInput(schedule: StoredSchedule, scheduledTime: Date): string {
  return (schedule.Target.Input ?? '')
    .replaceAll('<aws.scheduler.scheduled-time>', toUtcSeconds(scheduledTime.getTime()))
    .replaceAll('<aws.scheduler.schedule-arn>', schedule.Arn)
    .replaceAll('<aws.scheduler.attempt-number>', '1');
}

/** Where the local Scheduler delivers. */
export interface ScheduleTargets {
  /** Starts an execution of the state machine. */
  readonly startExecution: (input: Record<string, unknown>, name: string) => void;
  /** Queue URLs by ARN (the targets that exist locally). */
  readonly queues: Readonly<Record<string, string>>;
  readonly sqs: SQSClient;
}

/** Invokes the schedule's target; throws for a target that does not exist locally. */
export async function invokeScheduleTarget(
  targets: ScheduleTargets,
  schedule: StoredSchedule,
  scheduledTime: Date,
): Promise<string> {
  const arn = schedule.Target.Arn;
  if (arn.endsWith(':aws-sdk:sfn:startExecution')) {
    const { name, input } = parseStartExecutionInput(schedule.Target.Input);
    targets.startExecution(input as Record<string, unknown>, name);
    return `started execution ${name}`;
  }
  const queueUrl = targets.queues[arn];
  if (!queueUrl) throw new Error(`schedule ${schedule.Name} targets ${arn}, which does not exist locally`);
  const groupId = (schedule.Target as { SqsParameters?: { MessageGroupId?: string } }).SqsParameters?.MessageGroupId;
  await targets.sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: scheduledInput(schedule, scheduledTime),
      ...(groupId ? { MessageGroupId: groupId } : {}),
    }),
  );
  return `queued on ${arn.split(':').pop() ?? arn}`;
}
