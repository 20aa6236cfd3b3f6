import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { DEFAULT_INGEST_LIMITS, IngestLimitError, type IngestLimits } from '../core/ingest/limits.js';
import { BRIEFING_EXTENSIONS, oversize, type ParseProblem, parseBriefing } from '../core/ingest/parse.js';
import type { IngestBatch, SourceIngest } from '../core/ingest/source-ingest.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type { Source } from '../core/model.js';
import type { SourceStatus } from '../core/sources/status.js';
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
  limits?: IngestLimits;
  /** A pass longer than this logs its progress this often (ms). */
  progressEveryMs?: number;
  /** Documents ingested and failed are counted here when given. */
  metrics?: Metrics | undefined;
  /** When passes finish, for `/sources`. */
  clock?: () => Date;
  /** Runs before every pass: re-reads topics.yaml and sources.yaml, whose edits also start a pass. */
  beforePass?: () => Promise<void>;
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

/** What one pass did with one file. */
type FileOutcome =
  | 'gone'
  | 'unchanged'
  | { problem: ParseProblem }
  | { origin: string; outcome: 'added' | 'updated'; items: number };

/** A file that could not be built or stored, named with its first line. */
function buildProblem(origin: string, error: unknown): ParseProblem {
  const message = (error as Error).message;
  return {
    origin,
    line: 1,
    message: error instanceof IngestLimitError ? message : `could not be ingested: ${message}`,
  };
}

function describeProblem(problem: ParseProblem): string {
  return `${problem.origin}:${problem.line}: ${problem.message}`;
}

/** The folder source's id: its absolute path, so instances with different folders never share one. */
export function folderSource(dir: string): Source {
  const path = resolve(dir);
  return { id: `folder:${path}`, kind: 'folder', name: path.split(sep).pop() ?? path, topics: [] };
}

/**
 * Keeps the store in step with the briefings folder: new and edited files in, deleted files out, and
 * only this folder's documents touched. Watched with chokidar (which re-arms after atomic saves and
 * renames) plus a periodic full pass.
 */
export class BriefingsFolder {
  readonly source: Source;
  private watcher: FSWatcher | undefined;
  private readonly metrics: Metrics | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rescan: NodeJS.Timeout | undefined;
  private running: Promise<IngestReport> | undefined;
  private again = false;
  private adopted = false;
  private readonly limits: IngestLimits;
  private readonly progressEveryMs: number;
  private progress = { done: 0, total: 0 };
  private last: IngestReport | undefined;
  private lastAt: string | undefined;
  private readonly clock: () => Date;
  private readonly beforePass: (() => Promise<void>) | undefined;

  constructor(
    private readonly dir: string,
    private readonly store: ItemStore,
    private readonly ingest: SourceIngest,
    private readonly logger: Logger,
    options: FolderOptions = {},
  ) {
    this.source = folderSource(dir);
    this.limits = options.limits ?? DEFAULT_INGEST_LIMITS;
    this.progressEveryMs = options.progressEveryMs ?? 10_000;
    this.metrics = options.metrics;
    this.clock = options.clock ?? (() => new Date());
    this.beforePass = options.beforePass;
  }

  /** How the folder is doing, for `/sources`: the last pass, and the files it could not read. */
  sourceStatus(): SourceStatus {
    const problems = this.last?.problems ?? [];
    const first = problems[0];
    return {
      source: this.source,
      failures: 0,
      lastSuccess: this.lastAt,
      ...(first
        ? {
            lastError: `${problems.length} ${problems.length === 1 ? 'file' : 'files'} skipped, e.g. ${describeProblem(first)}`,
            lastErrorAt: this.lastAt,
          }
        : {}),
    };
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
        this.sync().catch((error: unknown) => this.logger.error('ingest failed', { error }));
      }
    });
    return this.running;
  }

  private async syncOnce(): Promise<IngestReport> {
    const sourceId = this.source.id;
    await this.beforePass?.();
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
    this.progress = { done: 0, total: files.length };
    const started = Date.now();
    let reported = started;
    const batch = this.ingest.batch(sourceId);
    const record = (outcome: FileOutcome) => {
      this.progress.done++;
      if (outcome === 'gone') return;
      if (outcome === 'unchanged') report.unchanged++;
      else if ('problem' in outcome) {
        report.problems.push(outcome.problem);
        this.logger.warn(`skipped ${describeProblem(outcome.problem)}`);
      } else {
        report.items += outcome.items;
        report[outcome.outcome].push(outcome.origin);
      }
      if (Date.now() - reported >= this.progressEveryMs) {
        reported = Date.now();
        this.logger.info('ingesting briefings', {
          ...this.progress,
          seconds: Math.round((reported - started) / 1000),
        });
      }
    };
    for (const origin of files) await this.ingestFile(batch, origin, known.get(origin), record);
    await batch.flush();
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
    this.last = report;
    this.lastAt = this.clock().toISOString();
    this.metrics?.ingested(report.added.length + report.updated.length, report.problems.length);
    return report;
  }

  /**
   * One file inside its own boundary: unreadable, too big, malformed or failing to build, it is a
   * problem named with its file and line, and the files after it are ingested all the same. Resolves
   * once the batch can take the next file; `record` hears the outcome when it is known.
   */
  private async ingestFile(
    batch: IngestBatch,
    origin: string,
    stored: string | undefined,
    record: (outcome: FileOutcome) => void,
  ): Promise<void> {
    const path = join(this.dir, origin);
    try {
      const { size } = await stat(path);
      // Checked before reading, so a 20 MB file is never held in memory.
      const tooBig = oversize(origin, size, this.limits);
      if (tooBig) return record({ problem: tooBig });
      const parsed = parseBriefing(origin, await readFile(path), this.limits);
      if (!parsed.ok) return record({ problem: parsed.problem });
      const { document } = parsed;
      await batch.put(document, stored, (result) => {
        if (!result.ok) return record({ problem: buildProblem(origin, result.error) });
        if (result.outcome === 'unchanged') return record('unchanged');
        // Said when the file is read anew (new, edited, or the catalogue changed), not on every pass.
        const unknown = this.ingest.unknownTopics(document.topics);
        if (unknown.length > 0)
          this.logger.warn(
            `${origin}:${document.topicsLine ?? 1}: ${unknown.map((slug) => `topic "${slug}"`).join(', ')} not in topics.yaml: add ${unknown.length === 1 ? 'it' : 'them'} there, or correct the name (the document is tagged by its text meanwhile)`,
          );
        record({ origin, outcome: result.outcome, items: result.items });
      });
    } catch (error) {
      // Deleted between listing and reading: the next pass removes it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return record('gone');
      record({ problem: buildProblem(origin, error) });
    }
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
    const watcher = watch(this.dir, { ignoreInitial: true, ignored: editorScratch });
    this.watcher = watcher;
    watcher.on('all', later);
    // chokidar passes on one 'change' per file per 50 ms and drops the rest, so a save that soon
    // after another (a script's second write, `sed -i` after a save) would wait for the rescan; the
    // raw file events under it are never dropped.
    watcher.on('raw', (_event: string, path: string | undefined) => {
      if (!path || !editorScratch(path)) later();
    });
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

/** Editors' swap and backup files come and go; the file they stand for is what counts. */
function editorScratch(path: string): boolean {
  return /(^|[/\\])\.[^/\\]+$|~$|\.sw[a-p]$/.test(path);
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
