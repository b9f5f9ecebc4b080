/** Small helpers every bench script shares: formatting, percentiles, verdicts, errors that end a run. */
import * as os from 'node:os';

export const fmtMs = (ms: number) => `${ms.toFixed(1)} ms`;
export const fmtBytes = (bytes: number) =>
  `${bytes.toLocaleString('en-US')} B (${(bytes / 1024 / 1024).toFixed(2)} MiB)`;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

export class BenchError extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchError(message);
}

export function loadAverage(): string {
  return `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BenchError(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
