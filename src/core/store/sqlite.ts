import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Item, SourceDocument, ThreadContext } from '../model.js';
import {
  claimDeliverySql,
  claimDeliveryValues,
  type DeliveryClaim,
  deliveryClaimsMigration,
} from './deliveries.js';
import { ftsQuery } from './fts.js';
import { SqliteSubscriptions, SUBSCRIPTIONS_MIGRATION } from './sqlite-subscriptions.js';
import type { ItemHit, ItemQuery, SentenceHit, Store, StoredItem, ThreadKey } from './store.js';
import { SubscriptionsDelegate } from './subscriptions-delegate.js';

/** Each entry runs once, in order, inside a transaction; never edit one that has shipped. */
const MIGRATIONS: string[] = [
  `CREATE TABLE documents (
     origin TEXT PRIMARY KEY,
     id TEXT NOT NULL,
     title TEXT NOT NULL,
     source TEXT NOT NULL,
     url TEXT,
     published TEXT NOT NULL,
     body TEXT NOT NULL,
     topics TEXT NOT NULL,
     ingested_at TEXT NOT NULL
   );
   CREATE TABLE items (
     rowid INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     origin TEXT NOT NULL REFERENCES documents(origin) ON DELETE CASCADE,
     document_id TEXT NOT NULL,
     story_key TEXT NOT NULL,
     position INTEGER NOT NULL,
     headline TEXT NOT NULL,
     summary TEXT NOT NULL,
     key_points TEXT NOT NULL,
     topics TEXT NOT NULL,
     entities TEXT NOT NULL,
     published TEXT NOT NULL,
     source TEXT NOT NULL,
     url TEXT,
     document_title TEXT NOT NULL,
     sentences TEXT NOT NULL,
     ingested_at TEXT NOT NULL
   );
   CREATE INDEX items_origin ON items(origin);
   CREATE INDEX items_recent ON items(published DESC, rowid DESC);
   CREATE INDEX items_ingested ON items(ingested_at);
   CREATE TABLE item_topics (
     topic TEXT NOT NULL,
     item_rowid INTEGER NOT NULL REFERENCES items(rowid) ON DELETE CASCADE,
     weight REAL NOT NULL,
     published TEXT NOT NULL,
     PRIMARY KEY (topic, item_rowid)
   ) WITHOUT ROWID;
   CREATE INDEX item_topics_recent ON item_topics(topic, published DESC);
   CREATE INDEX item_topics_item ON item_topics(item_rowid);
   CREATE VIRTUAL TABLE items_fts USING fts5(headline, summary, body, tokenize = 'porter unicode61');
   CREATE VIRTUAL TABLE sentences_fts USING fts5(text, item_rowid UNINDEXED, idx UNINDEXED, tokenize = 'porter unicode61');
   CREATE TABLE thread_contexts (
     platform TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     thread_id TEXT NOT NULL,
     topic TEXT,
     item_ids TEXT NOT NULL,
     turns TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (platform, channel_id, thread_id)
   );`,
  // 2: digest subscriptions and their runs (see sqlite-subscriptions.ts).
  SUBSCRIPTIONS_MIGRATION,
  // 3: a topic's newest items, best tagged first, straight from the index for /brief.
  `CREATE INDEX item_topics_briefing ON item_topics(topic, published DESC, weight DESC);
   DROP INDEX item_topics_recent;`,
  // 4: claims on incoming deliveries (see deliveries.ts).
  deliveryClaimsMigration('TEXT'),
];

interface ItemRow {
  rowid: number;
  id: string;
  document_id: string;
  story_key: string;
  position: number;
  headline: string;
  summary: string;
  key_points: string;
  topics: string;
  entities: string;
  published: string;
  source: string;
  url: string | null;
  document_title: string;
  sentences: string;
  ingested_at: string;
}

function toItem(row: ItemRow): StoredItem {
  return {
    id: row.id,
    documentId: row.document_id,
    storyKey: row.story_key,
    position: row.position,
    headline: row.headline,
    summary: row.summary,
    keyPoints: JSON.parse(row.key_points),
    topics: JSON.parse(row.topics),
    entities: JSON.parse(row.entities),
    published: row.published,
    source: row.source,
    documentTitle: row.document_title,
    sentences: JSON.parse(row.sentences),
    ingestedAt: row.ingested_at,
    ...(row.url ? { url: row.url } : {}),
  };
}

/** The embedded store: one SQLite file, WAL, FTS5 for text search. */
export class SqliteStore extends SubscriptionsDelegate implements Store {
  private readonly db: Database.Database;
  protected readonly subscriptions: SqliteSubscriptions;

  constructor(path: string) {
    super();
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // First, so every later step waits for another process's lock instead of failing at once.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.subscriptions = new SqliteSubscriptions(this.db);
  }

  /**
   * All pending migrations in one IMMEDIATE transaction, with the version read inside it: a second
   * process starting on the same fresh file waits for the first, then finds nothing left to do.
   */
  private migrate(): void {
    this.db
      .transaction(() => {
        this.db.exec(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
        );
        const row = this.db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
          version: number | null;
        };
        const current = row.version ?? 0;
        if (current > MIGRATIONS.length) {
          throw new Error(
            `database schema version ${current} is newer than this briefbot (${MIGRATIONS.length}): upgrade briefbot`,
          );
        }
        MIGRATIONS.slice(current).forEach((sql, index) => {
          this.db.exec(sql);
          this.db
            .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
            .run(current + index + 1, new Date().toISOString());
        });
      })
      .immediate();
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once: ingest runs the same few statements for every item of every document. */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async documentId(origin: string): Promise<string | undefined> {
    const row = this.statement('SELECT id FROM documents WHERE origin = ?').get(origin) as
      | { id: string }
      | undefined;
    return row?.id;
  }

  async listOrigins(): Promise<string[]> {
    return (
      this.db.prepare('SELECT origin FROM documents ORDER BY origin').all() as { origin: string }[]
    ).map((row) => row.origin);
  }

  async replaceDocument(document: SourceDocument, items: Item[], ingestedAt: string): Promise<void> {
    // IMMEDIATE: a deferred transaction that reads and then writes gets SQLITE_BUSY_SNAPSHOT in WAL
    // when another process wrote in between, and that error does not wait for busy_timeout.
    this.db.transaction(() => this.replace(document, items, ingestedAt)).immediate();
  }

  private replace(document: SourceDocument, items: Item[], ingestedAt: string): void {
    // Items that survive an edit unchanged keep their first ingestion time, so digests don't repeat them.
    const previous = new Map(
      (
        this.statement('SELECT id, ingested_at FROM items WHERE origin = ?').all(document.origin) as {
          id: string;
          ingested_at: string;
        }[]
      ).map((row) => [row.id, row.ingested_at]),
    );
    this.deleteOrigin(document.origin);
    this.statement(
      `INSERT INTO documents (origin, id, title, source, url, published, body, topics, ingested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      document.origin,
      document.id,
      document.title,
      document.source,
      document.url ?? null,
      document.published,
      document.body,
      JSON.stringify(document.topics),
      ingestedAt,
    );
    const insertItem = this.statement(
      `INSERT INTO items (id, origin, document_id, story_key, position, headline, summary, key_points, topics,
         entities, published, source, url, document_title, sentences, ingested_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertTopic = this.statement(
      'INSERT INTO item_topics (topic, item_rowid, weight, published) VALUES (?, ?, ?, ?)',
    );
    const insertFts = this.statement(
      'INSERT INTO items_fts (rowid, headline, summary, body) VALUES (?, ?, ?, ?)',
    );
    const insertSentence = this.statement(
      'INSERT INTO sentences_fts (text, item_rowid, idx) VALUES (?, ?, ?)',
    );
    for (const item of items) {
      const result = insertItem.run(
        item.id,
        document.origin,
        item.documentId,
        item.storyKey,
        item.position,
        item.headline,
        item.summary,
        JSON.stringify(item.keyPoints),
        JSON.stringify(item.topics),
        JSON.stringify(item.entities),
        item.published,
        item.source,
        item.url ?? null,
        item.documentTitle,
        JSON.stringify(item.sentences),
        previous.get(item.id) ?? ingestedAt,
      );
      const rowid = Number(result.lastInsertRowid);
      // Topics are listed strongest first; the weight keeps that order for ranking.
      for (const [rank, topic] of item.topics.entries())
        insertTopic.run(topic, rowid, 1 / (1 + rank), item.published);
      insertFts.run(
        rowid,
        item.headline,
        item.summary,
        item.sentences.map((sentence) => sentence.text).join(' '),
      );
      for (const [index, sentence] of item.sentences.entries())
        insertSentence.run(sentence.text, rowid, index);
    }
  }

  async removeDocument(origin: string): Promise<boolean> {
    return this.db.transaction(() => this.deleteOrigin(origin)).immediate();
  }

  private deleteOrigin(origin: string): boolean {
    const rowids = this.db
      .prepare('SELECT rowid FROM items WHERE origin = ?')
      .pluck()
      .all(origin) as number[];
    const deleteFts = this.statement('DELETE FROM items_fts WHERE rowid = ?');
    const deleteSentences = this.statement('DELETE FROM sentences_fts WHERE item_rowid = ?');
    for (const rowid of rowids) {
      deleteFts.run(rowid);
      deleteSentences.run(rowid);
    }
    return this.statement('DELETE FROM documents WHERE origin = ?').run(origin).changes > 0;
  }

  async findItems(query: ItemQuery, limit: number): Promise<ItemHit[]> {
    const candidates = this.candidates(query);
    if (!candidates) return [];
    // Candidates first, rows after: only the few chosen rows are read in full.
    const rows = this.db
      .prepare(
        `SELECT items.*, c.relevance AS relevance FROM (${candidates.sql} LIMIT ?) AS c
         JOIN items ON items.rowid = c.rid ORDER BY c.position`,
      )
      .all(...candidates.params, limit) as (ItemRow & { relevance: number })[];
    return rows.map((row) => ({ item: toItem(row), relevance: row.relevance }));
  }

  async countItems(query: ItemQuery): Promise<number> {
    const candidates = this.candidates(query);
    if (!candidates) return 0;
    return (
      this.db.prepare(`SELECT count(*) AS count FROM (${candidates.count})`).get(...candidates.params) as {
        count: number;
      }
    ).count;
  }

  /**
   * The rowids a query selects, best first, as `rid`, `relevance` and `position` (the order), plus
   * the same selection for counting, so finding and counting never disagree. A single topic walks
   * its (topic, published) index newest first; words take FTS5's best matches, all words if any item
   * has them all, else any. Undefined: nothing can match.
   */
  private candidates(query: ItemQuery): { sql: string; count: string; params: unknown[] } | undefined {
    const topics = query.topics ?? [];
    const params: unknown[] = [];
    const where: string[] = [];
    let source: string;
    let relevance: string;
    let order: string;
    if (query.text !== undefined) {
      const match = this.bestMatch(query.text);
      if (!match) return undefined;
      // bm25 is scored inside its own query: FTS5 allows it nowhere else.
      source = `(SELECT rowid AS rid, bm25(items_fts, 4.0, 2.0, 1.0) AS score FROM items_fts
                 WHERE items_fts MATCH ? LIMIT -1) AS f JOIN items ON items.rowid = f.rid`;
      params.push(match);
      relevance = '-f.score';
      order = 'f.score';
      if (topics.length > 0) {
        where.push(
          `items.rowid IN (SELECT item_rowid FROM item_topics WHERE topic IN (${topics.map(() => '?').join(', ')}))`,
        );
        params.push(...topics);
      }
    } else if (topics.length === 1) {
      source = 'item_topics AS t JOIN items ON items.rowid = t.item_rowid';
      where.push('t.topic = ?');
      params.push(topics[0]);
      relevance = 't.weight';
      order = 't.published DESC, t.weight DESC';
    } else if (topics.length > 1) {
      // An item tagged with two of the topics must come back once.
      source = `(SELECT item_rowid, max(weight) AS weight, max(published) AS published FROM item_topics
                 WHERE topic IN (${topics.map(() => '?').join(', ')}) GROUP BY item_rowid) AS t
                JOIN items ON items.rowid = t.item_rowid`;
      params.push(...topics);
      relevance = 't.weight';
      order = 't.published DESC, t.weight DESC';
    } else {
      source = 'items';
      relevance = '1.0';
      order = 'items.published DESC, items.rowid DESC';
    }
    if (query.ingestedSince) {
      where.push('items.ingested_at >= ?');
      params.push(query.ingestedSince);
    }
    // Counting a single topic needs no row of items at all.
    const countSource =
      query.text === undefined && topics.length === 1 && !query.ingestedSince
        ? 'SELECT 1 FROM item_topics WHERE topic = ?'
        : undefined;
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return {
      sql: `SELECT items.rowid AS rid, ${relevance} AS relevance, row_number() OVER (ORDER BY ${order}) AS position
            FROM ${source} ${filter} ORDER BY ${order}`,
      count: countSource ?? `SELECT 1 FROM ${source} ${filter}`,
      params,
    };
  }

  /** All the words when some item has them all, else any of them. */
  private bestMatch(text: string): string | undefined {
    const all = ftsQuery(text, 'all');
    if (!all) return undefined;
    const any = this.statement('SELECT 1 FROM items_fts WHERE items_fts MATCH ? LIMIT 1').get(all);
    return any ? all : ftsQuery(text, 'any');
  }

  async getItems(ids: readonly string[]): Promise<StoredItem[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM items WHERE id IN (${ids.map(() => '?').join(', ')})`)
      .all(...ids) as ItemRow[];
    const byId = new Map(rows.map((row) => [row.id, toItem(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async searchSentences(
    words: readonly string[],
    limit: number,
    itemIds?: readonly string[],
  ): Promise<SentenceHit[]> {
    const match = ftsQuery(words.join(' '), 'any');
    if (!match || itemIds?.length === 0) return [];
    const restrict = itemIds
      ? `AND s.item_rowid IN (SELECT rowid FROM items WHERE id IN (${itemIds.map(() => '?').join(', ')}))`
      : '';
    // Best sentences first, then their items' ids: the join touches only the winners.
    const rows = this.db
      .prepare(
        `SELECT items.id AS itemId, best.idx AS idx, best.relevance AS relevance
         FROM (SELECT s.item_rowid AS rid, s.idx AS idx, -bm25(sentences_fts) AS relevance
               FROM sentences_fts AS s WHERE sentences_fts MATCH ? ${restrict}
               ORDER BY bm25(sentences_fts) LIMIT ?) AS best
         JOIN items ON items.rowid = best.rid ORDER BY best.relevance DESC`,
      )
      .all(match, ...(itemIds ?? []), limit) as { itemId: string; idx: number; relevance: number }[];
    return rows.map((row) => ({ itemId: row.itemId, index: row.idx, relevance: row.relevance }));
  }

  async topicCounts(): Promise<Map<string, number>> {
    const rows = this.db.prepare('SELECT topic, count(*) AS count FROM item_topics GROUP BY topic').all() as {
      topic: string;
      count: number;
    }[];
    return new Map(rows.map((row) => [row.topic, row.count]));
  }

  async getThreadContext(key: ThreadKey): Promise<ThreadContext | undefined> {
    const row = this.db
      .prepare('SELECT * FROM thread_contexts WHERE platform = ? AND channel_id = ? AND thread_id = ?')
      .get(key.platform, key.channelId, key.threadId) as
      | { topic: string | null; item_ids: string; turns: string; updated_at: string }
      | undefined;
    if (!row) return undefined;
    return {
      ...key,
      itemIds: JSON.parse(row.item_ids),
      turns: JSON.parse(row.turns),
      updatedAt: row.updated_at,
      ...(row.topic ? { topic: row.topic } : {}),
    };
  }

  async saveThreadContext(context: ThreadContext): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO thread_contexts (platform, channel_id, thread_id, topic, item_ids, turns, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (platform, channel_id, thread_id) DO UPDATE SET
           topic = excluded.topic, item_ids = excluded.item_ids, turns = excluded.turns, updated_at = excluded.updated_at`,
      )
      .run(
        context.platform,
        context.channelId,
        context.threadId,
        context.topic ?? null,
        JSON.stringify(context.itemIds),
        JSON.stringify(context.turns),
        context.updatedAt,
      );
  }

  async claimDelivery(claim: DeliveryClaim): Promise<boolean> {
    const { keys, values } = claimDeliveryValues(claim);
    const taken = this.statement(claimDeliverySql(keys.length, () => '?')).all(...values);
    return taken.length === keys.length;
  }

  async pruneDeliveryClaims(now: string): Promise<number> {
    return this.statement('DELETE FROM delivery_claims WHERE expires_at <= ?').run(now).changes;
  }
}
