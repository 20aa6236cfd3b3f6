// One bot instance for the digests bench, in a process of its own so the bench can cut it off (a digest run
// that never ends, or runs out of memory, must not take the bench down with it). It is wired as main.ts
// wires digests: a SqliteStore on the shared file, the Bot, a poster, and the real Scheduler (production
// lease and retry settings) on a ManualCron and a BenchClock. The poster is either
//   queue  - holds every digest handed to it (part 1: claim, compose and queue), or
//   slack  - the real Slack adapter, pointed at the bench's rate-limited Slack (parts 2 and 3),
//            optionally made faulty (`double` posts twice, `drop` posts nothing) for the bench's own test.
// Reports go to stdout as JSON lines written synchronously, so they arrive even while the event loop is
// stuck in a long run of microtasks; the parent says when to fire over IPC.
// The process runs compiled JavaScript on plain node, as production does (`npm start` runs dist/), with
// the heap bound main.ts sets. Under tsx the loader hooks run on a thread of their own with its own
// heap: about 30 MB of RSS, and some CPU, that no deployment has.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSlackAdapter } from '../../src/adapters/slack/index.js';
import { Bot } from '../../src/core/bot.js';
import { silentLogger } from '../../src/core/logger.js';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import type { TopicCatalogue } from '../../src/core/topics.js';
import type { Poster } from '../../src/digest-delivery.js';
import { boundHeapGrowth } from '../../src/heap.js';
import { Scheduler } from '../../src/scheduler.js';
import { mergedCatalogue, repoCatalogue } from '../catalogues.js';
import { repoRoot } from '../paths.js';
import { type ClaimTally, QueueingPoster, timingClaims } from './claim.js';
import { type AcceptedPost, BenchClock, DUE, ManualCron, runStates } from './scenario.js';
import { BOT_TOKEN } from './slack-server.js';

export type CatalogueName = 'merged' | 'repo';

export function catalogueNamed(name: CatalogueName): TopicCatalogue {
  return name === 'merged' ? mergedCatalogue() : repoCatalogue();
}

export type Fault = 'none' | 'double' | 'drop';

export interface InstanceArgs {
  file: string;
  catalogue: CatalogueName;
  instanceId: string;
  /** Subscriptions in the file: the instance checks it scheduled them all. */
  expected: number;
  poster:
    | { kind: 'queue' }
    | {
        kind: 'slack';
        apiUrl: string;
        fault: Fault;
        /** The adapter's digest budget across the workspaces it serves (default: one workspace's 20/s). */
        workspacePerSecond?: number;
      };
  /** After firing, how long to wait for every run to finish before reporting `settled: false`. */
  settleMs: number;
  /** Heap cap for the child (MB), so a run that outgrows it fails alone. */
  maxHeapMb?: number;
}

export type StateRows = ReturnType<typeof runStates>;

export type Report =
  | { type: 'ready'; jobs: number }
  | { type: 'claimed'; count: number; ms: number; rssMb: number }
  | { type: 'queued'; count: number; ms: number; rssMb: number }
  | {
      type: 'done';
      fired: number;
      /** Date.now() when this instance fired, and how long its tick loop took (ms). */
      firedAtWall: number;
      tickMs: number;
      tally: ClaimTally;
      settled: boolean;
      /** ms after firing at which each claim was won / each digest was queued (queue poster only). */
      claimedAt: number[];
      queuedAt: number[];
      queued: AcceptedPost[];
      /** ms after firing until every run had finished (or the settle deadline). */
      finishedMs: number;
      states: StateRows;
      maxRssMb: number;
      /** CPU time (user + system) this process spent from firing until done, ms. */
      cpuMs: number;
    }
  | { type: 'error'; message: string };

const rssMb = () => process.memoryUsage.rss() / 1024 / 1024;

/* --------------------------------- child side -------------------------------- */

function report(message: Report): void {
  writeSync(1, `${JSON.stringify(message)}\n`);
}

/** Posts every digest twice, or drops it while saying it was posted: the faults the bench must catch. */
function faulty(poster: Poster, fault: Fault): Poster {
  if (fault === 'none') return poster;
  return {
    platform: poster.platform,
    async postToChannel(channelId, reply) {
      if (fault === 'drop') return { platform: poster.platform, channelId, threadId: `dropped:${channelId}` };
      const first = await poster.postToChannel(channelId, reply);
      await poster.postToChannel(channelId, reply);
      return first;
    },
  };
}

async function child(args: InstanceArgs): Promise<void> {
  boundHeapGrowth();
  const catalogue = catalogueNamed(args.catalogue);
  const store = new SqliteStore(args.file);
  const clock = new BenchClock();
  clock.set(new Date(DUE.getTime() - 30_000));
  const cron = new ManualCron();
  let firedAt = 0;
  const since = (at: number) => at - firedAt;
  const claimedAt: number[] = [];
  const tally: ClaimTally = { won: 0, lost: 0, threw: 0 };
  const queuedAt: number[] = [];
  const milestones = new Set([
    1,
    ...Array.from({ length: 10 }, (_, i) => Math.ceil(((i + 1) * args.expected) / 10)),
  ]);

  let poster: Poster;
  let queue: QueueingPoster | undefined;
  let stopAdapter = async () => {};
  if (args.poster.kind === 'queue') {
    queue = new QueueingPoster('slack', (count) => {
      queuedAt.push(since(performance.now()));
      if (milestones.has(count)) report({ type: 'queued', count, ms: queuedAt.at(-1)!, rssMb: rssMb() });
    });
    poster = queue;
  } else {
    const bot = new Bot({ store, catalogue, logger: silentLogger, clock: clock.now });
    const adapter = createSlackAdapter({
      bot,
      config: {
        botToken: BOT_TOKEN,
        signingSecret: 'bench-signing-secret',
        mode: 'http',
        port: 0,
        host: '127.0.0.1',
        apiUrl: args.poster.apiUrl,
      },
      logger: silentLogger,
      logLevel: 'error',
      ...(args.poster.workspacePerSecond
        ? { digestPacing: { workspacePerSecond: args.poster.workspacePerSecond } }
        : {}),
    });
    await adapter.start();
    stopAdapter = () => adapter.stop();
    poster = faulty(adapter, args.poster.fault);
  }
  const scheduler = new Scheduler({
    store: timingClaims(store, tally, (count, at) => {
      claimedAt.push(since(at));
      if (count === args.expected) report({ type: 'claimed', count, ms: since(at), rssMb: rssMb() });
    }),
    catalogue,
    posters: [poster],
    logger: silentLogger,
    instanceId: args.instanceId,
    graceMs: 6 * 3_600_000,
    clock: clock.now,
    cron: cron.factory,
  });
  await scheduler.start();
  await scheduler.idle();
  if (claimedAt.length > 0) throw new Error('catch-up claimed digests before the minute');
  report({ type: 'ready', jobs: cron.size - 1 });

  const fire = async () => {
    clock.set(DUE);
    const cpuAtFire = process.cpuUsage();
    const firedAtWall = Date.now();
    firedAt = performance.now();
    const fired = cron.fire(DUE) - 1;
    const tickMs = since(performance.now());
    let settled: boolean;
    if (queue) {
      // Everything this instance claimed is composed and queued by the time the queue has that many.
      await until(() => queuedAt.length >= claimedAt.length && claimedAt.length > 0, args.settleMs);
      queue.release();
      settled = await idle(scheduler, args.settleMs);
    } else {
      settled = await idle(scheduler, args.settleMs);
    }
    const finishedMs = since(performance.now());
    if (settled) {
      await scheduler.stop();
      await stopAdapter();
    }
    report({
      type: 'done',
      fired,
      firedAtWall,
      tickMs,
      tally,
      settled,
      claimedAt,
      queuedAt,
      queued: (queue?.queued ?? []).map(({ channel, title }) => ({ channel, title })),
      finishedMs,
      states: runStates(args.file),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      cpuMs: ((used) => (used.user + used.system) / 1000)(process.cpuUsage(cpuAtFire)),
    });
    process.exit(0);
  };
  process.on('message', (message: { type: 'fire'; at: number }) => {
    if (message.type === 'fire') setTimeout(() => void fire(), Math.max(0, message.at - Date.now()));
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!condition() && performance.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function idle(scheduler: Scheduler, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([scheduler.idle().then(() => true as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const SCRIPT = fileURLToPath(import.meta.url);
/** How long an instance that reported done is given to exit by itself. */
const DONE_EXIT_MS = 10_000;
/**
 * Where this file is bundled for the child: one directory below the root, as this file's modules are,
 * so paths they work out from their own location (bench/paths.ts) come out the same.
 */
const COMPILED = path.join(repoRoot, '.bench-build', 'digest-instance.mjs');
let compiling: Promise<string> | undefined;

/** This file and what it imports from the project as one script, the packages left to node_modules. */
function compiledScript(): Promise<string> {
  compiling ??= (async () => {
    mkdirSync(path.dirname(COMPILED), { recursive: true });
    // Renamed into place, so a bench in another process never starts a half-written script.
    const partial = `${COMPILED}.${process.pid}.partial`;
    // Loaded here, so the child it compiles never loads it.
    const { build } = await import('esbuild');
    await build({
      entryPoints: [SCRIPT],
      outfile: partial,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    renameSync(partial, COMPILED);
    return COMPILED;
  })();
  return compiling;
}

if (process.argv[1] === SCRIPT && process.argv[2]) {
  child(JSON.parse(process.argv[2]) as InstanceArgs).catch((error: unknown) => {
    report({ type: 'error', message: String((error as Error)?.stack ?? error) });
    process.exit(1);
  });
}

/* -------------------------------- parent side -------------------------------- */

/** A running instance process: its reports so far, a way to fire it, and to end it. */
export class InstanceProcess {
  readonly reports: Report[] = [];
  /** Whether the process ended on its own (not killed by `kill`). */
  exitedByItself = false;
  private readonly listeners = new Set<() => void>();
  private readonly exited: Promise<void>;
  private stderr = '';

  /** Resolves once every line the process wrote has been read. */
  private readonly drained: Promise<void>;

  private constructor(private readonly proc: ChildProcess) {
    const lines = createInterface({ input: proc.stdout! });
    this.drained = new Promise((resolve) => lines.once('close', resolve));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        this.reports.push(JSON.parse(line) as Report);
      } catch {
        return;
      }
      this.notify();
    });
    proc.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4_000);
    });
    this.exited = new Promise((resolve) =>
      proc.once('exit', () => {
        resolve();
        this.notify();
      }),
    );
  }

  /** Starts an instance and waits until it has scheduled every subscription. */
  static async start(args: InstanceArgs, startMs = 60_000): Promise<InstanceProcess> {
    // The runner and vitest load this file as TypeScript; the child gets it compiled.
    const script = SCRIPT.endsWith('.ts') ? await compiledScript() : SCRIPT;
    const child = fork(script, [JSON.stringify(args)], {
      execArgv: [
        ...(args.maxHeapMb ? [`--max-old-space-size=${args.maxHeapMb}`] : []),
        // Node's own flags for the instances alone, e.g. to profile them (bench/README.md).
        ...(process.env.BENCH_INSTANCE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      ],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const instance = new InstanceProcess(child);
    const ready = await instance.next('ready', startMs);
    if (!ready) {
      await instance.kill();
      throw new Error(`digest instance ${args.instanceId} did not start: ${instance.failure()}`);
    }
    if (ready.jobs !== args.expected) {
      await instance.kill();
      throw new Error(`digest instance ${args.instanceId} scheduled ${ready.jobs} of ${args.expected}`);
    }
    return instance;
  }

  /** Tells the instance to fire the minute at wall-clock `at` (Date.now() ms). */
  fireAt(at: number): void {
    this.proc.send({ type: 'fire', at });
  }

  /** The first report of this type, waiting up to `timeoutMs`; undefined if none came (or the process died). */
  async next<T extends Report['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<Report, { type: T }> | undefined> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const found = this.reports.find((r) => r.type === type);
      if (found) return found as Extract<Report, { type: T }>;
      const error = this.reports.find((r) => r.type === 'error');
      if (error) throw new Error(`digest instance failed: ${error.message}`);
      const left = end - performance.now();
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        // It may have exited with its last lines still unread: a report written just before exit counts.
        await this.drained;
        const last = this.reports.find((r) => r.type === type);
        return last as Extract<Report, { type: T }> | undefined;
      }
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.listeners.add(done);
      });
    }
  }

  /** Why the process ended, when it ended badly: its last error report or the tail of its stderr. */
  failure(): string {
    const error = this.reports.find((r) => r.type === 'error');
    if (error?.type === 'error') return error.message;
    const status = this.proc.signalCode ?? this.proc.exitCode;
    return `exit ${status ?? 'pending'}; ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  }

  async kill(): Promise<void> {
    // One that reported done is ending by itself: given a moment, so what Node writes at exit (a
    // profile asked for in BENCH_INSTANCE_FLAGS) is written. One cut off is killed at once.
    if (this.reports.some((report) => report.type === 'done'))
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, DONE_EXIT_MS))]);
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    else this.exitedByItself = true;
    await this.exited;
  }

  private notify(): void {
    for (const wake of [...this.listeners]) wake();
    this.listeners.clear();
  }
}
