// Stores the speed benches share: one SQLite file per corpus size, filled the way the bot fills it (buildItems,
// then replaceDocuments WRITE_BATCH at a time, as SourceIngest writes; stories are filed only by the
// pipeline bench, pipeline.ts, which times the bot's whole path), timed while it is filled. Built once per process and size, so
// `npm run bench` ingests each size once and the ingest, brief and answers benches all read the same store.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot } from '../src/core/bot.js';
import { buildItems } from '../src/core/ingest/items.js';
import { contentHash, type ParsedDocument } from '../src/core/ingest/parse.js';
import { WRITE_BATCH } from '../src/core/ingest/source-ingest.js';
import { silentLogger } from '../src/core/logger.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import type { TopicCatalogue } from '../src/core/topics.js';
import { mergedCatalogue } from './catalogues.js';
import { BENCH_SOURCE, buildCorpus, type CorpusDocument, inBatches, loadArticles } from './corpus.js';
import { type MemoryReading, residentMemory } from './memory.js';

/**
 * Measured on the 2-core bench machine: ingest runs at ~100 documents/s, so 1k + 10k take ~2 minutes and
 * the whole `npm run bench` stays well under 10; 100k alone takes ~17 minutes, so it is opt-in
 * (`--sizes 1k,10k,100k`).
 */
export const DEFAULT_SIZES: readonly number[] = [1_000, 10_000];
/** Documents per timed batch: the batches give the spread (median, p99) of the ingest rate. */
const BATCH = 100;
/** Any fixed instant: digests read it, briefings do not. */
export const INGESTED_AT = '2025-01-01T00:00:00.000Z';

export interface IngestRecord {
  docs: number;
  items: number;
  wallMs: number;
  /** User + system CPU of the whole process over the ingest. */
  cpuMs: number;
  /** Milliseconds per batch of BATCH documents (the last may be shorter: see batchDocs). */
  batchMs: number[];
  batchDocs: number[];
  /** Right after ingest, in the process that ingested. */
  memory: MemoryReading;
  /** Database file plus WAL. */
  dbMb: number;
}

export interface Fixture {
  size: number;
  seed: number;
  file: string;
  store: SqliteStore;
  catalogue: TopicCatalogue;
  bot: Bot;
  ingest: IngestRecord;
}

/** What the folder parser would make of a corpus document (file reading and front matter are left out). */
export function parsedFrom(doc: Pick<CorpusDocument, 'origin' | 'title' | 'source' | 'published' | 'body'>) {
  const parsed: ParsedDocument = {
    id: contentHash(doc.body),
    origin: doc.origin,
    title: doc.title,
    source: doc.source,
    published: doc.published,
    body: doc.body,
    topics: [],
  };
  return parsed;
}

let scratch: string | undefined;
/** A temp folder for this process's stores, removed on exit: generated corpora never land in the repo. */
export function scratchFile(name: string): string {
  if (!scratch) {
    const dir = mkdtempSync(path.join(tmpdir(), 'briefbot-bench-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return path.join(scratch, name);
}

export function fileMb(file: string): number {
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  return (size(file) + size(`${file}-wal`)) / 1024 / 1024;
}

const fixtures = new Map<string, Promise<Fixture>>();

/** The store holding the first `size` documents of the seeded corpus, ingested now or earlier in this run. */
export function fixture(size: number, seed: number, log: (line: string) => void): Promise<Fixture> {
  const key = `${size}/${seed}`;
  let made = fixtures.get(key);
  if (!made) {
    made = build(size, seed, log);
    fixtures.set(key, made);
  }
  return made;
}

async function build(size: number, seed: number, log: (line: string) => void): Promise<Fixture> {
  const catalogue = mergedCatalogue();
  const corpus = buildCorpus(size, seed, loadArticles());
  const file = scratchFile(`store-${size}-${seed}.db`);
  const store = new SqliteStore(file);
  log(`ingesting ${size} documents into ${file}`);
  const batchMs: number[] = [];
  const batchDocs: number[] = [];
  let items = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const batch of inBatches(corpus, BATCH)) {
    const batchStart = performance.now();
    for (const docs of inBatches(batch, WRITE_BATCH)) {
      const built = docs.map((doc) => buildItems(parsedFrom(doc), catalogue, BENCH_SOURCE));
      await store.replaceDocuments(built, INGESTED_AT);
      items += built.reduce((sum, one) => sum + one.items.length, 0);
    }
    batchMs.push(performance.now() - batchStart);
    batchDocs.push(batch.length);
    if (batchMs.length % 50 === 0) log(`  ${batchMs.length * BATCH} documents`);
  }
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const ingest: IngestRecord = {
    docs: size,
    items,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    batchMs,
    batchDocs,
    memory: residentMemory(),
    dbMb: fileMb(file),
  };
  const bot = new Bot({ store, catalogue, logger: silentLogger, clock: () => new Date(INGESTED_AT) });
  return { size, seed, file, store, catalogue, bot, ingest };
}
