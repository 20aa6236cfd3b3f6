import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Bot } from './core/bot.js';
import { type SubscriptionAdmins, SubscriptionEvents } from './core/digests/subscription-changes.js';
import { UserError } from './core/errors.js';
import { SourceIngest } from './core/ingest/source-ingest.js';
import type { ChatModel } from './core/llm.js';
import type { Logger } from './core/logger.js';
import { PostgresStore } from './core/store/postgres.js';
import { SqliteStore } from './core/store/sqlite.js';
import type { Store } from './core/store/store.js';
import { parseTopicCatalogue, type TopicCatalogue } from './core/topics.js';
import { FeedPoller } from './sources/feeds/poller.js';
import { feedUserAgent } from './sources/feeds/user-agent.js';
import { BriefingsFolder, type IngestReport } from './sources/folder.js';
import { type FeedSourceSpec, parseSourcesFile } from './sources/sources-file.js';

export interface Core {
  store: Store;
  catalogue: TopicCatalogue;
  folder: BriefingsFolder;
  bot: Bot;
  /** Subscribe and unsubscribe report here; main attaches the digest scheduler. */
  subscriptionEvents: SubscriptionEvents;
  /** What the first pass over the briefings folder did. */
  ingest: IngestReport;
  /** The feeds of briefings/sources.yaml; main starts polling them. */
  feeds: FeedPoller;
  close(): Promise<void>;
}

export interface CoreOptions {
  briefingsDir: string;
  databasePath: string;
  /** PostgreSQL connection URL: when set, used instead of the SQLite file at databasePath. */
  databaseUrl?: string | undefined;
  logger: Logger;
  clock?: () => Date;
  /** Who may change a channel's digests; unset lets anyone. */
  subscriptionAdmins?: SubscriptionAdmins;
  /** Optional language model that may reword answers. */
  chat?: ChatModel;
  /** Names this process in feed claims; two instances must differ. */
  instanceId?: string;
  /** Operator contact for the User-Agent of feed fetches. */
  feedContact?: string | undefined;
}

const TOPICS_FILE = 'topics.yaml';
const SOURCES_FILE = 'sources.yaml';

/** The feeds of sources.yaml (none without the file); a bad file stops start-up naming file and line. */
async function readFeeds(briefingsDir: string): Promise<FeedSourceSpec[]> {
  const path = join(briefingsDir, SOURCES_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = parseSourcesFile(text);
  if (!parsed.ok)
    throw new UserError(
      parsed.problems.map((problem) => `${path}:${problem.line}: ${problem.message}`).join('\n'),
    );
  return parsed.feeds;
}

/** Store, topic catalogue, briefings ingested once, and the bot on top: what every entry point needs. */
export async function openCore(options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? (() => new Date());
  const topicsPath = join(options.briefingsDir, TOPICS_FILE);
  const catalogue = parseTopicCatalogue(await readFile(topicsPath, 'utf8'), topicsPath);
  const store: Store = options.databaseUrl
    ? await PostgresStore.open(options.databaseUrl)
    : new SqliteStore(options.databasePath);
  const feedSpecs = await readFeeds(options.briefingsDir);
  const sourceIngest = new SourceIngest(store, catalogue, clock);
  const folder = new BriefingsFolder(options.briefingsDir, store, sourceIngest, options.logger);
  try {
    const ingest = await folder.sync();
    const feeds = new FeedPoller({
      store,
      ingest: sourceIngest,
      feeds: feedSpecs,
      logger: options.logger,
      instanceId: options.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      userAgent: feedUserAgent(options.feedContact),
      clock,
    });
    const subscriptionEvents = new SubscriptionEvents(options.logger);
    const bot = new Bot({
      store,
      catalogue,
      logger: options.logger,
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
      feeds,
      async close() {
        await feeds.stop();
        await folder.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
