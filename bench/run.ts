// `npm run bench`: runs the registered benches (or the named ones), prints each result, writes it as
// JSON, then says which DESIGN.md targets were met or missed. Exits 1 when a target was missed or a
// bench failed, 2 on a usage error; every selected bench runs either way.
import { type BenchArgs, parseArgs, USAGE, UsageError } from './args.js';
import { BENCHES } from './benches/index.js';
import { MissingBenchData } from './paths.js';
import { type BenchResult, describeCheck, formatResult, machine, writeResult } from './report.js';
import { TARGETS, type TargetCheck, type TargetId } from './targets.js';
import type { Bench, BenchContext } from './types.js';

function contextFor(args: BenchArgs): BenchContext {
  return {
    sizes: (defaults) => [...(args.sizes ?? defaults)],
    timing: (defaults) => ({
      warmup: args.warmup ?? defaults.warmup ?? 1,
      runs: args.runs ?? defaults.runs ?? 10,
    }),
    seed: args.seed,
    log: (line) => process.stderr.write(`  ${line}\n`),
  };
}

async function runOne(bench: Bench, ctx: BenchContext): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const start = performance.now();
  const base = { bench: bench.name, description: bench.description, startedAt, machine: machine() };
  try {
    const output = await bench.run(ctx);
    return { ...base, ...output, durationMs: performance.now() - start };
  } catch (error) {
    const message =
      error instanceof MissingBenchData
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    return {
      ...base,
      corpusSizes: [],
      tables: [],
      targets: [],
      notes: [],
      durationMs: performance.now() - start,
      error: message,
    };
  }
}

function selectBenches(names: readonly string[]): Bench[] {
  if (names.length === 0) return [...BENCHES];
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown bench ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
    );
  }
  return names.map((n) => BENCHES.find((b) => b.name === n)!);
}

function targetSummary(checks: readonly TargetCheck[]): string[] {
  const lines = ['== DESIGN.md targets'];
  for (const id of Object.keys(TARGETS) as TargetId[]) {
    const mine = checks.filter((c) => c.id === id);
    const status = mine.some((c) => c.status === 'missed')
      ? 'MISSED'
      : mine.some((c) => c.status === 'met')
        ? mine.every((c) => c.status === 'met')
          ? 'met'
          : 'partly met, rest pending'
        : mine.length > 0
          ? 'pending'
          : 'not measured in this run';
    lines.push(`  ${id.padEnd(20)} ${status}`);
  }
  return lines;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.list) {
    for (const b of BENCHES) console.log(`${b.name.padEnd(12)} ${b.description}`);
    return 0;
  }
  const benches = selectBenches(args.names);
  const ctx = contextFor(args);
  const results: BenchResult[] = [];
  for (const bench of benches) {
    process.stderr.write(`running ${bench.name}...\n`);
    const result = await runOne(bench, ctx);
    results.push(result);
    console.log(`${formatResult(result)}\n`);
    console.log(`(written to ${writeResult(result)})\n`);
  }

  const checks = results.flatMap((r) => r.targets);
  console.log(targetSummary(checks).join('\n'));
  const missed = checks.filter((c) => c.status === 'missed');
  const failed = results.filter((r) => r.error !== undefined);
  if (missed.length > 0) {
    console.log(`\nMissed targets:\n${missed.map((c) => `  ${describeCheck(c)}`).join('\n')}`);
  }
  if (failed.length > 0) console.log(`\nFailed benches: ${failed.map((r) => r.bench).join(', ')}`);
  return missed.length > 0 || failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
