import { parseArgs as parseUtilArgs } from 'node:util';

// Command line of `npm run bench -- [<name>...] [--sizes 1000,10000] [--runs N] [--warmup N] [--seed N]`.

export interface BenchArgs {
  names: string[];
  sizes?: number[];
  runs?: number;
  warmup?: number;
  seed: number;
  list: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `usage: npm run bench -- [<bench>...] [options]
  <bench>            run only these benches (default: all registered)
  --sizes 1k,10000   corpus sizes for benches that take sizes
  --runs N           timed runs per measurement
  --warmup N         untimed runs before them
  --seed N           corpus seed (default 42)
  --list             list the benches and exit`;

function wholeNumber(text: string, flag: string, min: number): number {
  const match = /^(\d+)(k?)$/i.exec(text.replace(/_/g, ''));
  const value = match ? Number(match[1]) * (match[2] ? 1000 : 1) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min)
    throw new UsageError(`${flag} expects a whole number >= ${min}, got "${text}"`);
  return value;
}

/** `node:util` parses the flags; this only checks their values. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const args: BenchArgs = {
    names: positionals,
    seed: values.seed === undefined ? 42 : wholeNumber(values.seed, '--seed', 0),
    list: values.list ?? false,
    help: values.help ?? false,
  };
  if (values.sizes !== undefined) {
    args.sizes = values.sizes
      .split(',')
      .filter((s) => s !== '')
      .map((s) => wholeNumber(s, '--sizes', 1));
    if (args.sizes.length === 0) throw new UsageError('--sizes needs at least one size');
  }
  if (values.runs !== undefined) args.runs = wholeNumber(values.runs, '--runs', 1);
  if (values.warmup !== undefined) args.warmup = wholeNumber(values.warmup, '--warmup', 0);
  return args;
}

function parse(argv: readonly string[]) {
  return parseUtilArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      sizes: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
