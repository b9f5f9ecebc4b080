/**
 * The Slack bot's work after the answer: the FIFO work queue and its FIFO dead-letter queue, the worker function
 * fed by it with partial batch responses, who may send to the queue, and the alarms.
 */
import {
  buildStack,
  BuiltStack,
  grants,
  logicalIdOf,
  render,
  resource,
  resourcesOfType,
  roleOfFunction,
  slackBotOf,
  statementsOfRole,
  WITH_ALARMS_AND_KEYS,
} from './helpers';

let built: BuiltStack;

beforeAll(() => {
  // With dev's settings, plus the alarms and the tables' key that staging and prod have.
  built = buildStack({ context: WITH_ALARMS_AND_KEYS });
});

const worker = () => slackBotOf(built.stack).worker;
const queueId = () => logicalIdOf(worker().queue);
const dlqId = () => logicalIdOf(worker().deadLetterQueue);
const sqsGrants = (functionId: string) =>
  grants(statementsOfRole(built.json, roleOfFunction(built.json, functionId))).filter((g) => g.startsWith('sqs:'));

describe('the work queue', () => {
  it('is FIFO, deduplicated by the sender id or (Scheduler digests) the content, encrypted, TLS-only, and redrives to a FIFO dead-letter queue after 5 receives', () => {
    const queue = resource(built.json, queueId()).Properties;
    expect(queue).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: true,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
    });
    expect(queue['RedrivePolicy']).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(), 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(resource(built.json, dlqId()).Properties).toMatchObject({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86400,
    });
    const tlsOnly = resourcesOfType(built.json, 'AWS::SQS::QueuePolicy').filter(
      ([, p]) =>
        JSON.stringify(p.Properties['Queues']).includes(queueId()) &&
        JSON.stringify(p.Properties).includes('aws:SecureTransport'),
    );
    expect(tlsOnly).toHaveLength(1);
  });
});

describe('the worker function', () => {
  const workerId = () => logicalIdOf(worker().function.function);

  it('is fed by the queue in batches of 10 and reports partial batch failures', () => {
    const mappings = resourcesOfType(built.json, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => render(m.Properties['FunctionName']) === `\${${workerId()}}`,
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(render(mappings[0]?.[1].Properties['EventSourceArn'])).toBe(`\${${queueId()}.Arn}`);
  });

  it('runs the exported handler and is told the queue, its retry budget, its tables and the Slack secret', () => {
    const fn = resource(built.json, workerId()).Properties;
    expect(fn).toMatchObject({ Handler: 'index.handler', Timeout: 30 });
    const vars = (fn['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(render(vars['WORK_QUEUE_URL'])).toBe(`\${${queueId()}}`);
    expect(vars['WORK_MAX_RECEIVE_COUNT']).toBe('5');
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining([
        'MEETINGS_TABLE_NAME',
        'USERS_TABLE_NAME',
        'CHAT_SESSIONS_TABLE_NAME',
        'SLACK_SECRET_ARN',
      ]),
    );
  });

  it('may consume and re-time messages of its queue only, and send none', () => {
    const lines = sqsGrants(workerId());
    expect(lines.every((g) => g.endsWith(`\${${queueId()}.Arn}`))).toBe(true);
    expect(lines.map((g) => g.split(' ')[0])).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(lines.some((g) => g.startsWith('sqs:SendMessage'))).toBe(false);
  });
});

describe('the webhook', () => {
  it('may send to the work queue only, and is told its URL', () => {
    const webhookId = logicalIdOf(slackBotOf(built.stack).function.function);
    expect(sqsGrants(webhookId).map((g) => g.split(' ')[0])).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(
      sqsGrants(webhookId).every((g) => g.endsWith(`\${${queueId()}.Arn}`) && !g.startsWith('sqs:ReceiveMessage')),
    ).toBe(true);
    const vars = (resource(built.json, webhookId).Properties['Environment'] as { Variables: Record<string, unknown> })
      .Variables;
    expect(render(vars['WORK_QUEUE_URL'])).toBe(`\${${queueId()}}`);
  });
});

describe('alarms', () => {
  it('fire on a message in the dead-letter queue and on work waiting over two minutes, to the alarm topic', () => {
    const topicId = logicalIdOf(built.stack.monitoring?.alarmTopic as never);
    const alarms = worker().alarms.map((a) => resource(built.json, logicalIdOf(a)).Properties);
    expect(alarms.map((a) => [a['MetricName'], a['Threshold']])).toEqual([
      ['ApproximateNumberOfMessagesVisible', 1],
      ['ApproximateAgeOfOldestMessage', 120],
    ]);
    expect(render((alarms[0]?.['Dimensions'] as unknown[])[0])).toContain(dlqId());
    for (const alarm of alarms) expect((alarm['AlarmActions'] as unknown[]).map(render)).toEqual([`\${${topicId}}`]);
  });
});
