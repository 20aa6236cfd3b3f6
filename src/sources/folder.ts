import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { BRIEFING_EXTENSIONS, type ParseProblem, parseBriefing } from '../core/ingest/parse.js';
import type { SourceIngest } from '../core/ingest/source-ingest.js';
import type { Logger } from '../core/logger.js';
import type { Source } from '../core/model.js';
import type { ItemStore } from '../core/store/store.js';

export interface IngestReport {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  /** Files that could not be read; whatever they held before stays in the store. */
  problems: ParseProblem[];
  items: number;
}

export interface FolderWatchOptions {
  /** Quiet time after the last change before a pass, so a burst of writes is one pass. */
  debounceMs?: number;
  /**
   * A full pass this often whatever the watcher says: the safety net for whatever file events a
   * platform loses (renames over a watched file, network file systems).
   */
  rescanMs?: number;
  /** False: passes every `rescanMs` only, for mounts that send no file events (some network shares). */
  fileEvents?: boolean;
}

const DEFAULT_RESCAN_MS = 60_000;

function describeProblem(problem: ParseProblem): string {
  return `${problem.origin}:${problem.line}: ${problem.message}`;
}

/** The folder source's id: its absolute path, so instances with different folders never share one. */
export function folderSource(dir: string): Source {
  const path = resolve(dir);
  return { id: `folder:${path}`, kind: 'folder', name: path.split(sep).pop() ?? path };
}

/**
 * Keeps the store in step with the briefings folder: new and edited files in, deleted files out, and
 * only this folder's documents touched. Watched with chokidar (which re-arms after atomic saves and
 * renames) plus a periodic full pass.
 */
export class BriefingsFolder {
  readonly source: Source;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rescan: NodeJS.Timeout | undefined;
  private running: Promise<IngestReport> | undefined;
  private again = false;
  private adopted = false;

  constructor(
    private readonly dir: string,
    private readonly store: ItemStore,
    private readonly ingest: SourceIngest,
    private readonly logger: Logger,
  ) {
    this.source = folderSource(dir);
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
        this.sync().catch((error: unknown) => this.logger.error('ingest failed', { error }));
      }
    });
    return this.running;
  }

  private async syncOnce(): Promise<IngestReport> {
    const sourceId = this.source.id;
    if (!this.adopted) {
      // Documents stored before they belonged to sources were this folder's: keep their times.
      const moved = await this.store.adoptLegacyDocuments(sourceId);
      if (moved > 0) this.logger.info('briefings from before sources adopted', { documents: moved });
      this.adopted = true;
    }
    const report: IngestReport = {
      added: [],
      updated: [],
      removed: [],
      unchanged: 0,
      problems: [],
      items: 0,
    };
    const files = await listBriefingFiles(this.dir);
    const known = await this.ingest.known(sourceId);
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
      const { outcome, items } = await this.ingest.put(sourceId, parsed.document, known.get(origin));
      if (outcome === 'unchanged') report.unchanged++;
      else report[outcome].push(origin);
      report.items += items;
    }
    const present = new Set(files);
    for (const origin of known.keys()) {
      if (!present.has(origin) && (await this.ingest.remove(sourceId, origin))) report.removed.push(origin);
    }
    if (report.added.length + report.updated.length + report.removed.length > 0) {
      this.logger.info('briefings ingested', {
        added: report.added.length,
        updated: report.updated.length,
        removed: report.removed.length,
        items: report.items,
      });
    }
    return report;
  }

  /** Syncs again shortly after anything in the folder changes, and every `rescanMs`, until `stop`. */
  watch(options: FolderWatchOptions = {}): Promise<void> {
    if (this.watcher || this.rescan) return Promise.resolve();
    const debounceMs = options.debounceMs ?? 250;
    const later = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.sync().catch((error: unknown) => this.logger.error('ingest failed', { error }));
      }, debounceMs);
    };
    this.rescan = setInterval(later, options.rescanMs ?? DEFAULT_RESCAN_MS);
    this.rescan.unref();
    if (options.fileEvents === false) return Promise.resolve();
    const watcher = watch(this.dir, {
      ignoreInitial: true,
      // Editors' swap and backup files come and go; the file they stand for is what counts.
      ignored: (path: string) => /(^|[/\\])\.[^/\\]+$|~$|\.sw[a-p]$/.test(path),
    });
    this.watcher = watcher;
    watcher.on('all', later);
    watcher.on('error', (error) => this.logger.error('watching the briefings folder failed', { error }));
    return new Promise((ready) => watcher.once('ready', () => ready()));
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
    clearTimeout(this.timer);
    clearInterval(this.rescan);
    this.rescan = undefined;
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
