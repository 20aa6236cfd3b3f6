// One round of the polling bench in a process of its own: every due feed polled once against the
// store the bench warmed, so the resident memory read here is the polling process's own, not that of
// the bench process that built the documents before. Reads its settings as JSON in argv[2]; prints one
// JSON line with the totals, per-feed timings and memory.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SourceIngest } from '../../src/core/ingest/source-ingest.js';
import { silentLogger } from '../../src/core/logger.js';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { parseTopicCatalogue } from '../../src/core/topics.js';
import { FeedPoller, type PollReport } from '../../src/sources/feeds/poller.js';
import type { FeedSourceSpec } from '../../src/sources/sources-file.js';

export interface PollRoundSettings {
  database: string;
  topicsPath: string;
  bases: string[];
  count: number;
  /** The clock of this round (ms since the epoch): feeds due by then are polled. */
  now: number;
}

export interface PollRoundResult {
  total: PollReport;
  seconds: number;
  /** Per feed, from its request to its saved state. */
  samples: number[];
  /** After the modules, store and catalogue are loaded, before the first request. */
  rssBeforeMb: number;
  peakRssMb: number;
}

const MB = 1024 * 1024;

export function feedSpecs(bases: readonly string[], count: number): FeedSourceSpec[] {
  return Array.from({ length: count }, (_, n) => {
    const url = `${bases[n % bases.length]}/f/${n}.xml`;
    return { id: `feed:${url}`, url, intervalMs: 15 * 60_000, topics: [], fullText: false };
  });
}

async function main(settings: PollRoundSettings): Promise<PollRoundResult> {
  const store = new SqliteStore(settings.database);
  try {
    const catalogue = parseTopicCatalogue(
      readFileSync(settings.topicsPath, 'utf8'),
      settings.topicsPath,
      100,
    );
    const clock = () => new Date(settings.now);
    const samples: number[] = [];
    const poller = new FeedPoller({
      store,
      ingest: new SourceIngest(store, catalogue, clock),
      feeds: feedSpecs(settings.bases, settings.count),
      logger: silentLogger,
      instanceId: 'bench',
      userAgent: 'briefbot-bench',
      clock,
      reports: {
        async polled(_state, _sources, ms) {
          samples.push(ms);
        },
      },
    });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const total: PollReport = { polled: 0, notModified: 0, failed: 0, added: 0, updated: 0 };
    const started = performance.now();
    // A pass claims at most 500 feeds: passes until no feed is due (bounded).
    for (let pass = 0; pass < 20 && total.polled < settings.count; pass++) {
      const report = await poller.pollDue();
      if (report.polled === 0) break;
      for (const key of Object.keys(total) as (keyof PollReport)[]) total[key] += report[key];
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { total, seconds, samples, rssBeforeMb: rssBefore / MB, peakRssMb: peak / MB };
  } finally {
    await store.close();
  }
}

// Run as a script (the bench imports `feedSpecs` from here too).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await main(JSON.parse(process.argv[2] ?? '{}') as PollRoundSettings);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // The ingest modules may have started a thread; the round is over.
  process.exit(0);
}
