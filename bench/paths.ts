import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The shared data set is read in place, never copied into the project (its README asks for that). */
export function bbcDataDir(): string {
  return process.env.BRIEFBOT_BENCH_DATA ?? path.resolve(repoRoot, '../shared/data/bbc-news-summary');
}

/** The development data is not where the benches look: says where to put it, without a stack trace. */
export class MissingBenchData extends Error {
  override readonly name = 'MissingBenchData';
  constructor(what: string, dir: string) {
    super(
      `${what} not found at ${dir}. The benches read the shared development data in place: put it in ` +
        `../shared/data beside the repository (${path.resolve(repoRoot, '../shared/data')}), or set ` +
        'BRIEFBOT_BENCH_DATA to the bbc-news-summary folder.',
    );
  }
}

export const resultsDir = path.join(repoRoot, 'bench', 'results');
