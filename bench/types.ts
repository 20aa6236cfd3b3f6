import type { TimingOptions } from './stats.js';
import type { TargetCheck } from './targets.js';

export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  /** Decimals for numbers; integers print whole and non-integers with 2 when absent. */
  digits?: number;
}

export interface Table {
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

export interface BenchOutput {
  /** Documents (or articles) each measurement ran on; recorded with every result. */
  corpusSizes: number[];
  tables: Table[];
  targets: TargetCheck[];
  notes: string[];
  /** Anything else worth keeping in the JSON result. */
  data?: Record<string, unknown>;
}

export interface BenchContext {
  /** The --sizes override when given, else the bench's own defaults. */
  sizes(defaults: readonly number[]): number[];
  /** The bench's timing defaults with --runs / --warmup applied. */
  timing(defaults: TimingOptions): Required<TimingOptions>;
  seed: number;
  /** Progress lines, to stderr so the tables stay clean. */
  log(line: string): void;
}

export interface Bench {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchOutput>;
}
