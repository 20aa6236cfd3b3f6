// Resident set size, the figure DESIGN.md's memory target speaks of. Garbage is collected first when the
// process runs with --expose-gc (e.g. NODE_OPTIONS=--expose-gc npm run bench), otherwise it counts too.

export interface MemoryReading {
  rssMb: number;
  heapUsedMb: number;
  /** Whether a collection ran first; without it the figure includes uncollected garbage. */
  collected: boolean;
}

const MB = 1024 * 1024;

export function residentMemory(): MemoryReading {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const usage = process.memoryUsage();
  return { rssMb: usage.rss / MB, heapUsedMb: usage.heapUsed / MB, collected: gc !== undefined };
}
