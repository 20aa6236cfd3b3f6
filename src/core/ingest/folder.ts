import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { Logger } from '../logger.js';
import { type Metrics, noMetrics } from '../metrics.js';
import type { ItemStore } from '../store/store.js';
import type { TopicCatalogue } from '../topics.js';
import { buildItems, documentFingerprint } from './items.js';
import { BRIEFING_EXTENSIONS, type ParseProblem, parseBriefing } from './parse.js';

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

/** Keeps the store in step with the briefings folder: new and edited files in, deleted files out. */
export class BriefingsFolder {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<IngestReport> | undefined;
  private again = false;

  constructor(
    private readonly dir: string,
    private readonly store: ItemStore,
    private readonly catalogue: TopicCatalogue,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
    private readonly metrics: Metrics = noMetrics,
  ) {}

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
    for (const origin of files) {
      let bytes: Buffer;
      try {
        bytes = await readFile(join(this.dir, origin));
      } catch (error) {
        // Deleted between listing and reading: the next pass removes it.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const parsed = parseBriefing(origin, bytes);
      if (!parsed.ok) {
        report.problems.push(parsed.problem);
        this.logger.warn(`skipped ${describeProblem(parsed.problem)}`);
        continue;
      }
      const stored = await this.store.documentId(origin);
      if (stored === documentFingerprint(parsed.document, this.catalogue)) {
        report.unchanged++;
        continue;
      }
      const { document, items } = buildItems(parsed.document, this.catalogue);
      await this.store.replaceDocument(document, items, this.clock().toISOString());
      report.items += items.length;
      (stored === undefined ? report.added : report.updated).push(origin);
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
    this.metrics.ingested(report.added.length + report.updated.length, report.problems.length);
    return report;
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
