import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The shared data set is read in place, never copied into the project (its README asks for that). */
export function bbcDataDir(): string {
  return process.env.BRIEFBOT_BENCH_DATA ?? path.resolve(repoRoot, '../shared/data/bbc-news-summary');
}

export const resultsDir = path.join(repoRoot, 'bench', 'results');
