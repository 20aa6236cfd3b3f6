// Output of a bench: aligned tables on stdout, and the same figures as JSON under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resultsDir } from './paths.js';
import type { TargetCheck } from './targets.js';
import type { BenchOutput, Cell, Column, Table } from './types.js';

export interface Machine {
  cores: number;
  node: string;
  platform: string;
  arch: string;
  cpu: string;
  totalMemoryMb: number;
  /** Whether the process started with --expose-gc; memory.ts collects before readings either way. */
  exposeGc: boolean;
}

export function machine(): Machine {
  return {
    cores: os.availableParallelism(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    exposeGc: typeof (globalThis as { gc?: unknown }).gc === 'function',
  };
}

export interface BenchResult extends BenchOutput {
  bench: string;
  description: string;
  startedAt: string;
  durationMs: number;
  machine: Machine;
  /** Set when the bench threw; its targets are then unknown. */
  error?: string;
}

function formatCell(value: Cell, column: Column): string {
  if (value === null) return '-';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (column.digits !== undefined) return value.toFixed(column.digits);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

export function formatTable(table: Table): string {
  const header = table.columns.map((c) => c.label);
  const body = table.rows.map((row) => table.columns.map((c) => formatCell(row[c.key] ?? null, c)));
  const numeric = table.columns.map((c) => table.rows.some((row) => typeof row[c.key] === 'number'));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [table.title, line(header), rule, ...body.map(line)].join('\n');
}

export function describeCheck(check: TargetCheck): string {
  const what = check.detail ? `${check.id} (${check.detail})` : check.id;
  const measured = check.measured === null ? 'not measured' : `${round(check.measured)} ${check.unit}`;
  const size = check.corpusSize === null ? '' : ` at size ${check.corpusSize}`;
  const target = check.limit === null ? check.text : `${check.op} ${round(check.limit)} ${check.unit}`;
  const note = check.note ? ` - ${check.note}` : '';
  return `${check.status.toUpperCase().padEnd(7)} ${what}: ${measured}${size}; target ${target}${note}`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

export function formatResult(result: BenchResult): string {
  const m = result.machine;
  const parts = [
    `== ${result.bench}: ${result.description}`,
    `corpus sizes ${result.corpusSizes.join(', ') || '-'} | ${m.cores} cores | node ${m.node} | ${(result.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const table of result.tables) parts.push('', formatTable(table));
  if (result.notes.length > 0) parts.push('', ...result.notes.map((n) => `note: ${n}`));
  if (result.targets.length > 0)
    parts.push('', 'targets:', ...result.targets.map((t) => `  ${describeCheck(t)}`));
  if (result.error) parts.push('', `FAILED: ${result.error}`);
  return parts.join('\n');
}

export function writeResult(result: BenchResult, dir: string = resultsDir): string {
  mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const file = path.join(dir, `${result.bench}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
