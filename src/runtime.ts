import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Bot } from './core/bot.js';
import { type SubscriptionAdmins, SubscriptionEvents } from './core/digests/subscription-changes.js';
import { UserError } from './core/errors.js';
import { BriefingsFolder, type IngestReport, type IngestStatus } from './core/ingest/folder.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './core/ingest/limits.js';
import { IngestPool } from './core/ingest/pool.js';
import type { ChatModel } from './core/llm.js';
import type { Logger } from './core/logger.js';
import type { Metrics } from './core/metrics.js';
import { PostgresStore } from './core/store/postgres.js';
import { SqliteStore } from './core/store/sqlite.js';
import type { Store } from './core/store/store.js';
import { parseTopicCatalogue, type TopicCatalogue } from './core/topics.js';

/** The core while its first ingest may still run: what a long-running entry point starts with. */
export interface StartingCore {
  store: Store;
  catalogue: TopicCatalogue;
  folder: BriefingsFolder;
  /** Builds items off the main thread; the folder and the feed sources share it. */
  pool: IngestPool;
  bot: Bot;
  /** Subscribe and unsubscribe report here; main attaches the digest scheduler. */
  subscriptionEvents: SubscriptionEvents;
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
  /** Names this process in shared claims (digests, deliveries); two instances must differ. */
  instanceId?: string;
  /** Ingest, commands and answers are counted here when given. */
  metrics?: Metrics | undefined;
  clock?: () => Date;
  /** Who may change a channel's digests; unset lets anyone. */
  subscriptionAdmins?: SubscriptionAdmins;
  /** Optional language model that may reword answers. */
  chat?: ChatModel;
  /** Threads that build items (INGEST_WORKERS); 0, the default for one-shot commands, builds on the main thread. */
  ingestWorkers?: number;
  limits?: IngestLimits;
}

const TOPICS_FILE = 'topics.yaml';

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
  const catalogue = parseTopicCatalogue(await readTopics(topicsPath), topicsPath, limits.maxYamlAliases);
  const store: Store = options.databaseUrl
    ? await PostgresStore.open(options.databaseUrl)
    : new SqliteStore(options.databasePath);
  const pool = new IngestPool(options.ingestWorkers ?? 0, options.logger);
  const folder = new BriefingsFolder(options.briefingsDir, store, catalogue, options.logger, {
    clock,
    pool,
    limits,
    metrics: options.metrics,
  });
  const firstIngest = folder.sync();
  // Seen by whoever awaits it; unawaited, a failure is already logged by the folder's caller.
  firstIngest.catch(() => {});
  const subscriptionEvents = new SubscriptionEvents(options.logger);
  const bot = new Bot({
    store,
    catalogue,
    logger: options.logger,
    metrics: options.metrics,
    clock,
    subscriptionChanges: subscriptionEvents,
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    ...(options.subscriptionAdmins ? { subscriptionAdmins: options.subscriptionAdmins } : {}),
    ...(options.chat ? { chat: options.chat } : {}),
  });
  let closed: Promise<void> | undefined;
  return {
    store,
    catalogue,
    folder,
    pool,
    bot,
    subscriptionEvents,
    firstIngest,
    ingestStatus: () => folder.status(),
    close() {
      closed ??= (async () => {
        await pool.close();
        await folder.stop();
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
