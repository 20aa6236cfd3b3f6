import { describe, expect, it } from 'vitest';
import { growthPer10x, median, percentile, summarise, time } from '../bench/stats.js';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentiles', () => {
  it('median of odd and even counts, in any order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('interpolates between closest ranks like numpy', () => {
    expect(percentile(oneToHundred, 99)).toBeCloseTo(99.01, 10);
    expect(percentile(oneToHundred, 50)).toBe(50.5);
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([10, 20], 99)).toBeCloseTo(19.9, 10);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarise gives runs, median, p99, min, max and mean', () => {
    expect(summarise([5, 1, 4, 2, 3])).toEqual({ runs: 5, median: 3, p99: 4.96, min: 1, max: 5, mean: 3 });
    expect(() => summarise([])).toThrow();
  });
});

describe('time', () => {
  it('warms up untimed, then times each run, passing a running index', async () => {
    const seen: number[] = [];
    const stats = await time((i) => seen.push(i), { warmup: 2, runs: 5 });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(stats.runs).toBe(5);
    expect(stats.min).toBeGreaterThanOrEqual(0);
    expect(stats.max).toBeGreaterThanOrEqual(stats.p99);
    expect(stats.p99).toBeGreaterThanOrEqual(stats.median);
  });

  it('awaits async work', async () => {
    const stats = await time(() => new Promise((resolve) => setTimeout(resolve, 5)), { warmup: 0, runs: 2 });
    expect(stats.min).toBeGreaterThanOrEqual(4);
  });
});

describe('growthPer10x', () => {
  it('is the per-decade cost ratio between smallest and largest size', () => {
    expect(
      growthPer10x([
        { size: 1000, value: 1 },
        { size: 100_000, value: 100 },
      ]),
    ).toBeCloseTo(10, 10);
    expect(
      growthPer10x([
        { size: 100_000, value: 2 },
        { size: 1000, value: 2 },
      ]),
    ).toBeCloseTo(1, 10);
  });
});
