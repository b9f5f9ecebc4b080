/** The embedded-metric-format lines a Lambda prints, as CloudWatch would read them. */
describe('countMetric', () => {
  const emitted = (): Record<string, unknown>[] => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const previous = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module per test reads the environment anew
        const { countMetric } = require('../../lambda/shared/metrics') as typeof import('../../lambda/shared/metrics');
        countMetric('NotificationsDelivered', { Channel: 'sms' });
        countMetric('AllChannelsFailed');
      });
    } finally {
      write.mockRestore();
      process.env.POWERTOOLS_METRICS_DISABLED = previous;
    }
    return lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it('emits each count in the service namespace, with its dimension and the service dimension', () => {
    const [delivered, failed] = emitted();

    expect(delivered).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'ExecAssistant/MeetingPrep',
            Dimensions: [['service', 'Channel']],
            Metrics: [{ Name: 'NotificationsDelivered', Unit: 'Count' }],
          },
        ],
      },
      service: 'meeting-prep',
      Channel: 'sms',
      NotificationsDelivered: 1,
    });
    expect(failed).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Dimensions: [['service']], Metrics: [{ Name: 'AllChannelsFailed' }] }] },
      AllChannelsFailed: 1,
    });
  });

  it('keeps one emitter: each count carries only its own dimensions, and turning metrics off or on takes effect at once', () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const previous = process.env.POWERTOOLS_METRICS_DISABLED;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module, so its emitter is built here
        const { countMetric } = require('../../lambda/shared/metrics') as typeof import('../../lambda/shared/metrics');
        process.env.POWERTOOLS_METRICS_DISABLED = 'true';
        countMetric('PrepActions', { Action: 'start_prep', Via: 'slack', Outcome: 'session_started' });
        process.env.POWERTOOLS_METRICS_DISABLED = 'false';
        for (let i = 0; i < 3; i++)
          countMetric('PrepActions', {
            Action: 'start_prep',
            Via: i === 1 ? 'sms' : 'slack',
            Outcome: 'session_started',
          });
        countMetric('SlackInteractions', { Kind: 'start_prep' });
        process.env.POWERTOOLS_METRICS_DISABLED = 'true';
        countMetric('SlackInteractions', { Kind: 'remind_later' });
      });
    } finally {
      write.mockRestore();
      process.env.POWERTOOLS_METRICS_DISABLED = previous;
    }
    const docs = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

    expect(docs.map((d) => [d['Via'] ?? d['Kind'], d['PrepActions'] ?? d['SlackInteractions']])).toEqual([
      ['slack', 1],
      ['sms', 1],
      ['slack', 1],
      ['start_prep', 1],
    ]);
    const last = docs[3] as { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] }; Via?: string };
    expect(last._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'Kind']]);
    expect(last.Via).toBeUndefined();
  });
});
