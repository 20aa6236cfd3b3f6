import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import { type BuildOutcome, type BuildTask, buildFile } from './build.js';

interface Job {
  task: BuildTask;
  resolve: (outcome: BuildOutcome) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

/**
 * From a build the worker is plain JavaScript. From the TypeScript sources (tsx, vitest) it is a .ts
 * file, and Node 20 does not apply `--import tsx` to a worker's entry point, so a small bootstrap
 * registers tsx's loader in the thread first (the ESM entry of `tsx/esm/api`, beside the CommonJS one
 * that require.resolve finds).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  );
  const entry = new URL('./worker.ts', import.meta.url);
  const bootstrap = `import(${JSON.stringify(api.href)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * Builds items off the main thread, so a long document never holds up slash-command acks or health
 * checks. `size` threads each take one file at a time; size 0 builds on the calling thread (for
 * debugging and for one-shot commands that have nothing else to serve). A thread that dies fails only
 * the file it held, and is replaced.
 */
export class IngestPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(
    readonly size: number,
    private readonly logger: Logger,
  ) {}

  /** Parses and builds one file; never rejects: what goes wrong is a problem naming the file. */
  build(task: BuildTask): Promise<BuildOutcome> {
    if (this.size <= 0) return Promise.resolve(buildFile(task));
    if (this.closed) return Promise.resolve(problem(task, 'ingest is shutting down'));
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    const unfinished = [...this.queue.splice(0), ...slots.flatMap((slot) => slot.job ?? [])];
    for (const job of unfinished) job.resolve(problem(job.task, 'ingest is shutting down'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((candidate) => !candidate.job) ?? this.spawn();
      if (!slot) return;
      const job = this.queue.shift() as Job;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.task);
    }
  }

  private spawn(): Slot | undefined {
    if (this.slots.length >= this.size) return undefined;
    const worker = startWorker();
    const slot: Slot = { worker, job: undefined };
    worker.on('message', (outcome: BuildOutcome) => {
      const job = slot.job;
      slot.job = undefined;
      // An idle thread does not keep the process alive.
      worker.unref();
      job?.resolve(outcome);
      this.dispatch();
    });
    const fail = (reason: string) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        this.logger.error('ingest worker failed', { origin: job.task.origin, reason });
        job.resolve(problem(job.task, `could not be ingested: the ingest worker failed (${reason})`));
      }
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}

function problem(task: BuildTask, message: string): BuildOutcome {
  return { kind: 'problem', problem: { origin: task.origin, line: 1, message } };
}
