// Resident set size, the figure DESIGN.md's memory target speaks of. Garbage is collected first: with
// --expose-gc when the process has it, otherwise by turning the flag on at run time (V8 allows that and hands
// the gc function to new contexts), so plain `npm run bench` reads memory after a collection too.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemoryReading {
  rssMb: number;
  heapUsedMb: number;
  /** Whether a collection ran first; without it the figure includes uncollected garbage. */
  collected: boolean;
}

const MB = 1024 * 1024;

function collector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

export function residentMemory(): MemoryReading {
  const gc = collector();
  if (gc) {
    gc();
    gc();
  }
  const usage = process.memoryUsage();
  return { rssMb: usage.rss / MB, heapUsedMb: usage.heapUsed / MB, collected: gc !== undefined };
}
