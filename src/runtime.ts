import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Bot } from './core/bot.js';
import { type SubscriptionAdmins, SubscriptionEvents } from './core/digests/subscription-changes.js';
import { BriefingsFolder, type IngestReport } from './core/ingest/folder.js';
import type { ChatModel } from './core/llm.js';
import type { Logger } from './core/logger.js';
import type { Metrics } from './core/metrics.js';
import { PostgresStore } from './core/store/postgres.js';
import { SqliteStore } from './core/store/sqlite.js';
import type { Store } from './core/store/store.js';
import { parseTopicCatalogue, type TopicCatalogue } from './core/topics.js';

export interface Core {
  store: Store;
  catalogue: TopicCatalogue;
  folder: BriefingsFolder;
  bot: Bot;
  /** Subscribe and unsubscribe report here; main attaches the digest scheduler. */
  subscriptionEvents: SubscriptionEvents;
  /** What the first pass over the briefings folder did. */
  ingest: IngestReport;
  close(): Promise<void>;
}

export interface CoreOptions {
  briefingsDir: string;
  databasePath: string;
  /** PostgreSQL connection URL: when set, used instead of the SQLite file at databasePath. */
  databaseUrl?: string | undefined;
  logger: Logger;
  /** Ingest, commands and answers are counted here when given. */
  metrics?: Metrics | undefined;
  clock?: () => Date;
  /** Who may change a channel's digests; unset lets anyone. */
  subscriptionAdmins?: SubscriptionAdmins;
  /** Optional language model that may reword answers. */
  chat?: ChatModel;
}

const TOPICS_FILE = 'topics.yaml';

/** Store, topic catalogue, briefings ingested once, and the bot on top: what every entry point needs. */
export async function openCore(options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? (() => new Date());
  const topicsPath = join(options.briefingsDir, TOPICS_FILE);
  const catalogue = parseTopicCatalogue(await readFile(topicsPath, 'utf8'), topicsPath);
  const store: Store = options.databaseUrl
    ? await PostgresStore.open(options.databaseUrl)
    : new SqliteStore(options.databasePath);
  const folder = new BriefingsFolder(
    options.briefingsDir,
    store,
    catalogue,
    options.logger,
    clock,
    options.metrics,
  );
  try {
    const ingest = await folder.sync();
    const subscriptionEvents = new SubscriptionEvents(options.logger);
    const bot = new Bot({
      store,
      catalogue,
      logger: options.logger,
      metrics: options.metrics,
      clock,
      subscriptionChanges: subscriptionEvents,
      ...(options.subscriptionAdmins ? { subscriptionAdmins: options.subscriptionAdmins } : {}),
      ...(options.chat ? { chat: options.chat } : {}),
    });
    return {
      store,
      catalogue,
      folder,
      bot,
      subscriptionEvents,
      ingest,
      async close() {
        await folder.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
