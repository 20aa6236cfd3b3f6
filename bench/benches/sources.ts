// Live sources (issue 11): how many of the shared feed files parse (the broken ones with the parser's
// reason), how well article text is extracted from the shared news pages, and how fast 2,000 feeds on a
// loopback host are polled on one core. Each figure stands beside a plain baseline from the same run:
// counting <item>/<entry> tags, taking the whole page's text, polling without conditional GET.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { extractArticle } from '../../src/sources/articles/extract.js';
import { parseFeedBytes } from '../../src/sources/feeds/parse.js';
import { htmlToText } from '../../src/sources/html-text.js';
import { repoRoot } from '../paths.js';
import { articlePages, sharedFeeds } from '../sources/feeds.js';
import { feedSpecs, type PollRoundResult, type PollRoundSettings } from '../sources/poll-round.js';
import { percentile } from '../stats.js';
import { checkTarget } from '../targets.js';
import type { Bench, BenchContext, Cell, Table } from '../types.js';

/** The plain baseline of parsing: count item and entry tags (or a JSON items array), no parser. */
function countTags(bytes: Buffer): number {
  const text = bytes.toString('latin1');
  if (text.trimStart().startsWith('{')) {
    try {
      const items = (JSON.parse(bytes.toString('utf8')) as { items?: unknown }).items;
      return Array.isArray(items) ? items.length : 0;
    } catch {
      return 0;
    }
  }
  return (text.match(/<(?:item|entry)[\s>]/g) ?? []).length;
}

function parsing(): { tables: Table[]; files: number; parsedShare: number } {
  const feeds = sharedFeeds();
  const broken = (kind: string) => kind.startsWith('broken');
  const rows = { ours: { parsed: 0, counted: 0, usable: 0 }, tags: { parsed: 0, counted: 0, usable: 0 } };
  const failures: Record<string, Cell>[] = [];
  for (const feed of feeds) {
    const parsed = parseFeedBytes(feed.bytes, 'https://feeds.example/', '2024-01-01');
    const tags = countTags(feed.bytes);
    const usable = !broken(feed.kind);
    if (parsed.ok) {
      rows.ours.parsed++;
      if (usable) rows.ours.usable++;
      if (parsed.entries.length === feed.items) rows.ours.counted++;
    } else failures.push({ file: feed.file, kind: feed.kind, reason: parsed.reason.slice(0, 110) });
    if (tags > 0) {
      rows.tags.parsed++;
      if (usable) rows.tags.usable++;
    }
    if (tags === feed.items) rows.tags.counted++;
  }
  const usableCount = feeds.filter((feed) => !broken(feed.kind)).length;
  const row = (method: string, r: typeof rows.ours): Record<string, Cell> => ({
    method,
    files: feeds.length,
    parsed: r.parsed,
    share: r.parsed / feeds.length,
    usable: `${r.usable}/${usableCount}`,
    itemsAsReadme: r.counted / feeds.length,
  });
  return {
    files: feeds.length,
    parsedShare: rows.ours.parsed / feeds.length,
    tables: [
      {
        title: `Feed parsing: ${feeds.length} shared feed files (${feeds.length - usableCount} broken on purpose)`,
        columns: [
          { key: 'method', label: 'method' },
          { key: 'files', label: 'files' },
          { key: 'parsed', label: 'parsed' },
          { key: 'share', label: 'share', digits: 3 },
          { key: 'usable', label: 'usable files parsed' },
          { key: 'itemsAsReadme', label: 'item count as README', digits: 3 },
        ],
        rows: [row('feedsmith (ours)', rows.ours), row('baseline: count <item>/<entry> tags', rows.tags)],
      },
      {
        title: 'Feeds not parsed, with the reason a source error shows',
        columns: [
          { key: 'file', label: 'file' },
          { key: 'kind', label: 'README kind' },
          { key: 'reason', label: 'reason' },
        ],
        rows: failures,
      },
    ],
  };
}

function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Token F1 of `got` against `expected`, as bags of words. */
export function tokenF1(got: readonly string[], expected: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let overlap = 0;
  for (const token of got) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      overlap++;
      counts.set(token, left - 1);
    }
  }
  if (overlap === 0) return 0;
  const precision = overlap / got.length;
  const recall = overlap / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

function extraction(): {
  table: Table;
  englishMean: number;
  baselineMean: number;
  pages: number;
  english: number;
} {
  const rows: Record<string, Cell>[] = [];
  const english: { ours: number; page: number }[] = [];
  for (const page of articlePages()) {
    const expected = tokens(htmlToText(page.expectedHtml));
    const started = performance.now();
    const ours = extractArticle(page.html) ?? '';
    const ms = performance.now() - started;
    const scores = {
      ours: tokenF1(tokens(ours), expected),
      page: tokenF1(tokens(htmlToText(page.html)), expected),
    };
    if (page.lang.startsWith('en')) english.push(scores);
    rows.push({ page: page.name, lang: page.lang, ours: scores.ours, wholePage: scores.page, ms });
  }
  const mean = (key: 'ours' | 'page') => english.reduce((sum, s) => sum + s[key], 0) / english.length;
  const englishMean = mean('ours');
  const baselineMean = mean('page');
  rows.push({
    page: `mean, ${english.length} English pages`,
    lang: 'en',
    ours: englishMean,
    wholePage: baselineMean,
    ms: null,
  });
  return {
    table: {
      title: `Article extraction: token F1 against Readability's expected text, ${rows.length - 1} news pages`,
      columns: [
        { key: 'page', label: 'page' },
        { key: 'lang', label: 'lang' },
        { key: 'ours', label: 'Readability over linkedom', digits: 3 },
        { key: 'wholePage', label: 'baseline: whole page text', digits: 3 },
        { key: 'ms', label: 'ms', digits: 0 },
      ],
      rows,
    },
    englishMean,
    baselineMean,
    pages: rows.length - 1,
    english: english.length,
  };
}

interface FeedHost {
  bases: string[];
  phase(name: string): Promise<void>;
  close(): void;
}

async function startFeedHost(hosts: number): Promise<FeedHost> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'bench/sources/feed-host.ts'), String(hosts)],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the feed host exited (${code})`)));
  });
  const { bases } = JSON.parse(first) as { bases: string[] };
  return {
    bases,
    // A connection of its own (no keep-alive): a pooled one may have been closed by the host meanwhile.
    phase: (name) =>
      new Promise((resolve, reject) => {
        get(`${bases[0]}/phase/${name}`, { agent: false }, (response) => {
          response.resume();
          response.on('end', () => resolve());
        }).on('error', (error) =>
          reject(new Error(`the feed host did not take phase ${name}: ${error.message}`)),
        );
      }),
    close: () => child.kill(),
  };
}

/** One poll round in a fresh process (bench/sources/poll-round.ts): its memory is the poller's own. */
function pollRound(settings: PollRoundSettings): Promise<PollRoundResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'bench/sources/poll-round.ts'), JSON.stringify(settings)],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as PollRoundResult);
      else reject(new Error(`a poll round exited with code ${code}`));
    });
  });
}

async function polling(
  ctx: BenchContext,
  count: number,
): Promise<{ table: Table; steady?: Record<string, Cell> }> {
  const host = await startFeedHost(50);
  const dir = mkdtempSync(path.join(tmpdir(), 'briefbot-bench-sources-'));
  const database = path.join(dir, 'bench.db');
  const topicsPath = path.join(repoRoot, 'briefings/topics.yaml');
  try {
    let now = Date.parse('2022-04-06T08:00:00.000Z');
    const round = (passNow: number) =>
      pollRound({ database, topicsPath, bases: host.bases, count, now: passNow });
    const rows: Record<string, Cell>[] = [];
    const run = async (label: string, phase: string) => {
      await host.phase(phase);
      now += 20 * 60_000;
      const result = await round(now);
      ctx.log(`${label}: ${result.total.polled} feeds in ${result.seconds.toFixed(1)} s`);
      const row: Record<string, Cell> = {
        poll: label,
        feeds: result.total.polled,
        notModified: result.total.notModified,
        failed: result.total.failed,
        added: result.total.added,
        seconds: result.seconds,
        rate: result.total.polled / result.seconds,
        p50: percentile(result.samples, 50),
        p99: percentile(result.samples, 99),
        rssBeforeMb: result.rssBeforeMb,
        rssMb: result.peakRssMb,
      };
      rows.push(row);
      return row;
    };
    await run('first poll: every feed new (2 items each, ingest included)', 'warm');
    // Feeds whose answer the ingest of the others held past 15 s were backed off: poll them again
    // (untimed) so the timed polls below start with every feed's items stored.
    const urls = feedSpecs(host.bases, count).map((spec) => spec.url);
    for (let retry = 0; retry < 5; retry++) {
      const store = new SqliteStore(database);
      const failing = (await store.feedPolls(urls)).filter((state) => state.failures > 0).length;
      await store.close();
      if (failing === 0) break;
      ctx.log(`warm-up: polling ${failing} backed-off feeds again`);
      now += 7 * 3_600_000;
      await round(now);
    }
    const steady = await run('conditional GET: half 304, half 200 with the items already stored', 'steady');
    await run('baseline: unconditional GET, every feed 200 with the items already stored', 'unconditional');
    await run('half 304, half 200 with one new item each (ingest included)', 'new-item');
    return {
      steady,
      table: {
        title: `Polling ${count} feeds on ${host.bases.length} loopback hosts, one core; each round in a fresh polling process (the host is another process)`,
        columns: [
          { key: 'poll', label: 'poll' },
          { key: 'feeds', label: 'feeds' },
          { key: 'notModified', label: '304' },
          { key: 'failed', label: 'failed' },
          { key: 'added', label: 'docs added' },
          { key: 'seconds', label: 's', digits: 2 },
          { key: 'rate', label: 'feeds/s', digits: 0 },
          { key: 'p50', label: 'p50 ms', digits: 1 },
          { key: 'p99', label: 'p99 ms', digits: 1 },
          { key: 'rssBeforeMb', label: 'RSS before MB', digits: 0 },
          { key: 'rssMb', label: 'peak RSS MB', digits: 0 },
        ],
        rows,
      },
    };
  } finally {
    host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const sourcesBench: Bench = {
  name: 'sources',
  description: 'feed parsing of the shared feeds, article extraction F1, and polling 2,000 loopback feeds',
  async run(ctx) {
    const [count = 2_000] = ctx.sizes([2_000]);
    // Polling first, so its memory is not that of the pages parsed for extraction.
    ctx.log(`polling ${count} feeds`);
    const polled = await polling(ctx, count);
    ctx.log('parsing the shared feeds');
    const parsed = parsing();
    ctx.log('extracting the shared article pages');
    const extracted = extraction();
    const steady = polled.steady ?? {};
    return {
      corpusSizes: [parsed.files, extracted.pages, count],
      tables: [...parsed.tables, extracted.table, polled.table],
      targets: [
        checkTarget('extract-f1', extracted.englishMean, {
          corpusSize: extracted.english,
          note: `whole-page baseline ${extracted.baselineMean.toFixed(3)}`,
        }),
        checkTarget('feeds-rate', Number(steady.rate), { corpusSize: count }),
        checkTarget('feeds-rss', Number(steady.rssMb), { corpusSize: count }),
      ],
      notes: [
        `${(parsed.parsedShare * 100).toFixed(1)}% of the ${parsed.files} shared feed files parsed; each one not parsed is listed with the reason /sources would show.`,
        'Polling figures share 2 cores with other work on this machine: read them as a lower bound.',
      ],
    };
  },
};
