// Growth tables: how a cost grows per tenfold corpus, from the smallest to the largest size measured.
import { growthPer10x } from './stats.js';
import type { Table } from './types.js';

export interface GrowthSeries {
  measure: string;
  points: { size: number; value: number }[];
}

/** One table, or none when fewer than two sizes were measured (a ratio needs two). */
export function growthTables(unit: string, series: readonly GrowthSeries[]): Table[] {
  const sizes = [...new Set(series.flatMap((s) => s.points.map((p) => p.size)))].sort((a, b) => a - b);
  if (sizes.length < 2) return [];
  return [
    {
      title: `Growth per 10x ${unit} (${sizes[0]} to ${sizes.at(-1)}): 1.00 = flat, 10.00 = linear`,
      columns: [
        { key: 'measure', label: 'measure' },
        ...sizes.map((size) => ({ key: String(size), label: `at ${size}`, digits: 2 })),
        { key: 'ratio', label: 'ratio per 10x', digits: 2 },
      ],
      rows: series.map((s) => ({
        measure: s.measure,
        ...Object.fromEntries(s.points.map((p) => [String(p.size), p.value])),
        ratio: growthPer10x(s.points),
      })),
    },
  ];
}
