// Ingest speed and memory: documents per second per core with analysis, segmentation, summaries, topic
// tags and the FTS5 index all included (bench/fixture.ts does the ingest), and resident memory after it.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SIZES, type Fixture, fixture } from '../fixture.js';
import { growthTables } from '../growth.js';
import type { MemoryReading } from '../memory.js';
import { ingestThroughPipeline, type PipelineRecord } from '../pipeline.js';
import { summarise } from '../stats.js';
import { checkTarget, type TargetCheck } from '../targets.js';
import type { Bench, Cell } from '../types.js';

/** Alternated runs of the bot's path, each thread count once a round. */
const PIPELINE_ROUNDS = 3;

const PROBE = fileURLToPath(new URL('../serve-probe.ts', import.meta.url));

/** A fresh process over the filled store: the bot's memory once ingest is over (see serve-probe.ts). */
function servingMemory(file: string): MemoryReading {
  // execArgv carries tsx's loader, so the child runs TypeScript the way this process does.
  const out = execFileSync(process.execPath, [...process.execArgv, PROBE, file], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as MemoryReading;
}

export const ingestBench: Bench = {
  name: 'ingest',
  description: 'ingest rate (docs/s on one core, summaries and FTS index included) and resident memory',
  async run(ctx) {
    const sizes = ctx.sizes(DEFAULT_SIZES);
    const load = os.loadavg();
    const rows: Record<string, Cell>[] = [];
    const fixtures: Fixture[] = [];
    const serving: MemoryReading[] = [];
    const targets: TargetCheck[] = [];
    for (const size of sizes) {
      const f = await fixture(size, ctx.seed, ctx.log);
      fixtures.push(f);
      const { ingest } = f;
      // Rate per batch of documents: the spread shows warm-up and any slowdown as the index grows.
      const batchRates = summarise(ingest.batchMs.map((ms, i) => ingest.batchDocs[i]! / (ms / 1000)));
      // Per core = per CPU-second of this process: the machine may be shared, and time spent waiting for a
      // core is not the pipeline's cost. The wall rate is shown beside it.
      const rate = ingest.docs / (ingest.cpuMs / 1000);
      serving.push(servingMemory(f.file));
      rows.push({
        docs: ingest.docs,
        items: ingest.items,
        seconds: ingest.wallMs / 1000,
        wallRate: ingest.docs / (ingest.wallMs / 1000),
        cpuSeconds: ingest.cpuMs / 1000,
        rate,
        batchMedian: batchRates.median,
        batchLow: batchRates.min,
        batchHigh: batchRates.max,
        msPerDoc: ingest.cpuMs / ingest.docs,
        rss: ingest.memory.rssMb,
        heap: ingest.memory.heapUsedMb,
        servingRss: serving.at(-1)!.rssMb,
        dbMb: ingest.dbMb,
      });
      targets.push(checkTarget('ingest-rate', rate, { corpusSize: size, detail: `${size} documents` }));
    }
    // The bot's own path, on the smallest size: the main thread alone against INGEST_WORKERS' default,
    // a worker per core but one, the main thread writing and filing stories on that one.
    const pipelineSize = Math.min(...sizes);
    const cores = os.availableParallelism();
    const poolSize = Math.max(1, cores - 1);
    // The host's speed drifts by a third within minutes here, so one run of each is not a comparison:
    // the two are alternated PIPELINE_ROUNDS times, and the speedup is the median of each round's pair.
    const pipeline: PipelineRecord[] = [];
    for (let round = 0; round < PIPELINE_ROUNDS; round++) {
      for (const workers of [0, poolSize]) {
        ctx.log(
          `ingesting ${pipelineSize} documents through SourceIngest, ${workers} worker threads (round ${round + 1})`,
        );
        pipeline.push(await ingestThroughPipeline(pipelineSize, ctx.seed, workers));
      }
    }
    const runsOf = (workers: number) => pipeline.filter((record) => record.workers === workers);
    const oneThread = runsOf(0);
    const pooled = runsOf(poolSize);
    const ratios = summarise(oneThread.map((record, i) => record.wallMs / pooled[i]!.wallMs));
    const speedup = ratios.median;
    const pipelineRows = [oneThread, pooled].map((records) => {
      const wall = summarise(records.map((record) => record.wallMs)).median;
      const cpu = summarise(records.map((record) => record.cpuMs)).median;
      const first = records[0]!;
      return {
        threads: first.workers === 0 ? 'main thread only' : `${first.workers} workers + main`,
        docs: first.docs,
        items: first.items,
        failed: records.reduce((sum, record) => sum + record.failed, 0),
        seconds: wall / 1000,
        wallRate: first.docs / (wall / 1000),
        cpuSeconds: cpu / 1000,
        rate: first.docs / (cpu / 1000),
        speedup: first.workers === 0 ? 1 : speedup,
        rss: Math.max(...records.map((record) => record.rssMb)),
      };
    });
    const pooledRate = pipelineRows[1]!.rate;
    targets.push(
      checkTarget('ingest-rate', pooledRate, {
        corpusSize: pipelineSize,
        detail: `the bot's path with ${poolSize} workers, story clustering included`,
      }),
      checkTarget('ingest-speedup', speedup, {
        corpusSize: pipelineSize,
        detail: `${poolSize} workers and the main thread against the main thread alone, on ${cores} cores`,
      }),
    );
    // memory-rss is the bot-memory bench's: the built bot's own process, not this harness.
    const points = (value: (f: Fixture, i: number) => number) =>
      fixtures.map((f, i) => ({ size: f.size, value: value(f, i) }));
    return {
      corpusSizes: sizes,
      tables: [
        {
          title:
            'Building and storing only (buildItems + replaceDocuments, 25 to a transaction) into a fresh temp-file SqliteStore, on one thread',
          columns: [
            { key: 'docs', label: 'docs' },
            { key: 'items', label: 'items' },
            { key: 'seconds', label: 'wall s', digits: 1 },
            { key: 'wallRate', label: 'docs/s', digits: 1 },
            { key: 'cpuSeconds', label: 'cpu s', digits: 1 },
            { key: 'rate', label: 'docs/s/core', digits: 1 },
            { key: 'batchMedian', label: 'batch median', digits: 1 },
            { key: 'batchLow', label: 'batch min', digits: 1 },
            { key: 'batchHigh', label: 'batch max', digits: 1 },
            { key: 'msPerDoc', label: 'cpu ms/doc', digits: 2 },
            { key: 'rss', label: 'rss MB', digits: 1 },
            { key: 'heap', label: 'heap MB', digits: 1 },
            { key: 'servingRss', label: 'serving rss MB', digits: 1 },
            { key: 'dbMb', label: 'db MB', digits: 1 },
          ],
          rows,
        },
        {
          title: `The bot's ingest path (SourceIngest batches: build, batched write transactions, story clustering), one thread vs a pool: medians of ${PIPELINE_ROUNDS} alternated runs each`,
          columns: [
            { key: 'threads', label: 'threads' },
            { key: 'docs', label: 'docs' },
            { key: 'items', label: 'items' },
            { key: 'failed', label: 'failed' },
            { key: 'seconds', label: 'wall s', digits: 1 },
            { key: 'wallRate', label: 'docs/s', digits: 1 },
            { key: 'cpuSeconds', label: 'cpu s', digits: 1 },
            { key: 'rate', label: 'docs/cpu-s', digits: 1 },
            { key: 'speedup', label: 'x one thread (wall)', digits: 2 },
            { key: 'rss', label: 'rss MB', digits: 1 },
          ],
          rows: pipelineRows,
        },
        ...growthTables('documents', [
          { measure: 'cpu ms per document', points: points((f) => f.ingest.cpuMs / f.ingest.docs) },
          { measure: 'rss after ingest, MB', points: points((f) => f.ingest.memory.rssMb) },
          { measure: 'serving rss, MB', points: points((_, i) => serving[i]!.rssMb) },
          { measure: 'database, MB', points: points((f) => f.ingest.dbMb) },
        ]),
      ],
      targets,
      notes: [
        "the bot's path: a warm-up document per thread first, untimed; docs/cpu-s counts every thread's CPU; " +
          'x one thread = the median over rounds of wall time on the main thread alone over wall time with the pool ' +
          `in the same round (${ratios.min.toFixed(2)}-${ratios.max.toFixed(2)} across rounds); rss: the highest run`,
        'docs/s/core = documents per CPU-second of the process (user + system, all threads, so V8 helper ' +
          'threads count against it); one thread ingests, like BriefingsFolder.sync; docs/s is per wall second',
        `load average ${load[0]!.toFixed(1)} before, ${os.loadavg()[0]!.toFixed(1)} after, on ` +
          `${os.availableParallelism()} cores: above the core count, wall times include waiting for a core`,
        'batch columns: docs/s (wall) over each batch of 100 documents; ingest = buildItems + replaceDocuments ' +
          '(25 documents to a transaction, as SourceIngest writes); story filing, file reading and front-matter ' +
          'parsing left out (the bot-path table has story filing)',
        'rss MB: this process right after ingest, after a gc, with the harness and every store of the run open ' +
          '(the memory target is checked on the built bot by `npm run bench -- bot-memory`); ' +
          'serving rss MB: a fresh bot process over the same store after five rounds of the bench briefs and the follow-up questions (bench/serve-probe.ts)',
      ],
      data: {
        ingest: fixtures.map((f, i) => ({ size: f.size, ...f.ingest, serving: serving[i] })),
        pipeline,
      },
    };
  },
};
