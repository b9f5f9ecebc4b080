/**
 * The rule's target: the starter function, run for real against a loopback Step Functions API. Executions are named
 * after their meeting, and a redelivered event starts nothing new.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { FakeSfn, startFakeSfn } from '../../local/fake-sfn';
import prepEvent from '../fixtures/eventbridge/meeting-prep-required.json';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:PrepNotificationTest';
let sfn: FakeSfn;
let started: { name: string; input: unknown }[];
let handler: (event: unknown) => Promise<{ executionName: string; executionArn?: string; outcome: string }>;

beforeAll(async () => {
  started = [];
  sfn = await startFakeSfn(STATE_MACHINE_ARN, (name, input) => started.push({ name, input }));
  process.env.AWS_ENDPOINT_URL_SFN = sfn.url;
  process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler reads its environment at load time
  handler = (require('../../lambda/workflow/start-execution') as { handler: typeof handler }).handler;
});

afterAll(async () => {
  await sfn.close();
});

beforeEach(() => {
  started.length = 0;
  sfn.reset();
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('starting executions from MeetingPrepRequired events', () => {
  it('starts one execution named after the meeting and the event, with the whole envelope as input', async () => {
    const result = await handler(prepEvent);

    expect(result.executionName).toBe('m-7f3a-b3f1c0d2-6a7e-4e89-9c41-5d2a8f7e0b16');
    expect(started).toEqual([{ name: 'm-7f3a-b3f1c0d2-6a7e-4e89-9c41-5d2a8f7e0b16', input: prepEvent }]);
  });

  it('starts nothing new when EventBridge delivers the same event again', async () => {
    await handler(prepEvent);
    await handler(prepEvent);

    expect(sfn.requests).toHaveLength(2);
    expect(started).toHaveLength(1);
  });

  it('starts nothing, and does not fail, when another event reused the id with other content', async () => {
    await handler(prepEvent);
    const errors = jest.spyOn(Logger.prototype, 'error');

    const result = await handler({ ...prepEvent, detail: { ...prepEvent.detail, title: 'Changed' } });

    expect(result).toEqual({ executionName: 'm-7f3a-b3f1c0d2-6a7e-4e89-9c41-5d2a8f7e0b16', outcome: 'name-conflict' });
    expect(started).toHaveLength(1);
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('exists with another input'),
      expect.objectContaining({ status: 'RUNNING' }),
    );
  });

  it('treats an event delivered again after its execution finished as normal: described, logged at info, not an error', async () => {
    const first = await handler(prepEvent);
    sfn.finish(first.executionName, 'SUCCEEDED');
    const errors = jest.spyOn(Logger.prototype, 'error');
    const infos = jest.spyOn(Logger.prototype, 'info');

    const again = await handler(prepEvent);

    expect(again).toEqual({
      executionName: first.executionName,
      executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${first.executionName}`,
      outcome: 'redelivered',
    });
    expect(started).toHaveLength(1);
    expect(errors).not.toHaveBeenCalled();
    expect(infos).toHaveBeenCalledWith(
      expect.stringContaining('delivered again'),
      expect.objectContaining({ status: 'SUCCEEDED' }),
    );
  });

  it('reports, after the execution finished, another event that reused the id', async () => {
    const first = await handler(prepEvent);
    sfn.finish(first.executionName, 'FAILED');
    const errors = jest.spyOn(Logger.prototype, 'error');

    const result = await handler({ ...prepEvent, detail: { ...prepEvent.detail, title: 'Changed' } });

    expect(result.outcome).toBe('name-conflict');
    expect(started).toHaveLength(1);
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('exists with another input'),
      expect.objectContaining({ status: 'FAILED' }),
    );
  });

  it('still starts an execution for a malformed event, so it fails visibly with InvalidEvent', async () => {
    await handler({ ...prepEvent, detail: {} });

    expect(started.map((s) => s.name)).toEqual(['invalid-event-b3f1c0d2-6a7e-4e89-9c41-5d2a8f7e0b16']);
  });
});
