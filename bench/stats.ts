// Timing and summary statistics. Percentiles interpolate linearly between closest ranks (numpy's default),
// so the 50th percentile is the usual median.

export interface Stats {
  runs: number;
  median: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function summarise(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('no samples to summarise');
  return {
    runs: samples.length,
    median: median(samples),
    p99: percentile(samples, 99),
    min: Math.min(...samples),
    max: Math.max(...samples),
    mean: samples.reduce((sum, x) => sum + x, 0) / samples.length,
  };
}

export interface TimingOptions {
  /** Untimed calls first, so JIT and caches settle; default 1. */
  warmup?: number;
  /** Timed calls; default 10. */
  runs?: number;
}

/** Milliseconds per call of `fn(i)`; `i` counts from 0 over warm-up and runs, e.g. to cycle through queries. */
export async function time(fn: (i: number) => unknown, options: TimingOptions = {}): Promise<Stats> {
  const warmup = options.warmup ?? 1;
  const runs = options.runs ?? 10;
  if (runs < 1) throw new RangeError('at least one timed run is needed');
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn(warmup + i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return summarise(samples);
}

/** Ratio of cost per tenfold growth in size, from the smallest and largest measurement. */
export function growthPer10x(points: readonly { size: number; value: number }[]): number {
  if (points.length < 2) return Number.NaN;
  const sorted = [...points].sort((a, b) => a.size - b.size);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  return (last.value / first.value) ** (1 / Math.log10(last.size / first.size));
}
