// The digests bench's moving parts: a store with a day's items, subscriptions all due in one minute, a cron
// factory the bench fires by hand at that minute, a clock that starts there and runs in real time, and the
// count of what the platform accepted per subscription. Everything runs the project's own Scheduler,
// DigestDelivery and store; only the cron timer and the platform are stand-ins.
import path from 'node:path';
import Database from 'better-sqlite3';
import { topicLabels } from '../../src/core/digests/compose.js';
import { buildItems } from '../../src/core/ingest/items.js';
import { contentHash } from '../../src/core/ingest/parse.js';
import { SourceIngest } from '../../src/core/ingest/source-ingest.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Platform } from '../../src/core/model.js';
import type { SqliteStore } from '../../src/core/store/sqlite.js';
import type { Subscription } from '../../src/core/store/subscriptions.js';
import type { TopicCatalogue } from '../../src/core/topics.js';
import type { CronFactory } from '../../src/scheduler.js';
import { BriefingsFolder } from '../../src/sources/folder.js';
import { BENCH_SOURCE, buildCorpus, loadArticles } from '../corpus.js';
import { repoRoot } from '../paths.js';

/** The minute every subscription is due: a winter Wednesday, 08:00 UTC (no zone is mid-DST-change). */
export const DUE = new Date('2025-01-15T08:00:00.000Z');
/** Zones the channels are in; each subscription's local time is DUE in its zone. */
export const ZONES = [
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Australia/Sydney',
] as const;
const HOUR = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** HH:MM of `instant` in `timezone` (24-hour). */
export function localTime(instant: Date, timezone: string): string {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, format);
  }
  return format.format(instant);
}

export interface FilledStore {
  /** Documents ingested: the seed folder plus the generated ones. */
  documents: number;
  items: number;
}

/**
 * Fills `store` with the repo's briefings folder (the seed) and the first `documents` documents of the
 * seeded bench corpus, ingested at times spread over the day before DUE, so a first digest (which looks
 * back 24 h) finds them all new.
 */
export async function fillStore(
  store: SqliteStore,
  catalogue: TopicCatalogue,
  options: { documents: number; seed: number },
): Promise<FilledStore> {
  const seedAt = new Date(DUE.getTime() - 3 * HOUR);
  const seed = await new BriefingsFolder(
    path.join(repoRoot, 'briefings'),
    store,
    new SourceIngest(store, catalogue, () => seedAt),
    silentLogger,
  ).sync();
  let documents = seed.added.length;
  if (options.documents > 0) {
    const corpus = buildCorpus(options.documents, options.seed, loadArticles());
    const first = DUE.getTime() - 23 * HOUR;
    const step = (22 * HOUR) / options.documents;
    for (let i = 0; i < options.documents; i++) {
      // As the folder parser would make it (bench/fixture.ts does the same).
      const { origin, title, source, published, body } = corpus.documentAt(i);
      const parsed = { id: contentHash(body), origin, title, source, published, body, topics: [] };
      const { document, items: built } = buildItems(parsed, catalogue, BENCH_SOURCE);
      await store.replaceDocument(document, built, new Date(first + i * step).toISOString());
      documents += 1;
    }
  }
  return { documents, items: await store.countItems({}) };
}

/** Every set of 1 to 3 topics of the catalogue, in a fixed order. */
function topicSets(catalogue: TopicCatalogue): string[][] {
  const slugs = catalogue.topics.map((topic) => topic.slug);
  const sets: string[][] = [];
  for (let a = 0; a < slugs.length; a++) {
    sets.push([slugs[a]!]);
    for (let b = a + 1; b < slugs.length; b++) {
      sets.push([slugs[a]!, slugs[b]!]);
      for (let c = b + 1; c < slugs.length; c++) sets.push([slugs[a]!, slugs[b]!, slugs[c]!]);
    }
  }
  return sets;
}

export interface SubscriptionPlan {
  count: number;
  channels: number;
  platform?: Platform;
  /** Workspaces the channels are spread over (channel n in workspace n mod this); default 1. */
  workspaces?: number;
  /** Distinguishes sets made for different phases. */
  prefix?: string;
}

/**
 * `count` subscriptions over `channels` channels (subscription i in channel i mod channels), each channel
 * in one of ZONES with its subscriptions at DUE's local time there, each subscription a different set of
 * 1-3 topics within its channel, none quiet: every one must get exactly one message.
 */
export function makeSubscriptions(catalogue: TopicCatalogue, plan: SubscriptionPlan): Subscription[] {
  const sets = topicSets(catalogue);
  const perChannel = Math.ceil(plan.count / plan.channels);
  if (perChannel > sets.length)
    throw new Error(`only ${sets.length} topic sets for ${perChannel} per channel`);
  const createdAt = new Date(DUE.getTime() - HOUR).toISOString();
  const prefix = plan.prefix ?? 'sub';
  const subscriptions: Subscription[] = [];
  for (let i = 0; i < plan.count; i++) {
    const channel = i % plan.channels;
    const timezone = ZONES[channel % ZONES.length]!;
    subscriptions.push({
      id: `${prefix}-${String(i).padStart(5, '0')}`,
      platform: plan.platform ?? 'slack',
      workspaceId: plan.workspaces ? `TBENCH${channel % plan.workspaces}` : 'TBENCH',
      channelId: `C${String(channel).padStart(8, '0')}`,
      topics: sets[(channel * 37 + Math.floor(i / plan.channels)) % sets.length]!,
      time: localTime(DUE, timezone),
      timezone,
      quiet: false,
      createdBy: 'UBENCH',
      createdAt,
    });
  }
  return subscriptions;
}

/**
 * Replaces every subscription (and digest run and thread) in the file with `subscriptions`, through a
 * side connection for the deletes and the store's own saveSubscription for the inserts.
 */
export async function resetSubscriptions(
  store: SqliteStore,
  file: string,
  subscriptions: readonly Subscription[],
): Promise<void> {
  clearRuns(file, { subscriptions: true });
  for (const subscription of subscriptions) await store.saveSubscription(subscription);
}

/** Forgets every digest run (and thread), so the same minute can be run again; optionally the subscriptions. */
export function clearRuns(file: string, options: { subscriptions?: boolean } = {}): void {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.exec('DELETE FROM digest_runs; DELETE FROM thread_contexts;');
    if (options.subscriptions) db.exec('DELETE FROM subscriptions;');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Digest runs by status and owner, read through a side connection. */
export function runStates(file: string): { status: string; owner: string; runs: number; attempts: number }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT status, owner, count(*) AS runs, sum(attempts) AS attempts FROM digest_runs
         GROUP BY status, owner ORDER BY status, owner`,
      )
      .all() as { status: string; owner: string; runs: number; attempts: number }[];
  } finally {
    db.close();
  }
}

/* ------------------------------ time and cron ------------------------------ */

/** The scheduler's injected clock: set to an instant, then runs in real time from there. */
export class BenchClock {
  private base = DUE.getTime();
  private origin = performance.now();

  set(instant: Date): void {
    this.base = instant.getTime();
    this.origin = performance.now();
  }

  readonly now = (): Date => new Date(this.base + (performance.now() - this.origin));
}

interface ManualJob {
  fields: string[];
  timezone: string;
  onTick: () => void;
}

/**
 * A CronFactory whose jobs fire when the bench says the minute has come: `fire(instant)` ticks every job
 * whose expression matches that minute in its zone, in the order the jobs were made, as node-cron would
 * when the minute begins (the scheduler's own minute sweep included).
 */
export class ManualCron {
  private readonly jobs = new Set<ManualJob>();

  readonly factory: CronFactory = (expression, timezone, onTick) => {
    const job = { fields: expression.trim().split(/\s+/), timezone, onTick };
    this.jobs.add(job);
    return { stop: () => void this.jobs.delete(job) };
  };

  get size(): number {
    return this.jobs.size;
  }

  fire(instant: Date): number {
    let fired = 0;
    for (const job of [...this.jobs]) {
      if (!matches(job, instant)) continue;
      job.onTick();
      fired += 1;
    }
    return fired;
  }
}

function matches(job: ManualJob, instant: Date): boolean {
  const [minute, hour, ...rest] = job.fields;
  if (rest.some((field) => field !== '*')) throw new Error(`ManualCron: unsupported ${job.fields.join(' ')}`);
  const [h, m] = localTime(instant, job.timezone).split(':').map(Number);
  return (minute === '*' || Number(minute) === m) && (hour === '*' || Number(hour) === h);
}

/* --------------------------------- counting -------------------------------- */

/** What the platform accepted: the channel and the message's title (Slack: its header block). */
export interface AcceptedPost {
  channel: string;
  title: string;
}

export interface DeliveryCount {
  /** Subscriptions, each expecting exactly one message. */
  expected: number;
  /** Messages the platform accepted. */
  accepted: number;
  /** Subscriptions with at least one message. */
  delivered: number;
  /** Subscriptions with none. */
  lost: number;
  /** Messages beyond the first per subscription. */
  duplicated: number;
  /** Accepted messages that match no subscription (also extra messages). */
  unattributed: number;
}

/** The labels a digest or "no new developments" title names, or undefined for anything else. */
export function labelsInTitle(title: string): string | undefined {
  const digest = /^Daily digest: (.+)$/.exec(title);
  if (digest) return digest[1];
  return /^(?:Late \(was due [^)]*\)\. )?No new developments on (.+?) since /.exec(title)?.[1];
}

/**
 * Counts accepted messages per subscription, a message being a subscription's when it went to that
 * subscription's channel with that subscription's topics in its title (unique within a channel).
 */
export function countDeliveries(
  subscriptions: readonly Subscription[],
  catalogue: TopicCatalogue,
  accepted: readonly AcceptedPost[],
): DeliveryCount & { perSubscription: Map<string, number> } {
  const key = (channel: string, labels: string) => `${channel}\u0000${labels}`;
  const byKey = new Map<string, string>();
  const perSubscription = new Map<string, number>();
  for (const subscription of subscriptions) {
    const k = key(subscription.channelId, topicLabels(catalogue, subscription.topics));
    if (byKey.has(k)) throw new Error(`two subscriptions look alike in ${subscription.channelId}: ${k}`);
    byKey.set(k, subscription.id);
    perSubscription.set(subscription.id, 0);
  }
  let unattributed = 0;
  for (const post of accepted) {
    const labels = labelsInTitle(post.title);
    const id = labels === undefined ? undefined : byKey.get(key(post.channel, labels));
    if (id === undefined) unattributed += 1;
    else perSubscription.set(id, (perSubscription.get(id) ?? 0) + 1);
  }
  const counts = [...perSubscription.values()];
  return {
    expected: subscriptions.length,
    accepted: accepted.length,
    delivered: counts.filter((n) => n > 0).length,
    lost: counts.filter((n) => n === 0).length,
    duplicated: counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    unattributed,
    perSubscription,
  };
}

/** Lost, duplicated and unattributed together: what the delivery target allows none of. */
export function wrongDeliveries(count: DeliveryCount): number {
  return count.lost + count.duplicated + count.unattributed;
}
