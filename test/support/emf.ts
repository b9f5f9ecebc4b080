/**
 * The custom metrics a block of work emits (CloudWatch embedded metric format lines on stdout), captured for
 * assertions: the handlers run in this process, so their EMF lines are this process's stdout.
 */

/** One EMF line, parsed. */
export interface EmfLine {
  readonly _aws: {
    readonly CloudWatchMetrics: { readonly Namespace: string; readonly Metrics: { readonly Name: string }[] }[];
  };
  readonly [key: string]: unknown;
}

/** Runs `work` with metrics turned on and returns the metric lines printed meanwhile. */
export async function metricsOf(work: () => Promise<unknown>): Promise<EmfLine[]> {
  const disabled = process.env['POWERTOOLS_METRICS_DISABLED'];
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'false';
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await work();
  } finally {
    write.mockRestore();
    if (disabled === undefined) delete process.env['POWERTOOLS_METRICS_DISABLED'];
    else process.env['POWERTOOLS_METRICS_DISABLED'] = disabled;
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"CloudWatchMetrics"'))
    .map((l) => JSON.parse(l) as EmfLine);
}

/** The lines that carry the metric `name`. */
export const named = (lines: readonly EmfLine[], name: string): EmfLine[] =>
  lines.filter((l) => l._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === name));
