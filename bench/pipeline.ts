// The bot's own ingest path, timed: documents handed to SourceIngest's batch (as BriefingsFolder does),
// built by an IngestPool of `workers` threads (0: on this thread), written in batched transactions and
// filed into stories, into a fresh temp-file SqliteStore. The fixture (fixture.ts) times building and
// storing alone, one document at a time; this is what a folder start-up costs.
import { IngestPool } from '../src/core/ingest/pool.js';
import { SourceIngest } from '../src/core/ingest/source-ingest.js';
import { silentLogger } from '../src/core/logger.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { mergedCatalogue } from './catalogues.js';
import { BENCH_SOURCE, buildCorpus, loadArticles } from './corpus.js';
import { INGESTED_AT, parsedFrom, scratchFile } from './fixture.js';
import { residentMemory } from './memory.js';

export interface PipelineRecord {
  workers: number;
  docs: number;
  items: number;
  failed: number;
  wallMs: number;
  /** User + system CPU of the whole process, every thread included. */
  cpuMs: number;
  /** This process after the ingest, idle threads still up. */
  rssMb: number;
}

/** Runs so far in this process: each fills a store of its own. */
let runs = 0;

export async function ingestThroughPipeline(
  size: number,
  seed: number,
  workers: number,
  /** Runs on the filled store once the pool's threads have ended, before the store is closed. */
  then?: (store: SqliteStore, file: string) => Promise<void>,
): Promise<PipelineRecord> {
  const catalogue = mergedCatalogue();
  const corpus = buildCorpus(size, seed, loadArticles());
  const file = scratchFile(`pipeline-${size}-${seed}-${workers}-${++runs}.db`);
  const store = new SqliteStore(file);
  const pool = new IngestPool(workers, silentLogger);
  // Each thread starts before the clock does: its start-up is paid once per process, not per document.
  const warm = [...buildCorpus(Math.max(workers, 1), seed + 1, loadArticles())];
  await Promise.all(warm.map((doc) => pool.build(parsedFrom(doc), catalogue, 'bench:warm-up')));
  const ingest = new SourceIngest(store, catalogue, () => new Date(INGESTED_AT), pool.build);
  const batch = ingest.batch(BENCH_SOURCE);
  let items = 0;
  let failed = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const doc of corpus)
    await batch.put(parsedFrom(doc), undefined, (result) => {
      if (result.ok) items += result.items;
      else failed++;
    });
  await batch.flush();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const rssMb = residentMemory().rssMb;
  await pool.close();
  await then?.(store, file);
  await store.close();
  return { workers, docs: size, items, failed, wallMs, cpuMs: (used.user + used.system) / 1000, rssMb };
}
