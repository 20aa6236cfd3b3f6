import { contentHash } from '../../core/ingest/parse.js';
import type { SourceIngest } from '../../core/ingest/source-ingest.js';
import type { Logger } from '../../core/logger.js';
import { type Metrics, noMetrics } from '../../core/metrics.js';
import type { Source } from '../../core/model.js';
import type { FeedPollState, FeedPollStore } from '../../core/store/feed-polls.js';
import { Limiter } from '../../digest-delivery.js';
import type { ArticleExtractor } from '../articles/extractor.js';
import { fetchFullText, isTeaser } from '../articles/full-text.js';
import { type FeedSourceSpec, feedSource } from '../sources-file.js';
import { DEFAULT_FETCH_LIMITS, type FetchLimits, type FetchResult, fetchFeed } from './fetch.js';
import type { FeedEntry } from './parse.js';

/** Longest wait between polls of a failing feed. */
const MAX_BACKOFF_MS = 6 * 3_600_000;
/** How long a claim holds: longer than any one poll (timeout included), short enough to recover from a crash. */
const CLAIM_MS = 2 * 60_000;
/** Feeds claimed per pass: bounds what one instance takes on at once. */
const CLAIM_BATCH = 500;
/** Feeds polled at a time: enough to keep one core busy on loopback, few enough to bound memory. */
const POLLS_AT_ONCE = 32;

// feedsmith and linkedom are hundreds of modules: a bot without feeds never loads them, and one with
// feeds loads them at its first fetched feed, after start-up.
let feedParser: Promise<typeof import('./parse.js')> | undefined;
const loadFeedParser = () => {
  feedParser ??= import('./parse.js');
  return feedParser;
};

export interface FeedPollerOptions {
  store: FeedPollStore;
  ingest: SourceIngest;
  feeds: readonly FeedSourceSpec[];
  logger: Logger;
  instanceId: string;
  userAgent: string;
  clock?: () => Date;
  /** Requests at a time to one host. */
  perHost?: number;
  /**
   * Feeds polled at a time by this instance, whatever their hosts: bounds the bodies and parsed entries
   * held at once (each body up to the 5 MB cap) however many feeds are due together.
   */
  pollsAtOnce?: number;
  limits?: Partial<Omit<FetchLimits, 'userAgent'>>;
  /** In [0, 1): the jitter of backoff delays. */
  random?: () => number;
  metrics?: Metrics | undefined;
  /** Extracts article text where an entry is only a teaser; none: entries are kept as the feed gives them. */
  extractor?: ArticleExtractor | undefined;
  /** Told the outcome of every poll, to report a feed failing too long and its recovery. */
  reports?: PollListener | undefined;
}

/** Told each poll's outcome once it is saved (the core's SourceReports; the sources bench, for timings). */
export interface PollListener {
  /** `ms`: from the feed's request to its saved state, queueing for the host's slot excluded. */
  polled(state: FeedPollState, sources: readonly Source[], ms: number): Promise<void>;
}

export interface PollReport {
  polled: number;
  notModified: number;
  failed: number;
  added: number;
  updated: number;
}

/**
 * Polls the feeds of sources.yaml politely: each URL once however many sources name it, claimed
 * through the store so that of several instances exactly one polls it, conditional GET, the server's
 * freshness and Retry-After respected, failures backed off exponentially with jitter up to 6 h.
 */
export class FeedPoller {
  private readonly hosts = new Map<string, Limiter>();
  private readonly polls: Limiter;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly limits: FetchLimits;
  private readonly metrics: Metrics;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PollReport> | undefined;
  private specs: readonly FeedSourceSpec[];

  constructor(private readonly options: FeedPollerOptions) {
    this.specs = options.feeds;
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.metrics = options.metrics ?? noMetrics;
    this.limits = { ...DEFAULT_FETCH_LIMITS, ...options.limits, userAgent: options.userAgent };
    this.polls = new Limiter(options.pollsAtOnce ?? POLLS_AT_ONCE);
  }

  get feeds(): readonly FeedSourceSpec[] {
    return this.specs;
  }

  /** The feeds of an edited sources.yaml: polled from the next pass on (poll state is kept per URL). */
  setFeeds(feeds: readonly FeedSourceSpec[]): void {
    this.specs = feeds;
  }

  /** One pass: every due feed that this instance could claim, polled and its state saved. */
  pollDue(): Promise<PollReport> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<PollReport> {
    const report: PollReport = { polled: 0, notModified: 0, failed: 0, added: 0, updated: 0 };
    const urls = [...new Set(this.specs.map((feed) => feed.url))];
    const now = this.clock();
    const claimed = await this.options.store.claimDueFeeds(
      urls,
      now.toISOString(),
      this.options.instanceId,
      new Date(now.getTime() + CLAIM_MS).toISOString(),
      CLAIM_BATCH,
    );
    await Promise.all(
      claimed.map((state) =>
        this.polls
          .run(() => this.pollOne(state, report))
          .catch((error: unknown) =>
            this.options.logger.error('feed poll failed', { url: state.url, error }),
          ),
      ),
    );
    return report;
  }

  private hostLimiter(url: string): Limiter {
    const host = new URL(url).host;
    let limiter = this.hosts.get(host);
    if (!limiter) {
      limiter = new Limiter(this.options.perHost ?? 2);
      this.hosts.set(host, limiter);
    }
    return limiter;
  }

  private async pollOne(state: FeedPollState, report: PollReport): Promise<void> {
    const sources = this.specs.filter((feed) => feed.url === state.url);
    const intervalMs = Math.min(...sources.map((feed) => feed.intervalMs));
    let started = 0;
    // Only the request holds the host's slot: article pages of the same host queue for it too.
    const result = await this.hostLimiter(state.url).run(() => {
      started = performance.now();
      return fetchFeed({ url: state.url, etag: state.etag, lastModified: state.lastModified }, this.limits);
    });
    report.polled++;
    const now = this.clock();
    let next: FeedPollState;
    if (result.kind === 'failed') next = this.failed(state, result, intervalMs, now);
    else {
      this.metrics.feedPoll(result.kind === 'not-modified' ? 'not_modified' : 'fetched');
      if (result.kind === 'not-modified') {
        report.notModified++;
        // Nothing new to parse, but the catalogue may have changed since these entries were built.
        for (const source of sources) await this.options.ingest.rebuildStale(source.id);
      } else {
        const { parseFeedBytes } = await loadFeedParser();
        const parsed = parseFeedBytes(
          result.bytes,
          state.url,
          now.toISOString().slice(0, 10),
          result.contentType,
        );
        if (!parsed.ok) {
          next = this.failed(state, { kind: 'failed', reason: parsed.reason }, intervalMs, now);
          report.failed++;
          await this.save(next, sources, started);
          return;
        }
        for (const source of sources) {
          const outlet = source.name ?? parsed.title ?? new URL(state.url).host;
          const counts = await this.ingestEntries(source, outlet, parsed.entries);
          report.added += counts.added;
          report.updated += counts.updated;
        }
      }
      const freshMs = (result.maxAge ?? 0) * 1000;
      next = {
        url: state.url,
        etag: result.kind === 'fresh' ? result.etag : state.etag,
        lastModified: result.kind === 'fresh' ? result.lastModified : state.lastModified,
        failures: 0,
        // No fetch while the server says its copy is still fresh.
        nextPoll: new Date(now.getTime() + Math.max(intervalMs, freshMs)).toISOString(),
        lastSuccess: now.toISOString(),
        lastError: state.lastError,
        lastErrorAt: state.lastErrorAt,
        // Kept until the recovery is reported: a crash before that reports it on the next poll.
        failureReported: state.failureReported,
      };
    }
    if (result.kind === 'failed') report.failed++;
    await this.save(next, sources, started);
  }

  private async save(
    state: FeedPollState,
    sources: readonly FeedSourceSpec[],
    started: number,
  ): Promise<void> {
    await this.options.store.saveFeedPoll(state, this.options.instanceId);
    const ms = performance.now() - started;
    await this.options.reports?.polled(state, sources.map(feedSource), ms).catch((error: unknown) => {
      this.options.logger.error('could not report on a feed', { url: state.url, error });
    });
  }

  private failed(
    state: FeedPollState,
    result: Extract<FetchResult, { kind: 'failed' }>,
    intervalMs: number,
    now: Date,
  ): FeedPollState {
    this.metrics.feedPoll('failed');
    const failures = state.failures + 1;
    const backoff = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** (failures - 1));
    // Jitter in [backoff/2, backoff): feeds that failed together do not come back together.
    const jittered = backoff / 2 + (backoff / 2) * this.random();
    const waitMs = Math.min(MAX_BACKOFF_MS, result.retryAfterMs ?? jittered);
    this.options.logger.warn('feed failed', { url: state.url, reason: result.reason, failures });
    return {
      ...state,
      failures,
      nextPoll: new Date(now.getTime() + waitMs).toISOString(),
      lastError: result.reason,
      lastErrorAt: now.toISOString(),
      failingSince: state.failingSince ?? now.toISOString(),
    };
  }

  private async ingestEntries(
    source: FeedSourceSpec,
    outlet: string,
    entries: readonly FeedEntry[],
  ): Promise<{ added: number; updated: number }> {
    const known = await this.options.ingest.known(source.id);
    const documents = entries.map((entry) => {
      const stored = known.get(entry.key);
      const parsed = {
        // From the entry as the feed gives it, so a full text fetched once is not fetched again.
        id: contentHash(`${entry.title}\n${entry.published}\n${entry.url ?? ''}\n${entry.text}`),
        origin: entry.key,
        title: entry.title,
        source: outlet,
        published: entry.published,
        body: entry.text,
        topics: source.topics,
        ...(entry.url ? { url: entry.url } : {}),
      };
      return { entry, stored, parsed, current: this.options.ingest.isCurrent(parsed, stored) };
    });
    // New and changed entries that are only teasers: their pages fetched side by side, each host
    // within its limit.
    const bodies = await Promise.all(
      documents.map(({ entry, current }) =>
        !current && entry.url && source.fullText && this.options.extractor && isTeaser(entry.text)
          ? this.fullText(entry.url, entry.text, this.options.extractor)
          : entry.text,
      ),
    );
    const changed = documents.flatMap(({ parsed, stored, current }, index) =>
      current ? [] : [{ parsed: { ...parsed, body: bodies[index] ?? parsed.body }, stored }],
    );
    for (const { parsed } of changed) known.delete(parsed.origin);
    try {
      // The entries that could be stored are; the poll still fails, naming the first that could not.
      return await this.options.ingest.putAll(source.id, changed);
    } finally {
      // Entries the feed no longer lists, or lists unchanged: tagged with today's catalogue too.
      await this.options.ingest.rebuildStale(source.id, known);
    }
  }

  /** The article text behind a teaser, or the teaser when the page gives none. */
  private async fullText(url: string, teaser: string, extractor: ArticleExtractor): Promise<string> {
    const found = await this.hostLimiter(url).run(() => fetchFullText(url, teaser, this.limits, extractor));
    if (found.kind === 'extracted') return found.text;
    this.options.logger.debug('kept the teaser', { url, reason: found.reason });
    return teaser;
  }

  /** Polls now, then whenever feeds may be due, until `stop`. */
  start(tickMs = 15_000): void {
    if (this.timer) return;
    const tick = () =>
      this.pollDue().catch((error: unknown) => this.options.logger.error('polling feeds failed', { error }));
    void tick();
    this.timer = setInterval(tick, tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
