import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { ItemStore, StoryStore } from '../store/store.js';
import { clusterItems } from '../stories/ingest.js';
import type { TopicCatalogue } from '../topics.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits.js';
import { BRIEFING_EXTENSIONS, oversize, type ParseProblem } from './parse.js';
import { IngestPool } from './pool.js';

export interface IngestReport {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  /** Files that could not be read; whatever they held before stays in the store. */
  problems: ParseProblem[];
  items: number;
}

function describeProblem(problem: ParseProblem): string {
  return `${problem.origin}:${problem.line}: ${problem.message}`;
}

/** Where ingest stands, for health checks: `ingesting` until the first pass over the folder is done. */
export interface IngestStatus {
  state: 'ingesting' | 'ready';
  /** Files handled and listed in the pass under way (or the last one). */
  done: number;
  total: number;
  /** The last finished pass, once there is one. */
  last?: IngestReport | undefined;
}

export interface FolderOptions {
  clock?: () => Date;
  /** Builds items off the main thread; without one, on the calling thread. */
  pool?: IngestPool;
  limits?: IngestLimits;
  /** A pass longer than this logs its progress this often (ms). */
  progressEveryMs?: number;
  /** Documents ingested and failed are counted here when given. */
  metrics?: Metrics | undefined;
}

/** Keeps the store in step with the briefings folder: new and edited files in, deleted files out. */
export class BriefingsFolder {
  private watcher: FSWatcher | undefined;
  private readonly metrics: Metrics | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<IngestReport> | undefined;
  private again = false;
  private readonly clock: () => Date;
  private readonly pool: IngestPool;
  private readonly limits: IngestLimits;
  private readonly progressEveryMs: number;
  private progress = { done: 0, total: 0 };
  private last: IngestReport | undefined;

  constructor(
    private readonly dir: string,
    private readonly store: ItemStore & StoryStore,
    private readonly catalogue: TopicCatalogue,
    private readonly logger: Logger,
    options: FolderOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.pool = options.pool ?? new IngestPool(0, logger);
    this.limits = options.limits ?? DEFAULT_INGEST_LIMITS;
    this.progressEveryMs = options.progressEveryMs ?? 10_000;
    this.metrics = options.metrics;
  }

  status(): IngestStatus {
    return { state: this.last ? 'ready' : 'ingesting', ...this.progress, last: this.last };
  }

  /** One pass over the folder; concurrent calls share a pass, and a call during one queues another. */
  sync(): Promise<IngestReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.syncOnce().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.sync();
      }
    });
    return this.running;
  }

  private async syncOnce(): Promise<IngestReport> {
    const report: IngestReport = {
      added: [],
      updated: [],
      removed: [],
      unchanged: 0,
      problems: [],
      items: 0,
    };
    const files = await listBriefingFiles(this.dir);
    const present = new Set(files);
    this.progress = { done: 0, total: files.length };
    const started = Date.now();
    let reported = started;
    for (const origin of files) {
      const outcome = await this.ingestFile(origin);
      this.progress.done++;
      if (outcome === 'gone') continue;
      if (outcome === 'unchanged') report.unchanged++;
      else if ('problem' in outcome) {
        report.problems.push(outcome.problem);
        this.logger.warn(`skipped ${describeProblem(outcome.problem)}`);
      } else {
        report.items += outcome.items;
        (outcome.added ? report.added : report.updated).push(origin);
      }
      if (Date.now() - reported >= this.progressEveryMs) {
        reported = Date.now();
        this.logger.info('ingesting briefings', {
          ...this.progress,
          seconds: Math.round((reported - started) / 1000),
        });
      }
    }
    for (const origin of await this.store.listOrigins()) {
      if (!present.has(origin) && (await this.store.removeDocument(origin))) report.removed.push(origin);
    }
    if (report.added.length + report.updated.length + report.removed.length > 0) {
      this.logger.info('briefings ingested', {
        added: report.added.length,
        updated: report.updated.length,
        removed: report.removed.length,
        items: report.items,
      });
    }
    this.last = report;
    this.metrics?.ingested(report.added.length + report.updated.length, report.problems.length);
    return report;
  }

  /**
   * One file inside its own boundary: unreadable, too big, malformed or failing to build, it is a
   * problem named with its file and line, and the files after it are ingested all the same.
   */
  private async ingestFile(
    origin: string,
  ): Promise<'gone' | 'unchanged' | { problem: ParseProblem } | { added: boolean; items: number }> {
    const path = join(this.dir, origin);
    try {
      const { size } = await stat(path);
      // Checked before reading, so a 20 MB file is never held in memory.
      const tooBig = oversize(origin, size, this.limits);
      if (tooBig) return { problem: tooBig };
      const bytes = await readFile(path);
      const stored = await this.store.documentId(origin);
      const outcome = await this.pool.build({
        origin,
        bytes,
        topics: this.catalogue.topics,
        storedId: stored,
        limits: this.limits,
      });
      if (outcome.kind === 'problem') return { problem: outcome.problem };
      if (outcome.kind === 'unchanged') return 'unchanged';
      const at = this.clock().toISOString();
      await this.store.replaceDocument(outcome.document, outcome.items, at);
      await clusterItems(this.store, outcome.items, at);
      return { added: stored === undefined, items: outcome.items.length };
    } catch (error) {
      // Deleted between listing and reading: the next pass removes it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      return { problem: { origin, line: 1, message: `could not be ingested: ${(error as Error).message}` } };
    }
  }

  /** Syncs again shortly after anything in the folder changes, until `stop`. */
  watch(debounceMs = 250): void {
    if (this.watcher) return;
    this.watcher = watch(this.dir, { recursive: true }, () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.sync().catch((error: unknown) => this.logger.error('ingest failed', { error }));
      }, debounceMs);
    });
    this.watcher.on('error', (error) => this.logger.error('watching the briefings folder failed', { error }));
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    clearTimeout(this.timer);
    await this.running;
  }
}

/** Briefing files below the folder, as forward-slash paths relative to it, in a stable order. */
async function listBriefingFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .filter((entry) => (BRIEFING_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase()))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((origin) => !/(^|\/)readme\.md$/i.test(origin))
    .sort();
}
