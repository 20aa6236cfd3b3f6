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
  /** Handed to the thread and not yet answered, in the order it builds them: the first is under way. */
  jobs: Job[];
  /** Set while the thread waits for work: it ends when this fires. */
  idle?: NodeJS.Timeout | undefined;
}

/**
 * An idle thread ends after this long: each holds its own language model (about 60 MB), which a bot
 * that has finished ingesting should not keep; the next document starts a thread again.
 */
const IDLE_MS = 30_000;

/**
 * Documents handed to one thread ahead of its answers. The main thread stores and files a batch in one
 * stretch that yields to no message; a thread given one document at a time sat idle through it (two
 * threads were slower than one), while one holding a batch's worth builds on.
 */
const AHEAD = 32;

function startBuildWorker(): Worker {
  return startWorker(new URL('./worker.js', import.meta.url));
}

/**
 * Builds items off the main thread, so a long document never holds up slash-command acks or health
 * checks. `size` threads each build their documents in turn, up to AHEAD handed over at once; size 0
 * builds on the calling thread (for debugging and for one-shot commands that have nothing else to
 * serve). A thread that dies fails only the file it was building; the rest go to its replacement.
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
    if (outcome.kind === 'built')
      return { document: outcome.document, items: outcome.items, signatures: outcome.signatures };
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
    const unfinished = [...this.queue.splice(0), ...slots.flatMap((slot) => slot.jobs)];
    for (const job of unfinished) job.resolve(failed('ingest is shutting down'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slotFor();
      if (!slot) return;
      const job = this.queue.shift() as Job;
      clearTimeout(slot.idle);
      slot.idle = undefined;
      slot.jobs.push(job);
      slot.worker.ref();
      slot.worker.postMessage(job.task);
    }
  }

  /** An idle thread, else a new one while there is room, else the least loaded with room ahead. */
  private slotFor(): Slot | undefined {
    const idle = this.slots.find((slot) => slot.jobs.length === 0);
    if (idle) return idle;
    const spawned = this.spawn();
    if (spawned) return spawned;
    const least = this.slots.reduce<Slot | undefined>(
      (best, slot) => (!best || slot.jobs.length < best.jobs.length ? slot : best),
      undefined,
    );
    return least && least.jobs.length < AHEAD ? least : undefined;
  }

  /** Ends a thread that has had nothing to do for idleMs. */
  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0 || slot.jobs.length > 0) return;
    this.slots.splice(index, 1);
    void slot.worker.terminate();
  }

  private spawn(): Slot | undefined {
    if (this.slots.length >= this.size) return undefined;
    const worker = startBuildWorker();
    const slot: Slot = { worker, jobs: [] };
    worker.on('message', (outcome: BuildOutcome) => {
      slot.jobs.shift()?.resolve(outcome);
      this.dispatch();
      if (slot.jobs.length > 0) return;
      // An idle thread does not keep the process alive.
      worker.unref();
      slot.idle = setTimeout(() => this.retire(slot), this.idleMs).unref();
    });
    const fail = (reason: string) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      clearTimeout(slot.idle);
      const [building, ...waiting] = slot.jobs.splice(0);
      if (building) {
        this.logger.error('ingest worker failed', { origin: building.task.parsed.origin, reason });
        building.resolve(failed(`the ingest worker failed (${reason})`));
      }
      if (this.closed) return;
      this.queue.unshift(...waiting);
      this.dispatch();
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
