/**
 * The Home tab's and the digest's EventBridge Scheduler calls, all within the stack's schedule group: which
 * meetings have a pending reminder (GetSchedule per meeting), cancelling one (DeleteSchedule), and applying a
 * digest schedule change (`planDigestSchedule`) so that a retried or half-applied change converges.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { DigestScheduleChange, DigestTargetConfig, digestDeleteRequest, digestScheduleRequest } from '../digest';
import { parseAtExpression, reminderScheduleName } from '../../actions/reminders';
import type { PendingReminder } from './home-view';

/** Reminder schedules as the Home tab sees them. */
export interface ReminderSchedules {
  /** The meetings (of those given) whose reminder has not fired yet. */
  pending(meetingIds: readonly string[]): Promise<PendingReminder[]>;
  /** Deletes the meeting's reminder; false when there was none (already fired or cancelled). */
  cancel(meetingId: string): Promise<boolean>;
}

/** Applies digest schedule changes. */
export interface DigestSchedules {
  apply(userId: string, change: DigestScheduleChange): Promise<void>;
}

const notFound = (error: unknown): boolean => error instanceof ResourceNotFoundException;

/** {@link ReminderSchedules} over the Scheduler API. */
export class SdkReminderSchedules implements ReminderSchedules {
  constructor(
    private readonly client: SchedulerClient,
    private readonly groupName: string,
  ) {}

  async pending(meetingIds: readonly string[]): Promise<PendingReminder[]> {
    const found = await Promise.all(
      meetingIds.map(async (meetingId): Promise<PendingReminder | undefined> => {
        try {
          const out = await this.client.send(
            new GetScheduleCommand({ Name: reminderScheduleName(meetingId), GroupName: this.groupName }),
          );
          const at = parseAtExpression(out.ScheduleExpression);
          return { meeting_id: meetingId, ...(at ? { at: at.toISOString() } : {}) };
        } catch (error) {
          if (notFound(error)) return undefined;
          throw error;
        }
      }),
    );
    return found.filter((r): r is PendingReminder => r !== undefined);
  }

  async cancel(meetingId: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteScheduleCommand({ Name: reminderScheduleName(meetingId), GroupName: this.groupName }),
      );
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  }
}

/** {@link DigestSchedules} over the Scheduler API: Create's conflict becomes an update, Delete's not-found is done. */
export class SdkDigestSchedules implements DigestSchedules {
  constructor(
    private readonly client: SchedulerClient,
    private readonly config: DigestTargetConfig,
  ) {}

  async apply(userId: string, change: DigestScheduleChange): Promise<void> {
    switch (change.action) {
      case 'none':
        return;
      case 'delete':
        try {
          await this.client.send(new DeleteScheduleCommand(digestDeleteRequest(this.config.groupName, change.name)));
        } catch (error) {
          if (!notFound(error)) throw error;
        }
        return;
      case 'create':
      case 'update': {
        const request = digestScheduleRequest(this.config, userId, change);
        if (change.action === 'create') {
          try {
            await this.client.send(new CreateScheduleCommand(request));
            return;
          } catch (error) {
            if (!(error instanceof ConflictException)) throw error;
          }
        }
        try {
          await this.client.send(new UpdateScheduleCommand(request));
        } catch (error) {
          // Deleted in between (or never made): create it.
          if (!notFound(error)) throw error;
          await this.client.send(new CreateScheduleCommand(request));
        }
      }
    }
  }
}
