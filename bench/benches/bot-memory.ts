// The bot's own memory: the built bot (`node dist/cli/briefbot.js`, its defaults, INGEST_WORKERS
// included) over a store already holding `size` documents of the bench corpus (filled through the bot's
// ingest path, stories filed), with a briefings folder of new documents to ingest as it starts. Its
// resident memory (/proc, every thread of the process) is sampled throughout: the peak is the ingesting
// process with its worker thread; after the folder is in and the worker has ended on its idle timer,
// briefs and follow-ups are asked at its console and it is read again.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../tests/support/process.js';
import { BBC_TOPICS, repoCatalogue } from '../catalogues.js';
import { buildCorpus } from '../corpus.js';
import { fileMb } from '../fixture.js';
import { repoRoot } from '../paths.js';
import { ingestThroughPipeline } from '../pipeline.js';
import { BRIEF_QUERIES, FOLLOW_UPS, QUERY_KINDS } from '../queries.js';
import { checkTarget } from '../targets.js';
import type { Bench, Cell } from '../types.js';
import { checkBuild, cpuMs, ENTRY, untilReady } from './startup.js';

/** New documents in the folder the bot ingests as it starts, on top of the filled store. */
const FOLDER_DOCS = 1000;
const READY_TIMEOUT_MS = 600_000;
const READY_POLL_MS = 200;
/** Past the pool's idle timer (30 s): its thread and language model are gone by then. */
const WORKER_IDLE_MS = 35_000;
const SAMPLE_MS = 100;
/** Replies are done when the console has printed nothing for this long. */
const QUIET_MS = 1500;

/** Resident memory of a process in MB, every thread included, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** The main thread's V8 heap, used and total, in MB, from the bot's own /metrics (prom-client). */
async function heapMb(port: number): Promise<{ heapUsed: number; heapTotal: number }> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text());
  const read = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0) / (1024 * 1024);
  return { heapUsed: read('nodejs_heap_size_used_bytes'), heapTotal: read('nodejs_heap_size_total_bytes') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A folder of briefings the bot ingests on start: bench documents as Markdown with front matter. */
function writeFolder(dir: string, docs: number, seed: number): void {
  writeFileSync(
    path.join(dir, 'topics.yaml'),
    stringify({ topics: [...repoCatalogue().topics, ...BBC_TOPICS] }),
  );
  for (const [index, doc] of [...buildCorpus(docs, seed)].entries()) {
    const front = { title: doc.title, date: doc.published, source: doc.source };
    writeFileSync(path.join(dir, `doc-${index}.md`), `---\n${stringify(front)}---\n${doc.body}\n`);
  }
}

/** Writes console lines one after another and waits until the bot has answered them all. */
async function ask(child: ChildProcess, lines: readonly string[], printed: () => number): Promise<void> {
  for (const line of lines) child.stdin?.write(`${line}\n`);
  let last = printed();
  for (;;) {
    await sleep(QUIET_MS);
    if (printed() === last) return;
    last = printed();
  }
}

export const botMemoryBench: Bench = {
  name: 'bot-memory',
  description: "the built bot's resident memory over a filled store while it ingests a folder, then serving",
  async run(ctx) {
    checkBuild();
    const [size = 50_000] = ctx.sizes([50_000]);
    const workers = Math.max(1, availableParallelism() - 1);
    ctx.log(`bot memory: filling a store with ${size} documents through the bot's ingest path`);
    let file = '';
    const fill = await ingestThroughPipeline(size, ctx.seed, workers, async (_, filled) => {
      file = filled;
    });
    const folder = mkdtempSync(path.join(tmpdir(), 'briefbot-memory-'));
    writeFolder(folder, FOLDER_DOCS, ctx.seed + 1);
    const port = await freePort();
    const child = spawn(process.execPath, [ENTRY], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HEALTH_PORT: String(port),
        DATABASE_PATH: file,
        BRIEFINGS_DIR: folder,
        LOG_LEVEL: 'warn',
        // The allocator's and V8's settings an operator would tune memory with, so they can be measured.
        ...Object.fromEntries(
          Object.entries(process.env).filter(
            ([name]) => name.startsWith('MALLOC_') || name === 'NODE_OPTIONS',
          ),
        ),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let printed = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.length;
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const pid = child.pid ?? 0;
    let peak = 0;
    const sampler = setInterval(() => {
      if (child.exitCode === null) peak = Math.max(peak, rssMb(pid));
    }, SAMPLE_MS);
    try {
      const started = performance.now();
      await untilReady(child, port, READY_TIMEOUT_MS, READY_POLL_MS);
      const readyMs = performance.now() - started;
      const readyCpuMs = cpuMs(pid);
      const atReady = { mb: rssMb(pid), ...(await heapMb(port)) };
      const briefs = Array.from({ length: 5 }, () =>
        QUERY_KINDS.flatMap((kind) => BRIEF_QUERIES[kind].map((text) => `/brief ${text}`)),
      ).flat();
      const followUps = FOLLOW_UPS.flatMap(({ topic, question }) => [`/brief ${topic}`, question]);
      await ask(child, [...briefs, ...followUps], () => printed);
      const servingWithWorker = { mb: rssMb(pid), ...(await heapMb(port)) };
      await sleep(WORKER_IDLE_MS);
      await ask(child, [...briefs, ...followUps], () => printed);
      const serving = { mb: rssMb(pid), ...(await heapMb(port)) };
      const totalCpuMs = cpuMs(pid);
      clearInterval(sampler);
      const rows: Record<string, Cell>[] = [
        { measure: 'peak, from start through ingest and serving', mb: peak },
        { measure: `at ready (the folder's ${FOLDER_DOCS} documents in)`, ...atReady },
        { measure: 'after briefs and follow-ups, worker thread still up', ...servingWithWorker },
        { measure: 'after briefs and follow-ups, worker ended (idle timer)', ...serving },
      ];
      const items = fill.items;
      return {
        corpusSizes: [size],
        tables: [
          {
            title: `Resident memory of the built bot over ${size} documents (${items} items, ${fileMb(file).toFixed(0)} MB store), ingesting ${FOLDER_DOCS} more from its folder with ${workers} worker thread(s)`,
            columns: [
              { key: 'measure', label: 'measure' },
              { key: 'mb', label: 'rss MB', digits: 1 },
              { key: 'heapUsed', label: 'main heap used MB', digits: 1 },
              { key: 'heapTotal', label: 'main heap total MB', digits: 1 },
            ],
            rows,
          },
        ],
        targets: [
          checkTarget('memory-rss', peak, {
            corpusSize: items,
            detail: `the bot's peak while ingesting and serving ${items} items, worker thread included`,
            note: 'corpus size here counts items, as the target does',
          }),
        ],
        notes: [
          `ready after ${(readyMs / 1000).toFixed(1)} s and ${((readyCpuMs ?? 0) / 1000).toFixed(1)} CPU-s; ${((totalCpuMs ?? 0) / 1000).toFixed(1)} CPU-s by the end; rss from /proc/<pid>/status VmRSS every ${SAMPLE_MS} ms, every thread of the process`,
          `the store was filled in this process first (${(fill.wallMs / 1000).toFixed(0)} s); the bot is a separate process and reads it as it would after a restart`,
          `${briefs.length} briefs and ${FOLLOW_UPS.length} follow-ups at the console each time, answered in turn`,
        ],
        data: { fill, peak, atReady, servingWithWorker, serving, readyMs, readyCpuMs, totalCpuMs },
      };
    } finally {
      clearInterval(sampler);
      child.stdin?.end('/quit\n');
      await exited;
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
