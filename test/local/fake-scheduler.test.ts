/**
 * The EventBridge Scheduler stand-in, driven through the real @aws-sdk/client-scheduler: the API as the service
 * answers it, the clock that fires one-shot schedules, and schedules kept in a file across restarts (`--data`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  InternalServerException,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { type FakeScheduler, type StoredSchedule, startFakeScheduler } from '../../local/fake-scheduler';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const fixture = <T>(relative: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURES, relative), 'utf8')) as T;
const scheduleRequest = fixture<CreateScheduleCommandInput>('scheduler/create-schedule-request.json');
const scheduleResponse = fixture<{ ScheduleArn: string }>('scheduler/create-schedule-response.json');

/** Rejection reason of a promise expected to fail. */
async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('fake EventBridge Scheduler through @aws-sdk/client-scheduler', () => {
  let fake: FakeScheduler;
  let client: SchedulerClient;
  const key = `${scheduleRequest.GroupName}/${scheduleRequest.Name}`;

  beforeAll(async () => {
    fake = await startFakeScheduler({ now: () => new Date('2026-11-26T14:30:00Z') });
    client = new SchedulerClient({
      endpoint: fake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    client.destroy();
    await fake.close();
  });

  it('creates a schedule and answers with its ARN', async () => {
    const output = await client.send(new CreateScheduleCommand(scheduleRequest));

    expect(output.ScheduleArn).toBe(scheduleResponse.ScheduleArn);
    expect(fake.schedules.get(key)).toMatchObject({
      ActionAfterCompletion: 'DELETE',
      Target: { Input: scheduleRequest.Target?.Input, RetryPolicy: { MaximumRetryAttempts: 3 } },
      fireAt: new Date('2026-11-26T16:30:00Z'),
    });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: `/schedules/${scheduleRequest.Name}` });
  });

  it('answers a duplicate create with ConflictException', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));

    const error = await rejectionOf(client.send(new CreateScheduleCommand(scheduleRequest)));

    expect(error).toBeInstanceOf(ConflictException);
    expect(error.name).toBe('ConflictException');
  });

  it('gets a schedule with dates the SDK parses', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));

    const schedule = await client.send(
      new GetScheduleCommand({ Name: scheduleRequest.Name, GroupName: scheduleRequest.GroupName }),
    );

    expect(schedule).toMatchObject({
      Arn: scheduleResponse.ScheduleArn,
      ScheduleExpression: 'at(2026-11-26T16:30:00)',
      State: 'ENABLED',
      CreationDate: new Date('2026-11-26T14:30:00Z'),
      Target: expect.objectContaining({ Arn: scheduleRequest.Target?.Arn }),
    });
  });

  it('deletes a schedule, after which get answers ResourceNotFoundException', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));

    await client.send(new DeleteScheduleCommand({ Name: scheduleRequest.Name, GroupName: scheduleRequest.GroupName }));

    expect(fake.schedules.size).toBe(0);
    await expect(
      client.send(new GetScheduleCommand({ Name: scheduleRequest.Name, GroupName: scheduleRequest.GroupName })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists schedules filtered by group and name prefix', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));
    await client.send(new CreateScheduleCommand({ ...scheduleRequest, Name: 'meeting-prep-reminder-m-9b1c' }));
    await client.send(new CreateScheduleCommand({ ...scheduleRequest, Name: 'other-m-7f3a' }));
    await client.send(new CreateScheduleCommand({ ...scheduleRequest, GroupName: 'default' }));

    const listed = await client.send(
      new ListSchedulesCommand({ GroupName: 'meeting-prep-reminders', NamePrefix: 'meeting-prep-reminder-' }),
    );

    expect(listed.Schedules?.map((s) => s.Name)).toEqual([
      'meeting-prep-reminder-m-7f3a',
      'meeting-prep-reminder-m-9b1c',
    ]);
    expect(listed.Schedules?.[0].CreationDate).toEqual(new Date('2026-11-26T14:30:00Z'));
  });

  it('rejects an invalid name with ValidationException', async () => {
    await expect(
      client.send(new CreateScheduleCommand({ ...scheduleRequest, Name: 'reminder:m-7f3a' })),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it('answers a queued status failure as the matching AWS error', async () => {
    fake.fail({ kind: 'status', status: 500 }, 'CreateSchedule');

    await expect(client.send(new CreateScheduleCommand(scheduleRequest))).rejects.toBeInstanceOf(
      InternalServerException,
    );
    await expect(client.send(new CreateScheduleCommand(scheduleRequest))).resolves.toMatchObject({
      ScheduleArn: scheduleResponse.ScheduleArn,
    });
  });

  it('fires a due at() schedule once, then deletes it when ActionAfterCompletion is DELETE', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));
    const fired: StoredSchedule[] = [];
    const onFire = async (schedule: StoredSchedule): Promise<void> => {
      fired.push(schedule);
    };

    await fake.fireDue(new Date('2026-11-26T16:29:59Z'), onFire);
    expect(fired).toHaveLength(0);
    await fake.fireDue(new Date('2026-11-26T16:30:00Z'), onFire);
    await fake.fireDue(new Date('2026-11-26T16:31:00Z'), onFire);

    expect(fired.map((s) => s.Target.Input)).toEqual([scheduleRequest.Target?.Input]);
    expect(fake.schedules.has(key)).toBe(false);
  });

  it('reads at() in the schedule time zone and keeps a NONE schedule after it fired', async () => {
    await client.send(
      new CreateScheduleCommand({
        ...scheduleRequest,
        ScheduleExpression: 'at(2026-11-26T11:30:00)',
        ScheduleExpressionTimezone: 'America/New_York',
        ActionAfterCompletion: 'NONE',
      }),
    );

    const early = await fake.fireDue(new Date('2026-11-26T11:30:00Z'), async () => undefined);
    const due = await fake.fireDue(new Date('2026-11-26T16:30:00Z'), async () => undefined);

    expect(early).toHaveLength(0);
    expect(due).toHaveLength(1);
    expect(fake.schedules.has(key)).toBe(true);
  });

  it('fires a daily cron() in the schedule time zone, every day, and keeps the schedule', async () => {
    // Created at 14:30 UTC (15:30 in Paris): the next 07:45 in Paris is 06:45 UTC the next morning.
    await client.send(
      new CreateScheduleCommand({
        ...scheduleRequest,
        ScheduleExpression: 'cron(45 7 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Paris',
        ActionAfterCompletion: 'NONE',
      }),
    );
    const onFire = async (): Promise<void> => undefined;

    const early = await fake.fireDue(new Date('2026-11-27T06:44:59Z'), onFire);
    const first = await fake.fireDue(new Date('2026-11-27T06:45:00Z'), onFire);
    const again = await fake.fireDue(new Date('2026-11-27T12:00:00Z'), onFire);
    const nextDay = await fake.fireDue(new Date('2026-11-28T06:46:00Z'), onFire);

    expect(early).toHaveLength(0);
    expect(first.map((f) => f.scheduledTime.toISOString())).toEqual(['2026-11-27T06:45:00.000Z']);
    expect(again).toHaveLength(0);
    expect(nextDay.map((f) => f.scheduledTime.toISOString())).toEqual(['2026-11-28T06:45:00.000Z']);
    expect(fake.schedules.has(key)).toBe(true);
  });

  it('runs a cron() missed for days once, for the latest run', async () => {
    await client.send(
      new CreateScheduleCommand({
        ...scheduleRequest,
        ScheduleExpression: 'cron(0 8 * * ? *)',
        ScheduleExpressionTimezone: 'UTC',
        ActionAfterCompletion: 'NONE',
      }),
    );

    const firings = await fake.fireDue(new Date('2026-11-30T09:00:00Z'), async () => undefined);

    expect(firings.map((f) => f.scheduledTime.toISOString())).toEqual(['2026-11-30T08:00:00.000Z']);
  });

  it('fires in the background on a scaled clock', async () => {
    await client.send(new CreateScheduleCommand(scheduleRequest));
    const realStart = Date.now();
    // One real millisecond is two virtual minutes: the 16:30 reminder is due ~60 ms after 14:30.
    const now = (): Date => new Date(Date.parse('2026-11-26T14:30:00Z') + (Date.now() - realStart));
    const fired = new Promise<StoredSchedule>((resolve) => {
      fake.startFiring({ onFire: async (schedule) => resolve(schedule), now, timeScale: 120_000, pollMs: 5 });
    });

    await expect(fired).resolves.toMatchObject({ Name: scheduleRequest.Name });
    await fake.stopFiring();
    expect(fake.firings).toHaveLength(1);
  });
});

describe('the Scheduler stand-in with a file', () => {
  it('keeps pending schedules across a restart, dates included, and forgets them once fired and deleted', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'i11-schedules-')), 'schedules.json');
    const clientOf = (fake: FakeScheduler) =>
      new SchedulerClient({
        endpoint: fake.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts: 1,
      });
    const first = await startFakeScheduler({ file });
    const firstClient = clientOf(first);
    await firstClient.send(new CreateScheduleCommand(scheduleRequest));
    firstClient.destroy();
    await first.close();

    const second = await startFakeScheduler({ file });
    const kept = [...second.schedules.values()];
    const fired: string[] = [];
    await second.fireDue(new Date((kept[0]?.fireAt as Date).getTime() + 1000), async (s) => void fired.push(s.Name));
    await second.close();
    const third = await startFakeScheduler({ file });

    expect(kept.map((s) => [s.Name, s.fireAt instanceof Date, s.CreationDate instanceof Date])).toEqual([
      [scheduleRequest.Name, true, true],
    ]);
    expect(fired).toEqual([scheduleRequest.Name]);
    expect(third.schedules.size).toBe(0);
    await third.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
