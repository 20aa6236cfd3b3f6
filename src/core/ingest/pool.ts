import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { TopicCatalogue } from '../topics.js';
import { startWorker } from '../worker-thread.js';
import { type BuildOutcome, type BuildTask, buildTask } from './build.js';
import { DEFAULT_INGEST_LIMITS, IngestLimitError } from './limits.js';
import type { ParsedDocument } from './parse.js';
import type { BuiltDocument } from './source-ingest.js';

interface Job {
  task: BuildTask;
  resolve: (outcome: BuildOutcome) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  /** Set while the thread waits for work: it ends when this fires. */
  idle?: NodeJS.Timeout | undefined;
}

/**
 * An idle thread ends after this long: each holds its own language model (about 60 MB), which a bot
 * that has finished ingesting should not keep; the next document starts a thread again.
 */
const IDLE_MS = 30_000;

function startBuildWorker(): Worker {
  return startWorker(new URL('./worker.js', import.meta.url));
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
    /** INGEST_MAX_SENTENCES: a longer document is refused with an IngestLimitError. */
    private readonly maxSentences = DEFAULT_INGEST_LIMITS.maxSentences,
    private readonly idleMs = IDLE_MS,
  ) {}

  /** Threads running now, busy or idle. */
  get threads(): number {
    return this.slots.length;
  }

  /**
   * Builds one source's parsed document (an ItemBuilder, as SourceIngest takes). Rejects with what
   * went wrong with that document alone; the pool goes on with the next.
   */
  readonly build = async (
    parsed: ParsedDocument,
    catalogue: TopicCatalogue,
    sourceId: string,
  ): Promise<BuiltDocument> => {
    const task: BuildTask = {
      parsed,
      topics: catalogue.topics,
      catalogue: catalogue.fingerprint,
      sourceId,
      maxSentences: this.maxSentences,
    };
    const outcome = await this.run(task);
    if (outcome.kind === 'built') return { document: outcome.document, items: outcome.items };
    throw outcome.limit ? new IngestLimitError(outcome.message) : new Error(outcome.message);
  };

  private run(task: BuildTask): Promise<BuildOutcome> {
    if (this.size <= 0) return Promise.resolve(buildTask(task));
    if (this.closed) return Promise.resolve(failed('ingest is shutting down'));
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) clearTimeout(slot.idle);
    const unfinished = [...this.queue.splice(0), ...slots.flatMap((slot) => slot.job ?? [])];
    for (const job of unfinished) job.resolve(failed('ingest is shutting down'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((candidate) => !candidate.job) ?? this.spawn();
      if (!slot) return;
      const job = this.queue.shift() as Job;
      clearTimeout(slot.idle);
      slot.idle = undefined;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.task);
    }
  }

  /** Ends a thread that has had nothing to do for idleMs. */
  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0 || slot.job) return;
    this.slots.splice(index, 1);
    void slot.worker.terminate();
  }

  private spawn(): Slot | undefined {
    if (this.slots.length >= this.size) return undefined;
    const worker = startBuildWorker();
    const slot: Slot = { worker, job: undefined };
    worker.on('message', (outcome: BuildOutcome) => {
      const job = slot.job;
      slot.job = undefined;
      // An idle thread does not keep the process alive.
      worker.unref();
      job?.resolve(outcome);
      this.dispatch();
      if (!slot.job) slot.idle = setTimeout(() => this.retire(slot), this.idleMs).unref();
    });
    const fail = (reason: string) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      clearTimeout(slot.idle);
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        this.logger.error('ingest worker failed', { origin: job.task.parsed.origin, reason });
        job.resolve(failed(`the ingest worker failed (${reason})`));
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

function failed(message: string): BuildOutcome {
  return { kind: 'failed', message, limit: false };
}
