/**
 * The Scheduler stand-in's clock: which schedules are due (a one-time `at(...)` not fired yet, the latest daily
 * `cron(...)` run in its time zone since the last one), invoking their targets in order, deleting completed one-time
 * schedules with `ActionAfterCompletion: DELETE`, and polling for them in the background, optionally time-scaled.
 */
import { nextCronRun } from './scheduler-cron';
import type { StoredSchedule } from './scheduler-schedules';

/** One invocation of a schedule's target by the fake. */
export interface SchedulerFiring {
  readonly schedule: StoredSchedule;
  /** The (possibly virtual) time at which it fired. */
  readonly firedAt: Date;
  /** The run's scheduled time (`<aws.scheduler.scheduled-time>`). */
  readonly scheduledTime: Date;
  /** What `onFire` threw, if it did; the schedule still completes, as Scheduler's retries would have given up. */
  readonly error?: unknown;
}

/** Invokes a schedule's target, e.g. starts the state machine with `schedule.Target.Input`. */
export type FireHandler = (schedule: StoredSchedule, scheduledTime: Date) => Promise<void>;

/** Options of {@link FakeScheduler.startFiring}. */
export interface FiringOptions {
  readonly onFire: FireHandler;
  /** @default the system clock */
  readonly now?: () => Date;
  /** How much faster than `now` the fake's clock runs from the moment firing starts. @default 1 */
  readonly timeScale?: number;
  /** How often due schedules are looked for. @default 1000 */
  readonly pollMs?: number;
}

/** The Scheduler state firing reads and changes. */
export interface FiringState {
  /** Schedules by `${GroupName}/${Name}`. */
  readonly schedules: Map<string, StoredSchedule>;
  /** One-time schedules that have fired. */
  readonly fired: WeakSet<StoredSchedule>;
  /** Every target invocation, in order (appended to). */
  readonly firings: SchedulerFiring[];
  readonly keyOf: (schedule: StoredSchedule) => string;
  /** Persists the schedules after a change. */
  readonly save: () => void;
}

/** `fireDue`, `startFiring` and `stopFiring` of the fake Scheduler (documented on `FakeScheduler`). */
export function scheduleFiring(scheduler: FiringState): {
  fireDue(now: Date, onFire?: FireHandler): Promise<SchedulerFiring[]>;
  startFiring(options: FiringOptions): void;
  stopFiring(): Promise<void>;
} {
  const { schedules, fired, firings, keyOf, save } = scheduler;
  let poller: { timer: NodeJS.Timeout; onFire: FireHandler; tick?: Promise<void> } | undefined;

  // The last run of each recurring schedule; an update replaces the entry, so its runs count from the update.
  const lastRuns = new WeakMap<StoredSchedule, Date>();
  /** The run due at `at`, if any: an `at(...)` not fired yet, or the latest daily cron run since the last one. */
  const dueRun = (s: StoredSchedule, at: Date): Date | undefined => {
    if (s.State !== 'ENABLED') return undefined;
    if (s.fireAt !== undefined) return s.fireAt <= at && !fired.has(s) ? s.fireAt : undefined;
    let run = nextCronRun(
      s.ScheduleExpression,
      s.ScheduleExpressionTimezone,
      lastRuns.get(s) ?? s.LastModificationDate,
    );
    if (!run || run > at) return undefined;
    // Runs missed while nothing polled (a fast --time-scale) collapse into the latest one.
    for (
      let next = nextCronRun(s.ScheduleExpression, s.ScheduleExpressionTimezone, run);
      next && next <= at;
      next = nextCronRun(s.ScheduleExpression, s.ScheduleExpressionTimezone, next)
    )
      run = next;
    return run;
  };

  const fireDue = async (at: Date, onFire?: FireHandler): Promise<SchedulerFiring[]> => {
    const handler = onFire ?? poller?.onFire;
    if (!handler) throw new Error('fireDue needs an onFire handler (argument or startFiring)');
    const due = [...schedules.values()]
      .map((schedule) => ({ schedule, run: dueRun(schedule, at) }))
      .filter((d): d is { schedule: StoredSchedule; run: Date } => d.run !== undefined)
      .sort((a, b) => a.run.getTime() - b.run.getTime());
    for (const { schedule, run } of due) {
      if (schedule.fireAt !== undefined) fired.add(schedule);
      else lastRuns.set(schedule, run);
    }
    const results: SchedulerFiring[] = [];
    for (const { schedule, run } of due) {
      const firing: SchedulerFiring = await handler(schedule, run).then(
        () => ({ schedule, firedAt: at, scheduledTime: run }),
        (error: unknown) => ({ schedule, firedAt: at, scheduledTime: run, error }),
      );
      firings.push(firing);
      results.push(firing);
      const key = keyOf(schedule);
      // An UpdateSchedule while the target ran replaced the entry: that new schedule is not the one that completed.
      if (
        schedule.ActionAfterCompletion === 'DELETE' &&
        schedule.fireAt !== undefined &&
        schedules.get(key) === schedule
      )
        schedules.delete(key);
    }
    if (due.length > 0) save();
    return results;
  };

  const stopFiring = async (): Promise<void> => {
    const current = poller;
    poller = undefined;
    if (!current) return;
    clearInterval(current.timer);
    await current.tick;
  };

  const startFiring = (firing: FiringOptions): void => {
    if (poller) throw new Error('Firing already started');
    const clock = firing.now ?? (() => new Date());
    const scale = firing.timeScale ?? 1;
    const origin = clock().getTime();
    const virtualNow = (): Date => new Date(origin + (clock().getTime() - origin) * scale);
    const state: { timer: NodeJS.Timeout; onFire: FireHandler; tick?: Promise<void> } = {
      onFire: firing.onFire,
      timer: setInterval(() => {
        if (state.tick) return;
        state.tick = fireDue(virtualNow(), firing.onFire)
          .then(
            () => undefined,
            () => undefined, // fireDue records handler errors in `firings`; it only throws without a handler.
          )
          .finally(() => {
            state.tick = undefined;
          });
      }, firing.pollMs ?? 1000),
    };
    state.timer.unref();
    poller = state;
  };

  return { fireDue, startFiring, stopFiring };
}
