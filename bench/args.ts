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

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { names: [], seed: 42, list: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--sizes':
        args.sizes = value()
          .split(',')
          .filter((s) => s !== '')
          .map((s) => wholeNumber(s, '--sizes', 1));
        if (args.sizes.length === 0) throw new UsageError('--sizes needs at least one size');
        break;
      case '--runs':
        args.runs = wholeNumber(value(), '--runs', 1);
        break;
      case '--warmup':
        args.warmup = wholeNumber(value(), '--warmup', 0);
        break;
      case '--seed':
        args.seed = wholeNumber(value(), '--seed', 0);
        break;
      case '--list':
        args.list = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        args.names.push(arg);
    }
  }
  return args;
}
