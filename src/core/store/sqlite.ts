import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { makeDirectory } from '../directories.js';
import { reviseItemTimes } from '../ingest/revisions.js';
import type { Vector } from '../ingest/vectors.js';
import { remember } from '../memo.js';
import {
  documentIdentity,
  type Item,
  type Platform,
  type SourceDocument,
  type StoredDocument,
  type ThreadContext,
} from '../model.js';
import {
  candidatesFrom,
  datesBetween,
  type MemberVector,
  type StoryCandidate,
  type StoryMembership,
  type StoryProbe,
} from '../stories/cluster.js';
import { type StoryVersion, versionDigest } from '../stories/versions.js';
import {
  claimDeliverySql,
  claimDeliveryValues,
  type DeliveryClaim,
  deliveryClaimsMigration,
} from './deliveries.js';
import { type DocumentRow, toDocument } from './document-rows.js';
import {
  FEED_POLLS_SQLITE,
  type FeedPollRow,
  type FeedPollState,
  feedPollValues,
  toFeedPoll,
} from './feed-polls.js';
import { ftsQuery } from './fts.js';
import { HeldTermCounts } from './held-term-counts.js';
import {
  type InstanceRecord,
  type InstanceRow,
  instanceSql,
  instancesMigration,
  toInstance,
} from './instances.js';
import { type RecentMember, RecentStoryMembers, type StoryFacts } from './recent-story-members.js';
import { SqliteSubscriptions, SUBSCRIPTIONS_MIGRATION } from './sqlite-subscriptions.js';
import {
  type DocumentItems,
  type ItemHit,
  type ItemQuery,
  LEGACY_SOURCE_ID,
  type SentenceHit,
  type Store,
  type StoredItem,
  type StoryOutline,
  type ThreadKey,
} from './store.js';
import { STORY_MEMBER_TERMS_BY_DATE, storyMemberTermsTable } from './story-members.js';
import { storyViewsMigration } from './story-views.js';
import { SubscriptionsDelegate } from './subscriptions-delegate.js';
import { saveTopicVocabularySql, topicVocabularyMigration } from './topic-vocabularies.js';

/** Each entry runs once, in order, inside a transaction; never edit one that has shipped. */
export const SQLITE_MIGRATIONS: string[] = [
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
  // 4: stories across outlets (src/core/stories): members, centroids, the term index candidates come
  // from, and document frequencies for TF-IDF. Members name items by id: an edited document's items
  // leave their stories and join again.
  `CREATE TABLE stories (
     id TEXT PRIMARY KEY,
     first_published TEXT NOT NULL,
     last_published TEXT NOT NULL,
     first_seen TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     centroid TEXT NOT NULL,
     names TEXT NOT NULL,
     numbers TEXT NOT NULL
   );
   CREATE TABLE story_members (
     item_id TEXT PRIMARY KEY,
     story_id TEXT NOT NULL,
     outlet TEXT NOT NULL,
     published TEXT NOT NULL,
     added_at TEXT NOT NULL
   );
   CREATE INDEX story_members_story ON story_members(story_id, published);
   CREATE TABLE story_terms (
     term TEXT NOT NULL,
     story_id TEXT NOT NULL,
     first_published TEXT NOT NULL,
     last_published TEXT NOT NULL,
     PRIMARY KEY (term, story_id)
   ) WITHOUT ROWID;
   CREATE INDEX story_terms_story ON story_terms(story_id);
   CREATE TABLE story_term_counts (term TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;`,
  // 5: claims on incoming deliveries (see deliveries.ts).
  deliveryClaimsMigration('TEXT'),
  // 6: documents belong to sources, keyed by source and origin; first-seen and updated times apart.
  // Rebuilt tables keep their rowids, so topic rows and the full-text index stay valid.
  `CREATE TABLE documents_v6 (
     id TEXT PRIMARY KEY,
     source_id TEXT NOT NULL,
     origin TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     title TEXT NOT NULL,
     source TEXT NOT NULL,
     url TEXT,
     published TEXT NOT NULL,
     body TEXT NOT NULL,
     topics TEXT NOT NULL,
     first_seen TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     UNIQUE (source_id, origin)
   );
   INSERT INTO documents_v6
     SELECT '${LEGACY_SOURCE_ID}:' || origin, '${LEGACY_SOURCE_ID}', origin, id, title, source, url, published, body,
       topics, ingested_at, ingested_at
     FROM documents;
   CREATE TABLE items_v6 (
     rowid INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE ON UPDATE CASCADE,
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
     ingested_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   INSERT INTO items_v6
     SELECT rowid, id, '${LEGACY_SOURCE_ID}:' || origin, story_key, position, headline, summary, key_points, topics,
       entities, published, source, url, document_title, sentences, ingested_at, ingested_at
     FROM items;
   DROP TABLE items;
   DROP TABLE documents;
   ALTER TABLE documents_v6 RENAME TO documents;
   ALTER TABLE items_v6 RENAME TO items;
   CREATE INDEX items_document ON items(document_id);
   CREATE INDEX items_recent ON items(published DESC, rowid DESC);
   CREATE INDEX items_ingested ON items(ingested_at);
   ${FEED_POLLS_SQLITE}`,
  // 7: story versions and what each channel was last shown of each story (see story-views.ts).
  storyViewsMigration('sqlite'),
  // 8: instance ids, adopted again after a crash (see instances.ts).
  instancesMigration('TEXT'),
  // 9: items join stories by their likeness to members, not to a centroid: each member keeps its terms
  // and is indexed under them. Members stored before stand in with their story's old centroid.
  `ALTER TABLE story_members ADD COLUMN terms TEXT NOT NULL DEFAULT '{}';
   UPDATE story_members SET terms = (SELECT centroid FROM stories WHERE stories.id = story_members.story_id);
   ALTER TABLE story_members ADD COLUMN document_id TEXT NOT NULL DEFAULT '';
   UPDATE story_members SET document_id = coalesce((SELECT document_id FROM items WHERE items.id = item_id), '');
   ${storyMemberTermsTable('sqlite')}
   INSERT INTO story_member_terms (term, published, item_id)
     SELECT t.term, m.published, m.item_id FROM story_terms AS t JOIN story_members AS m ON m.story_id = t.story_id;
   DROP TABLE story_terms;
   ALTER TABLE stories DROP COLUMN centroid;`,
  // 10: the member index keyed by date first, so filing writes to its end (see story-members.ts).
  STORY_MEMBER_TERMS_BY_DATE.sqlite,
  // 11: each topic row knows its item's story, so "N stories" on a topic is counted from one index
  // without reading an item (at 20,000 items the join to items was a third of a /brief); an index
  // from item to story does the same for the matches of words; and a story's outline (its newest date
  // and its outlets) is read from an index of its members, not from their rows.
  `ALTER TABLE item_topics ADD COLUMN story_key TEXT NOT NULL DEFAULT '';
   UPDATE item_topics SET story_key = (SELECT story_key FROM items WHERE items.rowid = item_topics.item_rowid);
   CREATE INDEX item_topics_stories ON item_topics(topic, story_key);
   CREATE INDEX items_story_keys ON items(rowid, story_key);
   CREATE INDEX story_members_outlines ON story_members(story_id, published, outlet);
   DROP INDEX story_members_story;
   CREATE TRIGGER item_topics_follow_story AFTER UPDATE OF story_key ON items
   BEGIN
     UPDATE item_topics SET story_key = NEW.story_key WHERE item_rowid = NEW.rowid;
   END;`,
  // 12: the topic vocabulary learned from stored items (see topic-vocabularies.ts).
  topicVocabularyMigration('TEXT'),
  // 13: a day's story members, read whole into the candidate index held in memory (recent-story-members.ts).
  'CREATE INDEX story_members_published ON story_members(published);',
];

const INSTANCE_SQL = instanceSql(() => '?');

/** The row of story_term_counts that counts clustered items. */
const ALL_ITEMS_TERM = '';
/**
 * Sentences a search's words may hold between them before the commoner words are left out: bm25 costs
 * about 3 µs a sentence on the bench machine, so this keeps the index's part of an answer near 30 ms.
 */
const SENTENCE_POSTINGS = 10_000;
const SENTENCE_COUNTS_CACHED = 20_000;

/** How long a statement waits for another process's lock on the file before it fails. */
const BUSY_TIMEOUT_MS = 5000;
const RETRY_MS = 20;

/**
 * Switches the file to write-ahead logging. The switch needs the file to itself, and SQLite answers
 * SQLITE_BUSY at once rather than calling the busy handler when another process holds it (two bots
 * started together on a fresh file), so this waits and tries again for as long as a busy statement
 * would wait.
 */
function useWriteAheadLog(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
    }
  }
}

/** One query's selection, as SqliteStore.candidates words it for finding and for counting. */
interface Candidates {
  sql: string;
  /** What `sql` binds when at most `limit` rows are wanted. */
  findParams: (limit: number) => unknown[];
  count: string;
  stories: string;
  /** What `count` and `stories` bind. */
  params: unknown[];
}

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
  updated_at: string;
}

/** A story member's row as the clusterer reads it. */
interface MemberRow {
  item_id: string;
  document_id: string;
  story_id: string;
  outlet: string;
  published: string;
  terms: string;
}

function toMember(row: MemberRow): MemberVector & { storyId: string } {
  return {
    storyId: row.story_id,
    itemId: row.item_id,
    documentId: row.document_id,
    outlet: row.outlet,
    published: row.published,
    terms: parsedTerms(row.terms),
  };
}

/** A story member's weights, stored as a JSON object. */
function parsedTerms(text: string): Vector {
  return new Map(Object.entries(JSON.parse(text) as Record<string, number>));
}

/** Keys an object orders first, ascending, whatever order they were written in. */
const isArrayIndex = (key: string) => /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1;

/**
 * A member's weights in the order parsedTerms reads them back from the row, so that a held member sums
 * its cosine in the same order as the index's copy, to the last bit: array-index keys ("2024") first.
 */
function inStoredOrder(terms: Vector): Vector {
  const indices = [...terms.keys()].filter(isArrayIndex);
  if (indices.length === 0) return terms;
  indices.sort((a, b) => Number(a) - Number(b));
  const ordered: Vector = new Map(indices.map((term) => [term, terms.get(term) ?? 0]));
  for (const [term, weight] of terms) if (!ordered.has(term)) ordered.set(term, weight);
  return ordered;
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
    updatedAt: row.updated_at,
    ...(row.url ? { url: row.url } : {}),
  };
}

/** Story versions remembered as stored: more than a day's stories change to. */
const STORED_VERSIONS = 8_192;

/** The embedded store: one SQLite file, WAL, FTS5 for text search. */
export class SqliteStore extends SubscriptionsDelegate implements Store {
  private readonly db: Database.Database;
  protected readonly subscriptions: SqliteSubscriptions;

  /** Sentences per question word, for `rarest`. */
  private readonly sentenceCounts = new Map<string, number>();
  /** The last days' story members, where new items' candidates are found. */
  private readonly recentMembers = new RecentStoryMembers({
    membersOn: (day) => this.membersOn(day),
    membersBetween: (from, to) =>
      this.statement('SELECT count(*) FROM story_members WHERE published BETWEEN ? AND ?')
        .pluck()
        .get(from, to) as number,
    storyFacts: (ids) => this.storyFacts(ids),
  });
  private readonly heldCounts = new HeldTermCounts((terms) => this.storedTermFrequencies(terms));
  /** PRAGMA data_version when what is held was last used: another connection's commit changes it. */
  private dataVersion: number | undefined;
  /** Term counts of the items filed since the open commit began, written just before it commits. */
  private uncommittedCounts: Map<string, number> | undefined;
  /**
   * Story versions this connection has seen stored (`storyId|digest`). A version is named by its
   * content and never deleted, so once stored it stays stored: a minute's digests record the same few
   * hundred versions thousands of times, and need not ask each time.
   */
  private readonly storedVersions = new Map<string, true>();
  private vocabularyReady = false;

  constructor(path: string) {
    super();
    if (path !== ':memory:') makeDirectory(dirname(path));
    this.db = new Database(path);
    // First, so every later step waits for another process's lock instead of failing at once.
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    useWriteAheadLog(this.db);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.subscriptions = new SqliteSubscriptions(
      (sql) => this.statement(sql),
      (work) => this.db.transaction(work).immediate(),
    );
  }

  /**
   * All pending migrations in one IMMEDIATE transaction, with the version read inside it: a second
   * process starting on the same fresh file waits for the first, then finds nothing left to do.
   */
  private migrate(): void {
    // Tables are rebuilt with foreign keys off, as SQLite's ALTER TABLE guide says: dropping the old
    // table must not cascade into the rows that the new one keeps. The pragma is a no-op inside a
    // transaction, so it is set around it; keys are checked before they go back on.
    this.db.pragma('foreign_keys = OFF');
    try {
      this.db
        .transaction(() => {
          this.db.exec(
            'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
          );
          const row = this.db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
            version: number | null;
          };
          const current = row.version ?? 0;
          if (current > SQLITE_MIGRATIONS.length) {
            throw new Error(
              `database schema version ${current} is newer than this briefbot (${SQLITE_MIGRATIONS.length}): upgrade briefbot`,
            );
          }
          SQLITE_MIGRATIONS.slice(current).forEach((sql, index) => {
            this.db.exec(sql);
            const broken = this.db.pragma('foreign_key_check') as unknown[];
            if (broken.length > 0)
              throw new Error(`migration ${current + index + 1} left ${broken.length} dangling rows`);
            this.db
              .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
              .run(current + index + 1, new Date().toISOString());
          });
        })
        .immediate();
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once: ingest and digests run the same few statements for every item and subscription. */
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

  async sourceDocuments(sourceId: string): Promise<Map<string, string>> {
    const rows = this.statement('SELECT origin, fingerprint FROM documents WHERE source_id = ?').all(
      sourceId,
    ) as { origin: string; fingerprint: string }[];
    return new Map(rows.map((row) => [row.origin, row.fingerprint]));
  }

  async getDocument(id: string): Promise<StoredDocument | undefined> {
    const row = this.statement('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
    return row ? toDocument(row) : undefined;
  }

  replaceDocument(document: SourceDocument, items: Item[], now: string): Promise<void> {
    return this.replaceDocuments([{ document, items }], now);
  }

  async replaceDocuments(batch: readonly DocumentItems[], now: string): Promise<void> {
    // IMMEDIATE: a deferred transaction that reads and then writes gets SQLITE_BUSY_SNAPSHOT in WAL
    // when another process wrote in between, and that error does not wait for busy_timeout.
    this.keepingHeld(() =>
      this.db
        .transaction(() => {
          for (const { document, items } of batch) this.replace(document, items, now);
        })
        .immediate(),
    );
  }

  private replace(document: SourceDocument, items: Item[], now: string): void {
    const previous = (
      this.statement('SELECT id, ingested_at, updated_at, sentences FROM items WHERE document_id = ?').all(
        document.id,
      ) as { id: string; ingested_at: string; updated_at: string; sentences: string }[]
    ).map((row) => ({
      id: row.id,
      ingestedAt: row.ingested_at,
      updatedAt: row.updated_at,
      text: (JSON.parse(row.sentences) as Item['sentences']).map((sentence) => sentence.text).join(' '),
    }));
    const times = reviseItemTimes(previous, items, now);
    const stored = this.statement(
      'SELECT fingerprint, first_seen, updated_at FROM documents WHERE id = ?',
    ).get(document.id) as { fingerprint: string; first_seen: string; updated_at: string } | undefined;
    // Items that survive an edit unchanged stay members of their stories.
    this.deleteItems(document.id, new Set(items.map((item) => item.id)));
    this.statement(
      `INSERT INTO documents (id, source_id, origin, fingerprint, title, source, url, published, body, topics,
         first_seen, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, title = excluded.title,
         source = excluded.source, url = excluded.url, published = excluded.published, body = excluded.body,
         topics = excluded.topics, updated_at = excluded.updated_at`,
    ).run(
      document.id,
      document.sourceId,
      document.origin,
      document.fingerprint,
      document.title,
      document.source,
      document.url ?? null,
      document.published,
      document.body,
      JSON.stringify(document.topics),
      stored?.first_seen ?? now,
      stored && stored.fingerprint === document.fingerprint ? stored.updated_at : now,
    );
    const insertItem = this.statement(
      `INSERT INTO items (id, document_id, story_key, position, headline, summary, key_points, topics,
         entities, published, source, url, document_title, sentences, ingested_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertTopic = this.statement(
      'INSERT INTO item_topics (topic, item_rowid, weight, published, story_key) VALUES (?, ?, ?, ?, ?)',
    );
    const insertFts = this.statement(
      'INSERT INTO items_fts (rowid, headline, summary, body) VALUES (?, ?, ?, ?)',
    );
    const insertSentence = this.statement(
      'INSERT INTO sentences_fts (text, item_rowid, idx) VALUES (?, ?, ?)',
    );
    for (const item of items) {
      const time = times.get(item.id) ?? { ingestedAt: now, updatedAt: now };
      const result = insertItem.run(
        item.id,
        document.id,
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
        time.ingestedAt,
        time.updatedAt,
      );
      const rowid = Number(result.lastInsertRowid);
      // Topics are listed strongest first; the weight keeps that order for ranking.
      for (const [rank, topic] of item.topics.entries())
        insertTopic.run(topic, rowid, 1 / (1 + rank), item.published, item.storyKey);
      insertFts.run(
        rowid,
        item.headline,
        item.summary,
        item.sentences.map((sentence) => sentence.text).join(' '),
      );
      for (const [index, sentence] of item.sentences.entries())
        insertSentence.run(sentence.text, rowid, index);
    }
    // Items that survive an edit stay in their stories.
    this.statement(
      `UPDATE items SET story_key = m.story_id FROM story_members AS m
       WHERE items.document_id = ? AND m.item_id = items.id`,
    ).run(document.id);
  }

  async removeDocument(sourceId: string, origin: string): Promise<boolean> {
    const id = documentIdentity(sourceId, origin);
    return this.keepingHeld(() =>
      this.db
        .transaction(() => {
          this.deleteItems(id);
          return this.statement('DELETE FROM documents WHERE id = ?').run(id).changes > 0;
        })
        .immediate(),
    );
  }

  async adoptLegacyDocuments(sourceId: string): Promise<number> {
    return this.keepingHeld(() =>
      this.db
        .transaction(() => {
          const origins = this.db
            .prepare('SELECT origin FROM documents WHERE source_id = ?')
            .pluck()
            .all(LEGACY_SOURCE_ID) as string[];
          const taken = this.statement('SELECT 1 FROM documents WHERE id = ?');
          const move = this.statement(
            'UPDATE documents SET id = ?, source_id = ? WHERE source_id = ? AND origin = ?',
          );
          const drop = this.statement('DELETE FROM documents WHERE source_id = ? AND origin = ?');
          let moved = 0;
          for (const origin of origins) {
            const id = documentIdentity(sourceId, origin);
            // The source already holds that origin: the legacy copy is stale.
            if (taken.get(id)) {
              const legacyId = `${LEGACY_SOURCE_ID}:${origin}`;
              this.deleteItems(legacyId);
              drop.run(LEGACY_SOURCE_ID, origin);
              continue;
            }
            move.run(id, sourceId, LEGACY_SOURCE_ID, origin);
            moved++;
          }
          return moved;
        })
        .immediate(),
    );
  }

  /**
   * A document's items and their full-text rows, which no foreign key reaches; items in `keep` stay
   * members of their stories.
   */
  private deleteItems(documentId: string, keep: ReadonlySet<string> = new Set()): void {
    const rows = this.statement('SELECT rowid, id FROM items WHERE document_id = ?').all(documentId) as {
      rowid: number;
      id: string;
    }[];
    const deleteFts = this.statement('DELETE FROM items_fts WHERE rowid = ?');
    const deleteSentences = this.statement('DELETE FROM sentences_fts WHERE item_rowid = ?');
    const deleteMember = this.statement('DELETE FROM story_members WHERE item_id = ?');
    for (const { rowid, id } of rows) {
      deleteFts.run(rowid);
      deleteSentences.run(rowid);
      if (!keep.has(id)) {
        deleteMember.run(id);
        this.recentMembers.deleted(id);
      }
    }
    this.statement('DELETE FROM items WHERE document_id = ?').run(documentId);
  }

  async findItems(query: ItemQuery, limit: number): Promise<ItemHit[]> {
    const candidates = this.candidates(query);
    if (!candidates) return [];
    // Candidates first, rows after: only the few chosen rows are read in full.
    const rows = this.statement(
      `SELECT items.*, c.relevance AS relevance FROM (${candidates.sql} LIMIT ?) AS c
       JOIN items ON items.rowid = c.rid ORDER BY c.position`,
    ).all(...candidates.findParams(limit)) as (ItemRow & { relevance: number })[];
    return rows.map((row) => ({ item: toItem(row), relevance: row.relevance }));
  }

  async countItems(query: ItemQuery): Promise<number> {
    const candidates = this.candidates(query);
    if (!candidates) return 0;
    return (
      this.statement(`SELECT count(*) AS count FROM (${candidates.count})`).get(...candidates.params) as {
        count: number;
      }
    ).count;
  }

  async countStories(query: ItemQuery): Promise<number> {
    const candidates = this.candidates(query);
    if (!candidates) return 0;
    return (this.statement(candidates.stories).get(...candidates.params) as { count: number }).count;
  }

  /**
   * The rowids a query selects, best first, as `rid`, `relevance` and `position` (the order), plus
   * the same selection for counting, so finding and counting never disagree. A single topic walks
   * its (topic, published) index newest first; words take FTS5's best matches, all words if any item
   * has them all, else any. Undefined: nothing can match.
   */
  private candidates(query: ItemQuery): Candidates | undefined {
    const topics = query.topics ?? [];
    const topicList = topics.map(() => '?').join(', ');
    const params: unknown[] = [];
    const where: string[] = [];
    let source: string;
    let relevance: string;
    let order: string;
    // What counting walks, when it differs from what finding ranks.
    let counted: { from: string; where: string } | undefined;
    // Words alone: FTS5 keeps only the best `limit` of its matches, so no other is read from items.
    const wordsOnly = query.text !== undefined && topics.length === 0 && !query.ingestedSince;
    if (query.text !== undefined) {
      const match = this.bestMatch(query.text);
      if (!match) return undefined;
      // bm25 is scored inside its own query: FTS5 allows it nowhere else.
      source = `(SELECT rowid AS rid, bm25(items_fts, 4.0, 2.0, 1.0) AS score FROM items_fts
                 WHERE items_fts MATCH ? ${wordsOnly ? 'ORDER BY score LIMIT ?' : 'LIMIT -1'}) AS f
                JOIN items ON items.rowid = f.rid`;
      params.push(match);
      relevance = '-f.score';
      order = 'f.score';
      // Counting needs no score, and reads each match's story from an index rather than its row.
      counted = {
        from: 'items_fts JOIN items INDEXED BY items_story_keys ON items.rowid = items_fts.rowid',
        where: 'items_fts MATCH ?',
      };
      if (topics.length > 0) {
        where.push(`items.rowid IN (SELECT item_rowid FROM item_topics WHERE topic IN (${topicList}))`);
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
                 WHERE topic IN (${topicList}) GROUP BY item_rowid) AS t
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
    // Counting topics alone needs no row of items at all: item_topics holds each item's story.
    const topicsOnly = query.text === undefined && topics.length > 0 && !query.ingestedSince;
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const countFrom = counted
      ? `${counted.from} WHERE ${[counted.where, ...where].join(' AND ')}`
      : `${source} ${filter}`;
    return {
      sql: `SELECT items.rowid AS rid, ${relevance} AS relevance, row_number() OVER (ORDER BY ${order}) AS position
            FROM ${source} ${filter} ORDER BY ${order}`,
      findParams: (limit) => (wordsOnly ? [params[0], limit, limit] : [...params, limit]),
      count:
        topicsOnly && topics.length === 1
          ? 'SELECT 1 FROM item_topics WHERE topic = ?'
          : `SELECT 1 FROM ${countFrom}`,
      stories: topicsOnly
        ? `SELECT count(DISTINCT story_key) AS count FROM item_topics WHERE topic IN (${topicList})`
        : `SELECT count(DISTINCT items.story_key) AS count FROM ${countFrom}`,
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
    const match = ftsQuery(this.rarest(words).join(' '), 'any');
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

  /**
   * The words a sentence search asks the index for: the rarest first, while the sentences they are in
   * stay under SENTENCE_POSTINGS. bm25 scores every sentence that holds any word of the query, so a
   * common word ("said": a fifth of all sentences) would make each search walk the whole store; the
   * caller ranks the candidates again with every word.
   */
  private rarest(words: readonly string[]): string[] {
    const counted = [...new Set(words)].map((word) => ({ word, sentences: this.sentencesWith(word) }));
    counted.sort((a, b) => a.sentences - b.sentences);
    const kept: string[] = [];
    let postings = 0;
    for (const { word, sentences } of counted) {
      if (kept.length > 0 && postings + sentences > SENTENCE_POSTINGS) break;
      kept.push(word);
      postings += sentences;
    }
    return kept;
  }

  /**
   * How many sentences hold a word, from the index's vocabulary (fts5vocab), the word cut into terms
   * by the index's own tokenizer (a scratch FTS5 table in the temp schema): no posting list is walked.
   * Cached per word; a count that has since grown only makes a search a little slower, never wrong.
   */
  private sentencesWith(word: string): number {
    const cached = this.sentenceCounts.get(word);
    if (cached !== undefined) return cached;
    if (!this.vocabularyReady) {
      this.db.exec(`
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.sentence_terms USING fts5vocab(main, 'sentences_fts', 'row');
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.word_cutter USING fts5(word, tokenize = 'porter unicode61');
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.word_cutter_terms USING fts5vocab(temp, 'word_cutter', 'row');`);
      this.vocabularyReady = true;
    }
    const count = this.db.transaction(() => {
      this.statement('INSERT INTO temp.word_cutter (word) VALUES (?)').run(word);
      const terms = this.statement('SELECT term FROM temp.word_cutter_terms').all() as { term: string }[];
      this.statement('DELETE FROM temp.word_cutter').run();
      // A phrase of several terms is in no more sentences than its rarest term.
      const counts = terms.map(
        ({ term }) =>
          (
            this.statement('SELECT doc FROM temp.sentence_terms WHERE term = ?').get(term) as
              | { doc: number }
              | undefined
          )?.doc ?? 0,
      );
      return counts.length ? Math.min(...counts) : 0;
    })();
    if (this.sentenceCounts.size >= SENTENCE_COUNTS_CACHED) this.sentenceCounts.clear();
    this.sentenceCounts.set(word, count);
    return count;
  }

  async topicCounts(): Promise<Map<string, number>> {
    const rows = this.db.prepare('SELECT topic, count(*) AS count FROM item_topics GROUP BY topic').all() as {
      topic: string;
      count: number;
    }[];
    return new Map(rows.map((row) => [row.topic, row.count]));
  }

  async documentsSeenSince(since: string): Promise<Map<string, number>> {
    const rows = this.statement(
      'SELECT source_id, count(*) AS count FROM documents WHERE first_seen >= ? GROUP BY source_id',
    ).all(since) as { source_id: string; count: number }[];
    return new Map(rows.map((row) => [row.source_id, row.count]));
  }

  async claimDueFeeds(
    urls: readonly string[],
    now: string,
    instanceId: string,
    leaseUntil: string,
    limit: number,
  ): Promise<FeedPollState[]> {
    if (urls.length === 0 || limit <= 0) return [];
    return this.db
      .transaction(() => {
        const add = this.statement(
          'INSERT INTO feed_polls (url, next_poll) VALUES (?, ?) ON CONFLICT DO NOTHING',
        );
        for (const url of urls) add.run(url, now);
        const rows = this.db
          .prepare(
            `UPDATE feed_polls SET claimed_by = ?, claimed_until = ?
           WHERE url IN (SELECT url FROM feed_polls
                         WHERE url IN (SELECT value FROM json_each(?)) AND next_poll <= ?
                           AND (claimed_until IS NULL OR claimed_until <= ?)
                         ORDER BY next_poll LIMIT ?)
           RETURNING *`,
          )
          .all(instanceId, leaseUntil, JSON.stringify(urls), now, now, limit) as FeedPollRow[];
        return rows.map(toFeedPoll);
      })
      .immediate();
  }

  async saveFeedPoll(state: FeedPollState, instanceId: string): Promise<void> {
    this.statement(
      `UPDATE feed_polls SET etag = ?, last_modified = ?, failures = ?, next_poll = ?, last_success = ?,
         last_error = ?, last_error_at = ?, failing_since = ?, failure_reported = ?,
         claimed_by = NULL, claimed_until = NULL
       WHERE url = ? AND (claimed_by IS NULL OR claimed_by = ?)`,
    ).run(...feedPollValues(state), state.url, instanceId);
  }

  async feedPolls(urls: readonly string[]): Promise<FeedPollState[]> {
    const rows = this.statement(
      'SELECT * FROM feed_polls WHERE url IN (SELECT value FROM json_each(?)) ORDER BY url',
    ).all(JSON.stringify(urls)) as FeedPollRow[];
    return rows.map(toFeedPoll);
  }

  async markFeedFailureReported(url: string, failingSince: string, at: string): Promise<boolean> {
    const { changes } = this.statement(
      `UPDATE feed_polls SET failure_reported = ?
       WHERE url = ? AND failing_since = ? AND failure_reported IS NULL`,
    ).run(at, url, failingSince);
    return changes === 1;
  }

  async clearFeedFailureReport(url: string, reportedAt: string): Promise<boolean> {
    const { changes } = this.statement(
      'UPDATE feed_polls SET failure_reported = NULL WHERE url = ? AND failure_reported = ?',
    ).run(url, reportedAt);
    return changes === 1;
  }

  async termFrequencies(terms: readonly string[]): Promise<{ total: number; counts: Map<string, number> }> {
    this.noticeOtherWriters();
    return this.heldCounts.frequencies(terms);
  }

  private storedTermFrequencies(terms: readonly string[]): { total: number; counts: Map<string, number> } {
    const wanted = [ALL_ITEMS_TERM, ...terms];
    const rows = this.statement(
      'SELECT term, count FROM story_term_counts WHERE term IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(wanted)) as { term: string; count: number }[];
    const counts = new Map(rows.map((row) => [row.term, row.count]));
    for (const term of wanted) {
      const uncommitted = this.uncommittedCounts?.get(term);
      if (uncommitted !== undefined) counts.set(term, (counts.get(term) ?? 0) + uncommitted);
    }
    const total = counts.get(ALL_ITEMS_TERM) ?? 0;
    counts.delete(ALL_ITEMS_TERM);
    return { total, counts };
  }

  async storyCandidates(probe: StoryProbe, limit: number): Promise<StoryCandidate[]> {
    this.noticeOtherWriters();
    return this.recentMembers.candidates(probe, limit) ?? this.indexedCandidates(probe, limit);
  }

  /** Forgets what is held of the story index once another connection has committed. */
  private noticeOtherWriters(): void {
    const version = this.statement('PRAGMA data_version').pluck().get() as number;
    if (version !== this.dataVersion) this.forgetHeld();
    this.dataVersion = version;
  }

  private forgetHeld(): void {
    this.recentMembers.clear();
    this.heldCounts.clear();
  }

  /** The candidates through the member index, for probes the recent members do not cover. */
  private indexedCandidates(probe: StoryProbe, limit: number): StoryCandidate[] {
    if (probe.terms.length === 0) return [];
    // SQLite has no lateral join: each term's newest postings are a subquery of their own, looked up
    // on each day of the window along the (published, term) key.
    const days = datesBetween(probe.from, probe.to);
    const postings = probe.terms
      .map(
        () =>
          `SELECT * FROM (SELECT item_id FROM story_member_terms
           WHERE published IN (${days.map(() => '?').join(', ')}) AND term = ?
           ORDER BY published DESC, item_id DESC LIMIT ?)`,
      )
      .join(' UNION ALL ');
    const members = this.statement(
      `SELECT m.item_id, m.document_id, m.story_id, m.outlet, m.published, m.terms
       FROM (SELECT item_id, count(*) AS shared FROM (${postings})
             GROUP BY item_id ORDER BY shared DESC, item_id LIMIT ?) AS c
       JOIN story_members AS m ON m.item_id = c.item_id ORDER BY c.shared DESC, m.item_id`,
    ).all(...probe.terms.flatMap((term) => [...days, term, probe.perTerm]), limit) as MemberRow[];
    if (members.length === 0) return [];
    const stories = this.statement(
      `SELECT s.id, s.names, s.numbers,
         (SELECT count(*) FROM story_members WHERE story_id = s.id AND published BETWEEN ? AND ?) AS in_window
       FROM stories AS s WHERE s.id IN (SELECT value FROM json_each(?))`,
    ).all(probe.from, probe.to, JSON.stringify([...new Set(members.map((m) => m.story_id))])) as {
      id: string;
      names: string;
      numbers: string;
      in_window: number;
    }[];
    return candidatesFrom(
      members.map(toMember),
      stories.map((row) => ({
        id: row.id,
        names: JSON.parse(row.names),
        numbers: JSON.parse(row.numbers),
        membersInWindow: row.in_window,
      })),
    );
  }

  private membersOn(day: string): RecentMember[] {
    const rows = this.statement(
      'SELECT item_id, document_id, story_id, outlet, published, terms FROM story_members WHERE published = ?',
    ).all(day) as MemberRow[];
    const indexTerms = new Map<string, string[]>();
    for (const { term, item_id } of this.statement(
      'SELECT term, item_id FROM story_member_terms WHERE published = ?',
    ).all(day) as { term: string; item_id: string }[]) {
      const terms = indexTerms.get(item_id);
      if (terms) terms.push(term);
      else indexTerms.set(item_id, [term]);
    }
    return rows.map((row) => ({ ...toMember(row), indexTerms: indexTerms.get(row.item_id) ?? [] }));
  }

  private storyFacts(ids: readonly string[]): Map<string, StoryFacts> {
    const rows = this.statement(
      'SELECT id, names, numbers FROM stories WHERE id IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(ids)) as { id: string; names: string; numbers: string }[];
    return new Map(
      rows.map((row) => [row.id, { names: JSON.parse(row.names), numbers: JSON.parse(row.numbers) }]),
    );
  }

  async addStoryMember(member: StoryMembership): Promise<void> {
    const { input } = member;
    const terms = JSON.stringify(Object.fromEntries(member.terms));
    this.keepingHeld(() => this.fileMember(member, terms));
    this.heldCounts.counted(member.itemTerms);
    this.recentMembers.filed(
      {
        itemId: input.itemId,
        documentId: input.documentId,
        storyId: member.storyId,
        outlet: input.outlet,
        published: input.published,
        terms: inStoredOrder(member.terms),
        indexTerms: member.indexTerms,
      },
      { names: member.names, numbers: member.numbers },
    );
  }

  private fileMember(member: StoryMembership, terms: string): void {
    const { input } = member;
    this.db.transaction(() => {
      this.statement(
        `INSERT INTO stories (id, first_published, last_published, first_seen, updated_at, names, numbers)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET
           first_published = min(first_published, excluded.first_published),
           last_published = max(last_published, excluded.last_published),
           updated_at = excluded.updated_at, names = excluded.names, numbers = excluded.numbers`,
      ).run(
        member.storyId,
        input.published,
        input.published,
        member.addedAt,
        member.addedAt,
        JSON.stringify(member.names),
        JSON.stringify(member.numbers),
      );
      this.statement(
        `INSERT INTO story_members (item_id, document_id, story_id, outlet, published, added_at, terms)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (item_id) DO UPDATE SET document_id = excluded.document_id, story_id = excluded.story_id,
           outlet = excluded.outlet, published = excluded.published, terms = excluded.terms`,
      ).run(
        input.itemId,
        input.documentId,
        member.storyId,
        input.outlet,
        input.published,
        member.addedAt,
        terms,
      );
      this.statement('DELETE FROM story_member_terms WHERE item_id = ?').run(input.itemId);
      // One statement per list rather than per term: a member has a hundred or so, and each call
      // into SQLite cost more than its row.
      this.statement(
        'INSERT INTO story_member_terms (term, published, item_id) SELECT value, ?, ? FROM json_each(?)',
      ).run(input.published, input.itemId, JSON.stringify(member.indexTerms));
      this.statement('UPDATE items SET story_key = ? WHERE id = ?').run(member.storyId, input.itemId);
    })();
    this.countTerms([ALL_ITEMS_TERM, ...member.itemTerms]);
  }

  /**
   * Counts an item's terms in, at the commit when one is open: the items of a batch share most of
   * their terms, and each count written is a row rewritten.
   */
  private countTerms(terms: readonly string[]): void {
    if (!this.uncommittedCounts) {
      this.writeTermCounts(new Map(terms.map((term) => [term, 1])));
      return;
    }
    for (const term of terms) this.uncommittedCounts.set(term, (this.uncommittedCounts.get(term) ?? 0) + 1);
  }

  private writeTermCounts(counts: ReadonlyMap<string, number>): void {
    if (counts.size === 0) return;
    this.statement(
      `INSERT INTO story_term_counts (term, count) SELECT key, value FROM json_each(?) WHERE true
       ON CONFLICT (term) DO UPDATE SET count = count + excluded.count`,
    ).run(JSON.stringify(Object.fromEntries(counts)));
  }

  /**
   * Runs a write that may change story members or term counts: if it fails, SQLite rolls it back,
   * and what is held has already been told of changes the file no longer holds.
   */
  private keepingHeld<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      this.forgetHeld();
      throw error;
    }
  }

  async inOneCommit<T>(work: () => Promise<T>): Promise<T> {
    // Transactions opened inside (addStoryMember's) become savepoints of this one.
    if (this.db.inTransaction) return work();
    this.db.exec('BEGIN IMMEDIATE');
    this.uncommittedCounts = new Map();
    try {
      const result = await work();
      this.writeTermCounts(this.uncommittedCounts);
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.forgetHeld();
      throw error;
    } finally {
      this.uncommittedCounts = undefined;
    }
  }

  async storyOf(itemId: string): Promise<string | undefined> {
    const row = this.statement('SELECT story_id FROM story_members WHERE item_id = ?').get(itemId) as
      | { story_id: string }
      | undefined;
    return row?.story_id;
  }

  async storyMembers(storyIds: readonly string[]): Promise<Map<string, StoredItem[]>> {
    const members = new Map<string, StoredItem[]>();
    if (storyIds.length === 0) return members;
    const rows = this.statement(
      `SELECT m.story_id AS member_of, items.* FROM story_members AS m JOIN items ON items.id = m.item_id
       WHERE m.story_id IN (SELECT value FROM json_each(?))
       ORDER BY m.published, m.added_at, items.position, m.rowid`,
    ).all(JSON.stringify(storyIds)) as (ItemRow & { member_of: string })[];
    for (const row of rows) {
      const list = members.get(row.member_of) ?? [];
      list.push(toItem(row));
      members.set(row.member_of, list);
    }
    return members;
  }

  async storyOutlines(storyIds: readonly string[]): Promise<Map<string, StoryOutline>> {
    if (storyIds.length === 0) return new Map();
    const rows = this.statement(
      `SELECT story_id, max(published) AS newest, count(DISTINCT outlet) AS outlets FROM story_members
       WHERE story_id IN (SELECT value FROM json_each(?)) GROUP BY story_id`,
    ).all(JSON.stringify(storyIds)) as { story_id: string; newest: string; outlets: number }[];
    return new Map(rows.map((row) => [row.story_id, { newest: row.newest, outlets: row.outlets }]));
  }

  async storyViews(
    platform: Platform,
    channelId: string,
    storyIds: readonly string[],
  ): Promise<Map<string, StoryVersion>> {
    const rows = this.statement(
      `SELECT v.version FROM story_views AS w
       JOIN story_versions AS v ON v.story_id = w.story_id AND v.digest = w.digest
       WHERE w.platform = ? AND w.channel_id = ? AND w.story_id IN (SELECT value FROM json_each(?))`,
    ).all(platform, channelId, JSON.stringify(storyIds)) as { version: string }[];
    const versions = rows.map((row) => JSON.parse(row.version) as StoryVersion);
    return new Map(versions.map((version) => [version.storyId, version]));
  }

  async seenVersionDigests(
    platform: Platform,
    channelId: string,
    storyIds: readonly string[],
  ): Promise<Map<string, string>> {
    const rows = this.statement(
      `SELECT story_id, digest FROM story_views
       WHERE platform = ? AND channel_id = ? AND story_id IN (SELECT value FROM json_each(?))`,
    ).all(platform, channelId, JSON.stringify(storyIds)) as { story_id: string; digest: string }[];
    return new Map(rows.map((row) => [row.story_id, row.digest]));
  }

  async storyVersion(storyId: string, digest: string): Promise<StoryVersion | undefined> {
    const row = this.statement('SELECT version FROM story_versions WHERE story_id = ? AND digest = ?').get(
      storyId,
      digest,
    ) as { version: string } | undefined;
    return row ? (JSON.parse(row.version) as StoryVersion) : undefined;
  }

  async recordStoryViews(
    platform: Platform,
    channelId: string,
    versions: readonly StoryVersion[],
    seenAt: string,
  ): Promise<void> {
    // Most versions are stored already (another channel was shown them): checked before writing.
    const known = this.statement('SELECT 1 FROM story_versions WHERE story_id = ? AND digest = ?');
    const addVersion = this.statement(
      `INSERT INTO story_versions (story_id, digest, version, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (story_id, digest) DO NOTHING`,
    );
    const view = this.statement(
      `INSERT INTO story_views (platform, channel_id, story_id, digest, seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (platform, channel_id, story_id) DO UPDATE SET digest = excluded.digest, seen_at = excluded.seen_at`,
    );
    const checked: string[] = [];
    this.db.transaction(() => {
      for (const version of versions) {
        const digest = versionDigest(version);
        const name = `${version.storyId}|${digest}`;
        if (!this.storedVersions.has(name)) {
          if (!known.get(version.storyId, digest))
            addVersion.run(version.storyId, digest, JSON.stringify(version), seenAt);
          checked.push(name);
        }
        view.run(platform, channelId, version.storyId, digest, seenAt);
      }
    })();
    // Only once committed: a rolled-back insert stored nothing.
    for (const name of checked) remember(this.storedVersions, name, true, STORED_VERSIONS);
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
    this.statement(
      `INSERT INTO thread_contexts (platform, channel_id, thread_id, topic, item_ids, turns, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (platform, channel_id, thread_id) DO UPDATE SET
           topic = excluded.topic, item_ids = excluded.item_ids, turns = excluded.turns, updated_at = excluded.updated_at`,
    ).run(
      context.platform,
      context.channelId,
      context.threadId,
      context.topic ?? null,
      JSON.stringify(context.itemIds),
      JSON.stringify(context.turns),
      context.updatedAt,
    );
  }

  async pruneThreadContexts(before: string): Promise<number> {
    return this.statement('DELETE FROM thread_contexts WHERE updated_at < ?').run(before).changes;
  }

  async claimDelivery(claim: DeliveryClaim): Promise<boolean> {
    const { keys, values } = claimDeliveryValues(claim);
    const taken = this.statement(claimDeliverySql(keys.length, () => '?')).all(...values);
    return taken.length === keys.length;
  }

  async pruneDeliveryClaims(now: string): Promise<number> {
    return this.statement('DELETE FROM delivery_claims WHERE expires_at <= ?').run(now).changes;
  }

  async listInstances(host: string): Promise<InstanceRecord[]> {
    return (this.statement(INSTANCE_SQL.list).all(host) as InstanceRow[]).map(toInstance);
  }

  async takeInstance(next: InstanceRecord, previous: InstanceRecord | undefined): Promise<boolean> {
    const result = previous
      ? this.statement(INSTANCE_SQL.adopt).run(
          next.pid,
          next.startedAt,
          next.id,
          next.host,
          previous.pid,
          previous.startedAt,
        )
      : this.statement(INSTANCE_SQL.insert).run(next.id, next.host, next.pid, next.startedAt);
    return result.changes > 0;
  }

  async releaseInstance(holder: InstanceRecord, at: string): Promise<void> {
    this.statement(INSTANCE_SQL.release).run(at, holder.id, holder.pid, holder.startedAt);
  }

  async loadTopicVocabulary(): Promise<string | undefined> {
    const row = this.statement('SELECT snapshot FROM topic_vocabulary WHERE id = 1').get() as
      | { snapshot: string }
      | undefined;
    return row?.snapshot;
  }

  async saveTopicVocabulary(snapshot: string, at: string): Promise<void> {
    this.statement(saveTopicVocabularySql(() => '?')).run(snapshot, at);
  }
}
