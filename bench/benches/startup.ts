// Start-up to ready: the built bot (`npm start`'s `node dist/cli/briefbot.js`) spawned on the seed
// `briefings/` with a fresh SQLite file, timed until `/readyz` answers 200 (store reachable, first
// ingest done, console running). CPU is the process's user+system time at that moment, worker threads
// included: on a busy machine the wall time grows and the CPU time barely does.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../tests/support/process.js';
import { repoRoot } from '../paths.js';
import { summarise } from '../stats.js';
import { checkTarget } from '../targets.js';
import type { Bench, Cell } from '../types.js';

export const ENTRY = path.join(repoRoot, 'dist', 'cli', 'briefbot.js');
const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 5;

/** The build must exist and be newer than every source file, or the bench would time old code. */
export function checkBuild(): void {
  const src = path.join(repoRoot, 'src');
  const newest = readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce(
      (latest, entry) => Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs),
      0,
    );
  if (!existsSync(ENTRY) || statSync(ENTRY).mtimeMs < newest)
    throw new Error(`${ENTRY} is missing or older than src/: run \`npm run build\` first`);
}

/** User+system CPU of a process in ms, from /proc (Linux); undefined elsewhere. */
export function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Polls the spawned bot's `/readyz` until it answers 200; throws if the bot exits or the time is up. */
export async function untilReady(
  child: ChildProcess,
  port: number,
  timeoutMs: number,
  pollMs: number,
): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode} before it was ready`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`the bot was not ready within ${timeoutMs / 1000} s`);
}

async function oneStart(): Promise<{ wallMs: number; cpuMs: number | undefined }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'briefbot-startup-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [ENTRY], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HEALTH_PORT: String(port),
      DATABASE_PATH: path.join(dir, 'briefbot.db'),
      BRIEFINGS_DIR: path.join(repoRoot, 'briefings'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await untilReady(child, port, READY_TIMEOUT_MS, POLL_MS);
    return { wallMs: performance.now() - started, cpuMs: cpuMs(child.pid ?? 0) };
  } finally {
    child.stdin?.end('/quit\n');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

export const startupBench: Bench = {
  name: 'startup',
  description: 'start-up to ready: the built bot on the seed briefings, spawn to /readyz 200',
  async run(ctx) {
    checkBuild();
    const { runs, warmup } = ctx.timing({ warmup: 1, runs: 9 });
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const { wallMs, cpuMs: cpu } = await oneStart();
      ctx.log(`start ${i + 1}: ready after ${wallMs.toFixed(0)} ms, ${cpu ?? '?'} ms CPU`);
      if (i < warmup) continue;
      walls.push(wallMs);
      if (cpu !== undefined) cpus.push(cpu);
    }
    const rows: Record<string, Cell>[] = [{ measure: 'wall ms', ...summarise(walls) }];
    if (cpus.length > 0) rows.push({ measure: 'CPU ms (user+sys)', ...summarise(cpus) });
    const wall = summarise(walls);
    return {
      corpusSizes: [1],
      tables: [
        {
          title: `Start-up to ready, ${runs} starts after ${warmup} warm-up, seed briefings, fresh SQLite file`,
          columns: [
            { key: 'measure', label: 'measure' },
            { key: 'median', label: 'p50', digits: 0 },
            { key: 'p99', label: 'p99', digits: 0 },
            { key: 'min', label: 'min', digits: 0 },
            { key: 'max', label: 'max', digits: 0 },
          ],
          rows,
        },
      ],
      targets: [checkTarget('startup-ready', wall.median, { detail: 'median wall time to /readyz 200' })],
      notes: [
        'ready = /readyz 200: store reachable, first ingest done, the console adapter started',
        'the wall time includes Node starting; CPU counts every thread of the process',
      ],
    };
  },
};
