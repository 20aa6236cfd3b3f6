import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what its last full collection kept, in percent. V8's
 * own factor grows with how cheap collection has been, up to 4×. A digest minute keeps each digest
 * alive across a few young collections (composed, then paced, then posted) before it dies, so the old
 * generation fills with the dead: on V8's factor the heap in use reached 280 MB with about 80 MB live
 * (a full collection forced every 2 s). Bounded at 1.3×, the same minute stays near 160 MB of heap
 * for about 1% more CPU.
 */
const HEAP_GROWING_PERCENT = 30;

/**
 * Bounds the heap's growth in this process (and its worker threads: V8's flags are per process),
 * unless the command line chose a bound (`node --heap-growing-percent=N`). Call it before the work
 * starts: the bound takes effect from the next full collection.
 */
export function boundHeapGrowth(): void {
  if (process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
