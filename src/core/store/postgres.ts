import pg from 'pg';
import { reviseItemTimes } from '../ingest/revisions.js';
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
  type StoryCandidate,
  type StoryMembership,
  type StoryProbe,
} from '../stories/cluster.js';
import { type StoryVersion, versionDigest } from '../stories/versions.js';
import { claimDeliverySql, claimDeliveryValues, type DeliveryClaim } from './deliveries.js';
import { type DocumentRow, toDocument } from './document-rows.js';
import { type FeedPollRow, type FeedPollState, feedPollValues, toFeedPoll } from './feed-polls.js';
import { type InstanceRecord, type InstanceRow, instanceSql, toInstance } from './instances.js';
import { migratePostgres } from './postgres-migrations.js';
import { PostgresSubscriptions } from './postgres-subscriptions.js';
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
import { SubscriptionsDelegate } from './subscriptions-delegate.js';
import { saveTopicVocabularySql } from './topic-vocabularies.js';

/** Advisory lock namespace for per-document writes, so two instances ingesting one document take turns. */
const ORIGIN_LOCK_CLASS = 0x6263;
/** Advisory lock namespace for a story's writes, so two instances adding members take turns. */
const STORY_LOCK_CLASS = 0x6273;
/** The row of story_term_counts that counts clustered items. */
const ALL_ITEMS_TERM = '';

/**
 * A tsquery (english configuration) from user text: every word single-quoted, so nothing the user
 * types is read as tsquery syntax, and any word may match (ts_rank prefers rows with more of them).
 * Same words as the SQLite store's `ftsQuery`. Always sent as a bind parameter, never spliced into SQL.
 */
export function tsQueryText(text: string): string | undefined {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words)].filter((word) => word.length > 1 || /\d/.test(word));
  if (unique.length === 0) return undefined;
  return unique.map((word) => `'${word.replace(/['\\]/g, '')}'`).join(' | ');
}

/** Weights for ts_rank, as {D, C, B, A}: headline 4, summary 2, body 1, as the SQLite store's bm25. */
const RANK_WEIGHTS = '{0.25, 0.25, 0.5, 1.0}';

interface ItemRow {
  pk: string;
  id: string;
  document_id: string;
  story_key: string;
  position: number;
  headline: string;
  summary: string;
  key_points: string[];
  topics: string[];
  entities: string[];
  published: string;
  source: string;
  url: string | null;
  document_title: string;
  sentences: Item['sentences'];
  ingested_at: Date;
  updated_at: Date;
}

const ITEM_COLUMNS = `items.pk, items.id, items.document_id, items.story_key, items.position, items.headline,
  items.summary, items.key_points, items.topics, items.entities, items.published, items.source, items.url,
  items.document_title, items.sentences, items.ingested_at, items.updated_at`;

function toItem(row: ItemRow): StoredItem {
  return {
    id: row.id,
    documentId: row.document_id,
    storyKey: row.story_key,
    position: row.position,
    headline: row.headline,
    summary: row.summary,
    keyPoints: row.key_points,
    topics: row.topics,
    entities: row.entities,
    published: row.published,
    source: row.source,
    documentTitle: row.document_title,
    sentences: row.sentences,
    ingestedAt: row.ingested_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.url ? { url: row.url } : {}),
  };
}

/** Numbered bind parameters for a query built in pieces. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export interface PostgresStoreOptions {
  /** Schema to keep the tables in (it must exist); default: the connection's search_path. */
  schema?: string;
  /** Pool size when the store opens its own pool. */
  max?: number;
}

/**
 * The scale-out store: PostgreSQL through a `pg` Pool, tsvector/ts_rank for text search. Several bot
 * instances may share one database. Open it with `PostgresStore.open`, which brings the schema up to
 * date; the constructor alone does not.
 */
const INSTANCE_SQL = instanceSql((n) => `$${n}`);

export class PostgresStore extends SubscriptionsDelegate implements Store {
  readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  protected readonly subscriptions: PostgresSubscriptions;

  /** A connection string (the store owns and ends its pool) or a Pool the caller owns. */
  constructor(source: string | pg.Pool, options: PostgresStoreOptions = {}) {
    super();
    if (options.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.schema)) {
      throw new Error(`not a plain schema name: ${JSON.stringify(options.schema)}`);
    }
    if (typeof source === 'string') {
      this.pool = new pg.Pool({
        connectionString: source,
        max: options.max ?? 10,
        ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
      });
      // An idle client losing its connection must not crash the bot; the next query reconnects.
      this.pool.on('error', () => undefined);
      this.ownsPool = true;
    } else {
      this.pool = source;
      this.ownsPool = false;
    }
    this.subscriptions = new PostgresSubscriptions(this.pool, (work) => this.transaction(work));
  }

  /** Connects and migrates; safe for several instances starting at once. */
  static async open(source: string | pg.Pool, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(source, options);
    try {
      await store.migrate();
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.ownsPool && !this.pool.ended) await this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      // A connection that could not even roll back is not handed out again.
      client.release(broken);
    }
  }

  async sourceDocuments(sourceId: string): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ origin: string; fingerprint: string }>(
      'SELECT origin, fingerprint FROM documents WHERE source_id = $1',
      [sourceId],
    );
    return new Map(rows.map((row) => [row.origin, row.fingerprint]));
  }

  async getDocument(id: string): Promise<StoredDocument | undefined> {
    const { rows } = await this.pool.query<DocumentRow>('SELECT * FROM documents WHERE id = $1', [id]);
    return rows[0] ? toDocument(rows[0]) : undefined;
  }

  replaceDocument(document: SourceDocument, items: Item[], now: string): Promise<void> {
    return this.replaceDocuments([{ document, items }], now);
  }

  async replaceDocuments(batch: readonly DocumentItems[], now: string): Promise<void> {
    await this.transaction(async (client) => {
      // Every lock first, in one order, so two instances writing overlapping batches cannot deadlock.
      const ids = [...new Set(batch.map(({ document }) => document.id))].sort();
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext(id)) FROM unnest($2::text[]) AS id', [
        ORIGIN_LOCK_CLASS,
        ids,
      ]);
      for (const { document, items } of batch) await this.replaceIn(client, document, items, now);
    });
  }

  private async replaceIn(
    client: pg.PoolClient,
    document: SourceDocument,
    items: Item[],
    now: string,
  ): Promise<void> {
    const previous = await client.query<{
      id: string;
      ingested_at: Date;
      updated_at: Date;
      sentences: Item['sentences'];
    }>('SELECT id, ingested_at, updated_at, sentences FROM items WHERE document_id = $1', [document.id]);
    const times = reviseItemTimes(
      previous.rows.map((row) => ({
        id: row.id,
        ingestedAt: row.ingested_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
        text: row.sentences.map((sentence) => sentence.text).join(' '),
      })),
      items,
      now,
    );
    // Items that an edit changes leave their stories; unchanged ones stay.
    await client.query(
      'DELETE FROM story_members WHERE item_id = ANY($1::text[]) AND NOT item_id = ANY($2::text[])',
      [previous.rows.map((row) => row.id), items.map((item) => item.id)],
    );
    await client.query('DELETE FROM items WHERE document_id = $1', [document.id]);
    await client.query(
      `INSERT INTO documents (id, source_id, origin, fingerprint, title, source, url, published, body, topics,
         first_seen, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
       ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, title = excluded.title,
         source = excluded.source, url = excluded.url, published = excluded.published, body = excluded.body,
         topics = excluded.topics,
         updated_at = CASE WHEN documents.fingerprint = excluded.fingerprint THEN documents.updated_at
                           ELSE excluded.updated_at END`,
      [
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
        now,
      ],
    );
    if (items.length === 0) return;
    // One statement per table, whatever the number of items: arrays in, unnest in SQL.
    const inserted = await client.query<{ pk: string; id: string }>(
      `INSERT INTO items (id, document_id, story_key, position, headline, summary, key_points, topics,
         entities, published, source, url, document_title, sentences, ingested_at, updated_at, search)
       SELECT i.id, $1, i.story_key, i.position, i.headline, i.summary, i.key_points::jsonb,
         i.topics::jsonb, i.entities::jsonb, i.published, i.source, i.url, i.document_title, i.sentences::jsonb,
         i.ingested_at::timestamptz, i.updated_at::timestamptz,
         setweight(to_tsvector('english', i.headline), 'A') || setweight(to_tsvector('english', i.summary), 'B')
           || setweight(to_tsvector('english', i.body), 'D')
       FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
         $17::text[])
         AS i(id, story_key, position, headline, summary, key_points, topics, entities, published,
           source, url, document_title, sentences, ingested_at, updated_at, body)
       RETURNING pk, id`,
      [
        document.id,
        items.map((item) => item.id),
        items.map((item) => item.storyKey),
        items.map((item) => item.position),
        items.map((item) => item.headline),
        items.map((item) => item.summary),
        items.map((item) => JSON.stringify(item.keyPoints)),
        items.map((item) => JSON.stringify(item.topics)),
        items.map((item) => JSON.stringify(item.entities)),
        items.map((item) => item.published),
        items.map((item) => item.source),
        items.map((item) => item.url ?? null),
        items.map((item) => item.documentTitle),
        items.map((item) => JSON.stringify(item.sentences)),
        items.map((item) => times.get(item.id)?.ingestedAt ?? now),
        items.map((item) => times.get(item.id)?.updatedAt ?? now),
        items.map((item) => item.sentences.map((sentence) => sentence.text).join(' ')),
      ],
    );
    await client.query(
      `UPDATE items SET story_key = m.story_id FROM story_members AS m
       WHERE items.document_id = $1 AND m.item_id = items.id`,
      [document.id],
    );
    const pkOf = new Map(inserted.rows.map((row) => [row.id, row.pk]));
    // Topics are listed strongest first; the weight keeps that order for ranking.
    const topics = items.flatMap((item) =>
      item.topics.map((topic, rank) => ({
        topic,
        pk: pkOf.get(item.id),
        weight: 1 / (1 + rank),
        published: item.published,
      })),
    );
    if (topics.length > 0) {
      await client.query(
        `INSERT INTO item_topics (topic, item_pk, weight, published)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::real[], $4::text[])
         ON CONFLICT DO NOTHING`,
        [
          topics.map((row) => row.topic),
          topics.map((row) => row.pk),
          topics.map((row) => row.weight),
          topics.map((row) => row.published),
        ],
      );
    }
    const sentences = items.flatMap((item) =>
      item.sentences.map((sentence, index) => ({ pk: pkOf.get(item.id), index, text: sentence.text })),
    );
    if (sentences.length > 0) {
      await client.query(
        `INSERT INTO item_sentences (item_pk, idx, search)
         SELECT s.pk, s.idx, to_tsvector('english', s.text)
         FROM unnest($1::bigint[], $2::int[], $3::text[]) AS s(pk, idx, text)`,
        [sentences.map((row) => row.pk), sentences.map((row) => row.index), sentences.map((row) => row.text)],
      );
    }
  }

  async removeDocument(sourceId: string, origin: string): Promise<boolean> {
    const id = documentIdentity(sourceId, origin);
    return this.transaction(async (client) => {
      await client.query(
        'DELETE FROM story_members WHERE item_id IN (SELECT id FROM items WHERE document_id = $1)',
        [id],
      );
      const result = await client.query('DELETE FROM documents WHERE id = $1', [id]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  async adoptLegacyDocuments(sourceId: string): Promise<number> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ origin: string }>(
        'SELECT origin FROM documents WHERE source_id = $1 FOR UPDATE',
        [LEGACY_SOURCE_ID],
      );
      if (rows.length === 0) return 0;
      const origins = rows.map((row) => row.origin);
      const ids = origins.map((origin) => documentIdentity(sourceId, origin));
      // The source already holds some of those origins: their legacy copies are stale.
      await client.query(
        `DELETE FROM documents AS d USING unnest($1::text[], $2::text[]) AS n(origin, id)
         WHERE d.source_id = $3 AND d.origin = n.origin AND EXISTS (SELECT 1 FROM documents WHERE id = n.id)`,
        [origins, ids, LEGACY_SOURCE_ID],
      );
      const moved = await client.query(
        `UPDATE documents AS d SET id = n.id, source_id = $3 FROM unnest($1::text[], $2::text[]) AS n(origin, id)
         WHERE d.source_id = $4 AND d.origin = n.origin`,
        [origins, ids, sourceId, LEGACY_SOURCE_ID],
      );
      return moved.rowCount ?? 0;
    });
  }

  async claimDueFeeds(
    urls: readonly string[],
    now: string,
    instanceId: string,
    leaseUntil: string,
    limit: number,
  ): Promise<FeedPollState[]> {
    if (urls.length === 0 || limit <= 0) return [];
    await this.pool.query(
      `INSERT INTO feed_polls (url, next_poll) SELECT unnest($1::text[]), $2::timestamptz ON CONFLICT DO NOTHING`,
      [[...urls], now],
    );
    // SKIP LOCKED: instances claiming at once split the due feeds instead of queueing on each other.
    const { rows } = await this.pool.query<FeedPollRow>(
      `UPDATE feed_polls SET claimed_by = $1, claimed_until = $2
       WHERE url IN (SELECT url FROM feed_polls
                     WHERE url = ANY($3::text[]) AND next_poll <= $4
                       AND (claimed_until IS NULL OR claimed_until <= $4)
                     ORDER BY next_poll LIMIT $5 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [instanceId, leaseUntil, [...urls], now, limit],
    );
    return rows.map(toFeedPoll);
  }

  async saveFeedPoll(state: FeedPollState, instanceId: string): Promise<void> {
    await this.pool.query(
      `UPDATE feed_polls SET etag = $1, last_modified = $2, failures = $3, next_poll = $4, last_success = $5,
         last_error = $6, last_error_at = $7, failing_since = $8, failure_reported = $9,
         claimed_by = NULL, claimed_until = NULL
       WHERE url = $10 AND (claimed_by IS NULL OR claimed_by = $11)`,
      [...feedPollValues(state), state.url, instanceId],
    );
  }

  async feedPolls(urls: readonly string[]): Promise<FeedPollState[]> {
    const { rows } = await this.pool.query<FeedPollRow>(
      'SELECT * FROM feed_polls WHERE url = ANY($1::text[]) ORDER BY url',
      [[...urls]],
    );
    return rows.map(toFeedPoll);
  }

  async findItems(query: ItemQuery, limit: number): Promise<ItemHit[]> {
    const params = new Params();
    const { from, relevance, order } = this.itemQuerySql(query, params);
    const { rows } = await this.pool.query<ItemRow & { relevance: number }>(
      `SELECT ${ITEM_COLUMNS}, (${relevance})::float8 AS relevance ${from} ORDER BY ${order} LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map((row) => ({ item: toItem(row), relevance: row.relevance }));
  }

  async countItems(query: ItemQuery): Promise<number> {
    const params = new Params();
    const { from } = this.itemQuerySql(query, params);
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*) AS count ${from}`,
      params.values,
    );
    return Number(rows[0]?.count ?? 0);
  }

  async countStories(query: ItemQuery): Promise<number> {
    const params = new Params();
    const { from } = this.itemQuerySql(query, params);
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(DISTINCT items.story_key) AS count ${from}`,
      params.values,
    );
    return Number(rows[0]?.count ?? 0);
  }

  /**
   * One FROM/WHERE for finding and counting, so the two never disagree. Topic queries walk the
   * (topic, published) index newest first; text queries take ts_rank's best matches. User text only
   * ever reaches the server as a bind parameter.
   */
  private itemQuerySql(query: ItemQuery, params: Params): { from: string; relevance: string; order: string } {
    const where: string[] = [];
    let from = 'FROM items';
    let relevance = '1.0';
    let order = 'items.published DESC, items.pk DESC';
    const topics = query.topics ?? [];
    if (topics.length === 1) {
      from = 'FROM item_topics AS t JOIN items ON items.pk = t.item_pk';
      where.push(`t.topic = ${params.add(topics[0])}`);
    } else if (topics.length > 1) {
      // An item tagged with two of the topics must come back once.
      from = `FROM (SELECT item_pk, max(weight) AS weight, max(published) AS published FROM item_topics
                WHERE topic = ANY(${params.add(topics)}::text[]) GROUP BY item_pk) AS t
              JOIN items ON items.pk = t.item_pk`;
    }
    if (topics.length > 0) {
      relevance = 't.weight';
      order = 't.published DESC, t.weight DESC, t.item_pk DESC';
    }
    if (query.text !== undefined) {
      const match = tsQueryText(query.text);
      // Text with no searchable words matches nothing rather than everything.
      if (!match) where.push('false');
      else {
        const tsQuery = `to_tsquery('english', ${params.add(match)})`;
        where.push(`items.search @@ ${tsQuery}`);
        const rank = `ts_rank('${RANK_WEIGHTS}'::float4[], items.search, ${tsQuery})`;
        relevance = topics.length > 0 ? `t.weight * ${rank}` : rank;
        if (topics.length === 0) order = 'relevance DESC, items.pk DESC';
      }
    }
    if (query.ingestedSince)
      where.push(`items.ingested_at >= ${params.add(query.ingestedSince)}::timestamptz`);
    if (where.length > 0) from += ` WHERE ${where.join(' AND ')}`;
    return { from, relevance, order };
  }

  async getItems(ids: readonly string[]): Promise<StoredItem[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<ItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM items WHERE id = ANY($1::text[])`,
      [[...ids]],
    );
    const byId = new Map(rows.map((row) => [row.id, toItem(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async searchSentences(
    words: readonly string[],
    limit: number,
    itemIds?: readonly string[],
  ): Promise<SentenceHit[]> {
    const match = tsQueryText(words.join(' '));
    if (!match || itemIds?.length === 0) return [];
    const params = new Params();
    const tsQuery = `to_tsquery('english', ${params.add(match)})`;
    const restrict = itemIds ? `AND items.id = ANY(${params.add([...itemIds])}::text[])` : '';
    const { rows } = await this.pool.query<{ item_id: string; idx: number; relevance: number }>(
      `SELECT items.id AS item_id, s.idx, ts_rank(s.search, ${tsQuery})::float8 AS relevance
       FROM item_sentences AS s JOIN items ON items.pk = s.item_pk
       WHERE s.search @@ ${tsQuery} ${restrict}
       ORDER BY relevance DESC, items.pk DESC, s.idx
       LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map((row) => ({ itemId: row.item_id, index: row.idx, relevance: row.relevance }));
  }

  async topicCounts(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ topic: string; count: string }>(
      'SELECT topic, count(*) AS count FROM item_topics GROUP BY topic',
    );
    return new Map(rows.map((row) => [row.topic, Number(row.count)]));
  }

  async documentsSeenSince(since: string): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ source_id: string; count: string }>(
      'SELECT source_id, count(*) AS count FROM documents WHERE first_seen >= $1 GROUP BY source_id',
      [since],
    );
    return new Map(rows.map((row) => [row.source_id, Number(row.count)]));
  }

  async markFeedFailureReported(url: string, failingSince: string, at: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE feed_polls SET failure_reported = $1
       WHERE url = $2 AND failing_since = $3 AND failure_reported IS NULL`,
      [at, url, failingSince],
    );
    return rowCount === 1;
  }

  async clearFeedFailureReport(url: string, reportedAt: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE feed_polls SET failure_reported = NULL WHERE url = $1 AND failure_reported = $2',
      [url, reportedAt],
    );
    return rowCount === 1;
  }

  async termFrequencies(terms: readonly string[]): Promise<{ total: number; counts: Map<string, number> }> {
    const { rows } = await this.pool.query<{ term: string; count: string }>(
      'SELECT term, count FROM story_term_counts WHERE term = ANY($1::text[])',
      [[ALL_ITEMS_TERM, ...terms]],
    );
    const counts = new Map(rows.map((row) => [row.term, Number(row.count)]));
    const total = counts.get(ALL_ITEMS_TERM) ?? 0;
    counts.delete(ALL_ITEMS_TERM);
    return { total, counts };
  }

  async storyCandidates(probe: StoryProbe, limit: number): Promise<StoryCandidate[]> {
    if (probe.terms.length === 0) return [];
    const members = await this.pool.query<{
      item_id: string;
      document_id: string;
      story_id: string;
      outlet: string;
      published: string;
      terms: Record<string, number>;
    }>(
      `SELECT m.item_id, m.document_id, m.story_id, m.outlet, m.published, m.terms
       FROM (SELECT item_id, count(*) AS shared FROM unnest($1::text[]) AS probe(term)
             CROSS JOIN LATERAL (SELECT t.item_id FROM story_member_terms AS t
               WHERE t.published = ANY($2::text[]) AND t.term = probe.term
               ORDER BY t.published DESC, t.item_id DESC LIMIT $4) AS postings
             GROUP BY item_id ORDER BY shared DESC, item_id LIMIT $3) AS c
       JOIN story_members AS m ON m.item_id = c.item_id ORDER BY c.shared DESC, m.item_id`,
      [[...probe.terms], datesBetween(probe.from, probe.to), limit, probe.perTerm],
    );
    if (members.rows.length === 0) return [];
    const stories = await this.pool.query<{
      id: string;
      names: string[];
      numbers: string[];
      in_window: string;
    }>(
      `SELECT s.id, s.names, s.numbers,
         (SELECT count(*) FROM story_members WHERE story_id = s.id AND published BETWEEN $1 AND $2) AS in_window
       FROM stories AS s WHERE s.id = ANY($3::text[])`,
      [probe.from, probe.to, [...new Set(members.rows.map((row) => row.story_id))]],
    );
    return candidatesFrom(
      members.rows.map((row) => ({
        storyId: row.story_id,
        itemId: row.item_id,
        documentId: row.document_id,
        outlet: row.outlet,
        published: row.published,
        terms: new Map(Object.entries(row.terms)),
      })),
      stories.rows.map((row) => ({
        id: row.id,
        names: row.names,
        numbers: row.numbers,
        membersInWindow: Number(row.in_window),
      })),
    );
  }

  async addStoryMember(member: StoryMembership): Promise<void> {
    const { input } = member;
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        STORY_LOCK_CLASS,
        member.storyId,
      ]);
      await client.query(
        `INSERT INTO stories (id, first_published, last_published, first_seen, updated_at, names, numbers)
         VALUES ($1, $2, $2, $3, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET
           first_published = least(stories.first_published, excluded.first_published),
           last_published = greatest(stories.last_published, excluded.last_published),
           updated_at = excluded.updated_at, names = excluded.names, numbers = excluded.numbers`,
        [
          member.storyId,
          input.published,
          member.addedAt,
          JSON.stringify(member.names),
          JSON.stringify(member.numbers),
        ],
      );
      await client.query(
        `INSERT INTO story_members (item_id, document_id, story_id, outlet, published, added_at, terms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (item_id) DO UPDATE SET document_id = excluded.document_id, story_id = excluded.story_id,
           outlet = excluded.outlet, published = excluded.published, terms = excluded.terms`,
        [
          input.itemId,
          input.documentId,
          member.storyId,
          input.outlet,
          input.published,
          member.addedAt,
          JSON.stringify(Object.fromEntries(member.terms)),
        ],
      );
      await client.query('DELETE FROM story_member_terms WHERE item_id = $1', [input.itemId]);
      await client.query(
        `INSERT INTO story_member_terms (term, published, item_id)
         SELECT DISTINCT term, $2, $3 FROM unnest($1::text[]) AS term`,
        [member.indexTerms, input.published, input.itemId],
      );
      // Sorted, so two instances counting overlapping terms lock the rows in the same order.
      await client.query(
        `INSERT INTO story_term_counts (term, count) SELECT term, 1 FROM unnest($1::text[]) AS term ORDER BY term
         ON CONFLICT (term) DO UPDATE SET count = story_term_counts.count + 1`,
        [[ALL_ITEMS_TERM, ...member.itemTerms]],
      );
      await client.query('UPDATE items SET story_key = $1 WHERE id = $2', [member.storyId, input.itemId]);
    });
  }

  inOneCommit<T>(work: () => Promise<T>): Promise<T> {
    // Each call takes a pooled connection of its own: there is no one transaction to put them in.
    return work();
  }

  async storyOf(itemId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ story_id: string }>(
      'SELECT story_id FROM story_members WHERE item_id = $1',
      [itemId],
    );
    return rows[0]?.story_id;
  }

  async storyMembers(storyIds: readonly string[]): Promise<Map<string, StoredItem[]>> {
    const members = new Map<string, StoredItem[]>();
    if (storyIds.length === 0) return members;
    const { rows } = await this.pool.query<ItemRow & { member_of: string }>(
      `SELECT m.story_id AS member_of, ${ITEM_COLUMNS} FROM story_members AS m JOIN items ON items.id = m.item_id
       WHERE m.story_id = ANY($1::text[]) ORDER BY m.published, m.added_at, items.position`,
      [[...storyIds]],
    );
    for (const row of rows) {
      const list = members.get(row.member_of) ?? [];
      list.push(toItem(row));
      members.set(row.member_of, list);
    }
    return members;
  }

  async storyOutlines(storyIds: readonly string[]): Promise<Map<string, StoryOutline>> {
    if (storyIds.length === 0) return new Map();
    // Dates compare as text byte by byte, as in SQLite and in JavaScript, whatever the database's collation.
    const { rows } = await this.pool.query<{ story_id: string; newest: string; outlets: number }>(
      `SELECT story_id, max(published COLLATE "C") AS newest, count(DISTINCT outlet)::int AS outlets
       FROM story_members WHERE story_id = ANY($1::text[]) GROUP BY story_id`,
      [[...storyIds]],
    );
    return new Map(rows.map((row) => [row.story_id, { newest: row.newest, outlets: row.outlets }]));
  }

  async getThreadContext(key: ThreadKey): Promise<ThreadContext | undefined> {
    const { rows } = await this.pool.query<{
      topic: string | null;
      item_ids: string[];
      turns: ThreadContext['turns'];
      updated_at: Date;
    }>(
      'SELECT topic, item_ids, turns, updated_at FROM thread_contexts WHERE platform = $1 AND channel_id = $2 AND thread_id = $3',
      [key.platform, key.channelId, key.threadId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      platform: key.platform,
      channelId: key.channelId,
      threadId: key.threadId,
      itemIds: row.item_ids,
      turns: row.turns,
      updatedAt: row.updated_at.toISOString(),
      ...(row.topic ? { topic: row.topic } : {}),
    };
  }

  async saveThreadContext(context: ThreadContext): Promise<void> {
    await this.pool.query(
      `INSERT INTO thread_contexts (platform, channel_id, thread_id, topic, item_ids, turns, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (platform, channel_id, thread_id) DO UPDATE SET
         topic = excluded.topic, item_ids = excluded.item_ids, turns = excluded.turns, updated_at = excluded.updated_at`,
      [
        context.platform,
        context.channelId,
        context.threadId,
        context.topic ?? null,
        JSON.stringify(context.itemIds),
        JSON.stringify(context.turns),
        context.updatedAt,
      ],
    );
  }

  async storyViews(
    platform: Platform,
    channelId: string,
    storyIds: readonly string[],
  ): Promise<Map<string, StoryVersion>> {
    const { rows } = await this.pool.query<{ version: StoryVersion }>(
      `SELECT v.version FROM story_views AS w
       JOIN story_versions AS v ON v.story_id = w.story_id AND v.digest = w.digest
       WHERE w.platform = $1 AND w.channel_id = $2 AND w.story_id = ANY($3::text[])`,
      [platform, channelId, [...storyIds]],
    );
    return new Map(rows.map((row) => [row.version.storyId, row.version]));
  }

  async seenVersionDigests(
    platform: Platform,
    channelId: string,
    storyIds: readonly string[],
  ): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ story_id: string; digest: string }>(
      `SELECT story_id, digest FROM story_views
       WHERE platform = $1 AND channel_id = $2 AND story_id = ANY($3::text[])`,
      [platform, channelId, [...storyIds]],
    );
    return new Map(rows.map((row) => [row.story_id, row.digest]));
  }

  async storyVersion(storyId: string, digest: string): Promise<StoryVersion | undefined> {
    const { rows } = await this.pool.query<{ version: StoryVersion }>(
      'SELECT version FROM story_versions WHERE story_id = $1 AND digest = $2',
      [storyId, digest],
    );
    return rows[0]?.version;
  }

  async recordStoryViews(
    platform: Platform,
    channelId: string,
    versions: readonly StoryVersion[],
    seenAt: string,
  ): Promise<void> {
    if (versions.length === 0) return;
    const digests = versions.map(versionDigest);
    // One statement each, so concurrent digests of one channel never interleave half a record.
    await this.pool.query(
      `INSERT INTO story_versions (story_id, digest, version, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[])
       ON CONFLICT (story_id, digest) DO NOTHING`,
      [
        versions.map((v) => v.storyId),
        digests,
        versions.map((v) => JSON.stringify(v)),
        versions.map(() => seenAt),
      ],
    );
    await this.pool.query(
      `INSERT INTO story_views (platform, channel_id, story_id, digest, seen_at)
       SELECT $1, $2, story_id, digest, $4 FROM unnest($3::text[], $5::text[]) AS v(story_id, digest)
       ON CONFLICT (platform, channel_id, story_id) DO UPDATE SET digest = excluded.digest, seen_at = excluded.seen_at`,
      [platform, channelId, versions.map((v) => v.storyId), seenAt, digests],
    );
  }

  async pruneThreadContexts(before: string): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM thread_contexts WHERE updated_at < $1', [before]);
    return rowCount ?? 0;
  }

  async claimDelivery(claim: DeliveryClaim): Promise<boolean> {
    const { keys, values } = claimDeliveryValues(claim);
    const { rowCount } = await this.pool.query(
      claimDeliverySql(keys.length, (n) => `$${n}`),
      values,
    );
    return rowCount === keys.length;
  }

  async pruneDeliveryClaims(now: string): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM delivery_claims WHERE expires_at <= $1', [now]);
    return rowCount ?? 0;
  }

  async listInstances(host: string): Promise<InstanceRecord[]> {
    const { rows } = await this.pool.query<InstanceRow>(INSTANCE_SQL.list, [host]);
    return rows.map(toInstance);
  }

  async takeInstance(next: InstanceRecord, previous: InstanceRecord | undefined): Promise<boolean> {
    const { rowCount } = previous
      ? await this.pool.query(INSTANCE_SQL.adopt, [
          next.pid,
          next.startedAt,
          next.id,
          next.host,
          previous.pid,
          previous.startedAt,
        ])
      : await this.pool.query(INSTANCE_SQL.insert, [next.id, next.host, next.pid, next.startedAt]);
    return (rowCount ?? 0) > 0;
  }

  async releaseInstance(holder: InstanceRecord, at: string): Promise<void> {
    await this.pool.query(INSTANCE_SQL.release, [at, holder.id, holder.pid, holder.startedAt]);
  }

  async loadTopicVocabulary(): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ snapshot: string }>(
      'SELECT snapshot FROM topic_vocabulary WHERE id = 1',
    );
    return rows[0]?.snapshot;
  }

  async saveTopicVocabulary(snapshot: string, at: string): Promise<void> {
    await this.pool.query(
      saveTopicVocabularySql((n) => `$${n}`),
      [snapshot, at],
    );
  }
}
