import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../core/worker-thread.js';
import type { ExtractAnswer, ExtractTask } from './worker.js';

/** How long one page may take before its thread is replaced: Readability can spin on some pages. */
export const DEFAULT_EXTRACT_TIMEOUT_MS = 5_000;

export type Extraction = { ok: true; text: string } | { ok: false; reason: string };

interface Job {
  task: ExtractTask;
  done: (outcome: Extraction) => void;
}

/**
 * Runs Readability in one worker thread, a page at a time, each within a time limit: a page that
 * takes longer has its thread terminated and a fresh one started for the next, so no page can hold
 * up polling or the bot's event loop.
 */
export class ArticleExtractor {
  private worker: Worker | undefined;
  /** The thread has loaded Readability and linkedom: a page's time limit starts only then. */
  private ready = false;
  private current: { job: Job; timer: NodeJS.Timeout } | undefined;
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(private readonly timeoutMs = DEFAULT_EXTRACT_TIMEOUT_MS) {}

  extract(html: string): Promise<Extraction> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'the extractor is closed' });
    return new Promise((done) => {
      this.queue.push({ task: { id: this.nextId++, html }, done });
      this.next();
    });
  }

  private next(): void {
    if (this.current || this.closed || this.queue.length === 0) return;
    const worker = this.thread();
    if (!this.ready) return;
    const job = this.queue.shift();
    if (!job) return;
    const timer = setTimeout(() => {
      this.finish({ ok: false, reason: `extraction took longer than ${this.timeoutMs / 1000} s` });
      this.replace(worker);
    }, this.timeoutMs);
    this.current = { job, timer };
    worker.postMessage(job.task);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(new URL('./worker.js', import.meta.url));
    worker.on('message', (answer: ExtractAnswer | { ready: true }) => {
      if (this.worker !== worker) return;
      if ('ready' in answer) {
        this.ready = true;
        this.next();
        return;
      }
      if (answer.id !== this.current?.job.task.id) return;
      this.finish(
        answer.text !== undefined
          ? { ok: true, text: answer.text }
          : { ok: false, reason: answer.error ?? 'no article found on the page' },
      );
    });
    const died = (reason: string) => {
      if (this.worker !== worker) return;
      this.replace(worker);
      // A thread that dies on a page fails that page; one that cannot even start fails them all.
      if (this.current) this.finish({ ok: false, reason });
      else for (const job of this.queue.splice(0)) job.done({ ok: false, reason });
    };
    worker.on('error', (error) => died(`extraction failed: ${error.message}`));
    worker.on('exit', (code) => died(`the extraction thread stopped (exit code ${code})`));
    worker.unref();
    this.worker = worker;
    this.ready = false;
    return worker;
  }

  private finish(outcome: Extraction): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = undefined;
    current.job.done(outcome);
    queueMicrotask(() => this.next());
  }

  private replace(worker: Worker): void {
    if (this.worker === worker) {
      this.worker = undefined;
      this.ready = false;
    }
    void worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.done({ ok: false, reason: 'the extractor is closed' });
    this.finish({ ok: false, reason: 'the extractor is closed' });
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
