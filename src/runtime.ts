import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Bot } from './core/bot.js';
import { type SubscriptionAdmins, SubscriptionEvents } from './core/digests/subscription-changes.js';
import { UserError } from './core/errors.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './core/ingest/limits.js';
import { IngestPool } from './core/ingest/pool.js';
import { SourceIngest } from './core/ingest/source-ingest.js';
import { prepareTextAnalysis } from './core/ingest/text.js';
import type { ChatModel } from './core/llm.js';
import type { Logger } from './core/logger.js';
import type { Metrics } from './core/metrics.js';
import { SourceReports } from './core/sources/reports.js';
import type { Store } from './core/store/store.js';
import { parseTopicCatalogue, type TopicCatalogue } from './core/topics.js';
import { adoptInstanceId, type InstanceIdentity } from './instance.js';
import { openStore } from './open-store.js';
import { ArticleExtractor } from './sources/articles/extractor.js';
import { Sources } from './sources/directory.js';
import { FeedPoller } from './sources/feeds/poller.js';
import { feedUserAgent } from './sources/feeds/user-agent.js';
import { BriefingsFolder, type IngestReport, type IngestStatus } from './sources/folder.js';
import { readOptional, SettingsFiles, sourcesFileFeeds } from './sources/settings-files.js';
import type { FeedSourceSpec } from './sources/sources-file.js';

/** The core while its first ingest may still run: what a long-running entry point starts with. */
export interface StartingCore {
  /** Names this process in shared claims (digests, deliveries, feeds). */
  instanceId: string;
  store: Store;
  catalogue: TopicCatalogue;
  folder: BriefingsFolder;
  /** Builds items off the main thread; the folder and the feed sources share it. */
  pool: IngestPool;
  bot: Bot;
  /** Subscribe and unsubscribe report here; main attaches the digest scheduler. */
  subscriptionEvents: SubscriptionEvents;
  /** The feeds of briefings/sources.yaml; main starts polling them. */
  feeds: FeedPoller;
  /** Reports a feed failing too long, and its recovery; main attaches the adapters that post them. */
  sourceReports: SourceReports;
  /** Settles with what the first pass over the briefings folder did. */
  firstIngest: Promise<IngestReport>;
  /** `ingesting` until the first pass is done, then `ready` (health checks read it). */
  ingestStatus(): IngestStatus;
  close(): Promise<void>;
}

export interface Core extends StartingCore {
  /** What the first pass over the briefings folder did. */
  ingest: IngestReport;
}

export interface CoreOptions {
  briefingsDir: string;
  databasePath: string;
  /** PostgreSQL connection URL: when set, used instead of the SQLite file at databasePath. */
  databaseUrl?: string | undefined;
  logger: Logger;
  /** Names this process in shared claims (digests, deliveries, feeds); two instances must differ. */
  instanceId?: string | undefined;
  /**
   * Without `instanceId`, take an id stored in the database for this host whose holder is gone (a
   * long-running bot: after a crash it is the same instance again); else a fresh id for this process.
   */
  adoptInstance?: boolean;
  /** Ingest, commands and answers are counted here when given. */
  metrics?: Metrics | undefined;
  clock?: () => Date;
  /** Who may change a channel's digests; unset lets anyone. */
  subscriptionAdmins?: SubscriptionAdmins;
  /** Optional language model that may reword answers. */
  chat?: ChatModel;
  /** Operator contact for the User-Agent of feed fetches. */
  feedContact?: string | undefined;
  /** A feed failing this long is reported to its topics' subscribers (FEED_FAILURE_REPORT_AFTER). */
  feedFailureReportMs?: number | undefined;
  /** Threads that build items (INGEST_WORKERS); 0, the default for one-shot commands, builds on the main thread. */
  ingestWorkers?: number;
  limits?: IngestLimits;
}

const TOPICS_FILE = 'topics.yaml';
const SOURCES_FILE = 'sources.yaml';

/** Store, topic catalogue, briefings ingested once, and the bot on top: what every one-shot command needs. */
export async function openCore(options: CoreOptions): Promise<Core> {
  const core = await startCore(options);
  try {
    return { ...core, ingest: await core.firstIngest };
  } catch (error) {
    await core.close();
    throw error;
  }
}

/**
 * The same, returning as soon as the store and catalogue are open, while the first ingest runs in
 * the background: the receivers and health checks come up before a large folder is read.
 */
export async function startCore(options: CoreOptions): Promise<StartingCore> {
  const clock = options.clock ?? (() => new Date());
  const limits = options.limits ?? DEFAULT_INGEST_LIMITS;
  await checkFolder(options.briefingsDir);
  const topicsPath = join(options.briefingsDir, TOPICS_FILE);
  const sourcesPath = join(options.briefingsDir, SOURCES_FILE);
  const topicsText = await readTopics(topicsPath);
  const catalogue = parseTopicCatalogue(topicsText, topicsPath, limits.maxYamlAliases);
  const store = await openStore(options.databaseUrl, options.databasePath);
  let feedSpecs: FeedSourceSpec[];
  let identity: InstanceIdentity;
  let sourcesText: string | undefined;
  try {
    // A bad sources.yaml stops start-up naming file and line; later edits are only reported.
    sourcesText = await readOptional(sourcesPath);
    feedSpecs = sourcesFileFeeds(sourcesText, sourcesPath);
    identity = options.adoptInstance
      ? await adoptInstanceId(store, options.logger, { configured: options.instanceId })
      : {
          id: options.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
          release: async () => {},
        };
  } catch (error) {
    await store.close();
    throw error;
  }
  const instanceId = identity.id;
  const pool = new IngestPool(options.ingestWorkers ?? 0, options.logger, limits.maxSentences);
  const sourceIngest = new SourceIngest(store, catalogue, clock, pool.build);
  const unreadVocabulary = await sourceIngest
    .restoreVocabulary()
    .catch((error: unknown) => (error as Error).message);
  if (unreadVocabulary)
    options.logger.warn('the stored topic vocabulary could not be read; it is learned again from new items', {
      problem: unreadVocabulary,
    });
  const folder = new BriefingsFolder(options.briefingsDir, store, sourceIngest, options.logger, {
    limits,
    metrics: options.metrics,
    clock,
    beforePass: () => settings.reload(),
  });
  // Its thread starts with the first teaser, so a bot without feeds never has one.
  const extractor = new ArticleExtractor();
  const sourceReports = new SourceReports({
    store,
    catalogue,
    logger: options.logger,
    clock,
    ...(options.feedFailureReportMs !== undefined ? { failingAfterMs: options.feedFailureReportMs } : {}),
  });
  const feeds = new FeedPoller({
    store,
    ingest: sourceIngest,
    feeds: feedSpecs,
    logger: options.logger,
    instanceId,
    userAgent: feedUserAgent(options.feedContact),
    clock,
    metrics: options.metrics,
    reports: sourceReports,
    extractor,
  });
  const settings = new SettingsFiles({
    topicsPath,
    sourcesPath,
    topicsText,
    sourcesText,
    catalogue,
    feeds,
    logger: options.logger,
    maxYamlAliases: limits.maxYamlAliases,
  });
  const firstIngest = folder.sync();
  // Seen by whoever awaits it; unawaited, a failure is already logged by the folder's caller.
  firstIngest.catch(() => {});
  // Once the folder is in, this thread reads the language model, so the first question is quick.
  const prepare = () => void setImmediate(prepareTextAnalysis);
  firstIngest.then(prepare, prepare);
  const subscriptionEvents = new SubscriptionEvents(options.logger);
  const bot = new Bot({
    store,
    catalogue,
    logger: options.logger,
    metrics: options.metrics,
    clock,
    subscriptionChanges: subscriptionEvents,
    sources: new Sources(folder, feeds, store),
    instanceId,
    ...(options.subscriptionAdmins ? { subscriptionAdmins: options.subscriptionAdmins } : {}),
    ...(options.chat ? { chat: options.chat } : {}),
  });
  let closed: Promise<void> | undefined;
  return {
    instanceId,
    store,
    catalogue,
    folder,
    pool,
    bot,
    subscriptionEvents,
    feeds,
    sourceReports,
    firstIngest,
    ingestStatus: () => folder.status(),
    close() {
      closed ??= (async () => {
        // The pool first: builds still queued end at once, so the passes waiting on them finish.
        await pool.close();
        await feeds.stop();
        await extractor.close();
        await folder.stop();
        await sourceIngest.saveVocabulary().catch((error: unknown) => {
          options.logger.warn('could not keep the topic vocabulary', { error });
        });
        await identity.release().catch((error: unknown) => {
          options.logger.warn('could not free the instance id', { instanceId, error });
        });
        await store.close();
      })();
      return closed;
    },
  };
}

async function checkFolder(dir: string): Promise<void> {
  const found = await stat(dir).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new UserError(
      `BRIEFINGS_DIR ${dir}: ${found ? 'is not a folder' : 'no such folder'}: create it (with a topics.yaml) or point BRIEFINGS_DIR at your briefings`,
    );
  }
}

async function readTopics(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `${path}: ${code === 'ENOENT' ? 'missing' : (error as Error).message}: every briefings folder needs a topics.yaml (copy briefings/topics.yaml to start)`,
    );
  }
}
