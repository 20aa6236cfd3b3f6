import type { PoolClient } from 'pg';
import { deliveryClaimsMigration } from './deliveries.js';
import { FEED_POLLS_POSTGRES } from './feed-polls.js';
import { instancesMigration } from './instances.js';
import { POSTGRES_SUBSCRIPTIONS_MIGRATION } from './postgres-subscriptions.js';
import { LEGACY_SOURCE_ID } from './store.js';
import { STORY_MEMBER_TERMS_BY_DATE, storyMemberTermsTable } from './story-members.js';
import { storyViewsMigration } from './story-views.js';
import { topicVocabularyMigration } from './topic-vocabularies.js';

/**
 * The PostgreSQL schema, one entry per version. Each runs once, in order, in the same transaction
 * as its row in schema_migrations; never edit one that has shipped, append a new one.
 */
export const POSTGRES_MIGRATIONS: string[] = [
  `CREATE TABLE documents (
     origin TEXT PRIMARY KEY,
     id TEXT NOT NULL,
     title TEXT NOT NULL,
     source TEXT NOT NULL,
     url TEXT,
     published TEXT NOT NULL,
     body TEXT NOT NULL,
     topics JSONB NOT NULL,
     ingested_at TIMESTAMPTZ NOT NULL
   );
   CREATE TABLE items (
     pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     origin TEXT NOT NULL REFERENCES documents(origin) ON DELETE CASCADE,
     document_id TEXT NOT NULL,
     story_key TEXT NOT NULL,
     position INTEGER NOT NULL,
     headline TEXT NOT NULL,
     summary TEXT NOT NULL,
     key_points JSONB NOT NULL,
     topics JSONB NOT NULL,
     entities JSONB NOT NULL,
     published TEXT NOT NULL,
     source TEXT NOT NULL,
     url TEXT,
     document_title TEXT NOT NULL,
     sentences JSONB NOT NULL,
     ingested_at TIMESTAMPTZ NOT NULL,
     -- headline (A), summary (B) and every sentence (D), english stemming.
     search TSVECTOR NOT NULL
   );
   CREATE INDEX items_origin ON items(origin);
   CREATE INDEX items_recent ON items(published DESC, pk DESC);
   CREATE INDEX items_ingested ON items(ingested_at);
   CREATE INDEX items_search ON items USING GIN (search);
   CREATE TABLE item_topics (
     topic TEXT NOT NULL,
     item_pk BIGINT NOT NULL REFERENCES items(pk) ON DELETE CASCADE,
     weight REAL NOT NULL,
     published TEXT NOT NULL,
     PRIMARY KEY (topic, item_pk)
   );
   CREATE INDEX item_topics_recent ON item_topics(topic, published DESC, weight DESC, item_pk DESC);
   CREATE INDEX item_topics_item ON item_topics(item_pk);
   CREATE TABLE item_sentences (
     item_pk BIGINT NOT NULL REFERENCES items(pk) ON DELETE CASCADE,
     idx INTEGER NOT NULL,
     search TSVECTOR NOT NULL,
     PRIMARY KEY (item_pk, idx)
   );
   CREATE INDEX item_sentences_search ON item_sentences USING GIN (search);
   CREATE TABLE thread_contexts (
     platform TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     thread_id TEXT NOT NULL,
     topic TEXT,
     item_ids JSONB NOT NULL,
     turns JSONB NOT NULL,
     updated_at TIMESTAMPTZ NOT NULL,
     PRIMARY KEY (platform, channel_id, thread_id)
   );`,
  // 2: digest subscriptions and their runs (see postgres-subscriptions.ts).
  POSTGRES_SUBSCRIPTIONS_MIGRATION,
  // 3: stories across outlets, as in the SQLite store's migration 4.
  `CREATE TABLE stories (
     id TEXT PRIMARY KEY,
     first_published TEXT NOT NULL,
     last_published TEXT NOT NULL,
     first_seen TIMESTAMPTZ NOT NULL,
     updated_at TIMESTAMPTZ NOT NULL,
     centroid JSONB NOT NULL,
     names JSONB NOT NULL,
     numbers JSONB NOT NULL
   );
   CREATE TABLE story_members (
     item_id TEXT PRIMARY KEY,
     story_id TEXT NOT NULL,
     outlet TEXT NOT NULL,
     published TEXT NOT NULL,
     added_at TIMESTAMPTZ NOT NULL
   );
   CREATE INDEX story_members_story ON story_members(story_id, published);
   CREATE TABLE story_terms (
     term TEXT NOT NULL,
     story_id TEXT NOT NULL,
     first_published TEXT NOT NULL,
     last_published TEXT NOT NULL,
     PRIMARY KEY (term, story_id)
   );
   CREATE INDEX story_terms_story ON story_terms(story_id);
   CREATE TABLE story_term_counts (term TEXT PRIMARY KEY, count BIGINT NOT NULL);`,
  // 4: claims on incoming deliveries (see deliveries.ts).
  deliveryClaimsMigration('TIMESTAMPTZ'),
  // 5: documents belong to sources, keyed by source and origin; first-seen and updated times apart;
  // feed poll state.
  `ALTER TABLE items DROP CONSTRAINT items_origin_fkey;
   ALTER TABLE documents DROP CONSTRAINT documents_pkey;
   ALTER TABLE documents RENAME COLUMN id TO fingerprint;
   ALTER TABLE documents RENAME COLUMN ingested_at TO first_seen;
   ALTER TABLE documents ADD COLUMN id TEXT, ADD COLUMN source_id TEXT, ADD COLUMN updated_at TIMESTAMPTZ;
   UPDATE documents SET id = '${LEGACY_SOURCE_ID}:' || origin, source_id = '${LEGACY_SOURCE_ID}', updated_at = first_seen;
   ALTER TABLE documents ALTER COLUMN id SET NOT NULL, ALTER COLUMN source_id SET NOT NULL,
     ALTER COLUMN updated_at SET NOT NULL, ADD PRIMARY KEY (id), ADD UNIQUE (source_id, origin);
   ALTER TABLE items ADD COLUMN updated_at TIMESTAMPTZ;
   UPDATE items SET document_id = '${LEGACY_SOURCE_ID}:' || origin, updated_at = ingested_at;
   ALTER TABLE items ALTER COLUMN updated_at SET NOT NULL, DROP COLUMN origin,
     ADD FOREIGN KEY (document_id) REFERENCES documents(id) ON DELETE CASCADE ON UPDATE CASCADE;
   CREATE INDEX items_document ON items(document_id);
   ${FEED_POLLS_POSTGRES}`,
  // 6: story versions and what each channel was last shown of each story (see story-views.ts).
  storyViewsMigration('postgres'),
  // 7: instance ids, adopted again after a crash (see instances.ts).
  instancesMigration('TIMESTAMPTZ'),
  // 8: items join stories by their likeness to members, as in the SQLite store's migration 9.
  `ALTER TABLE story_members ADD COLUMN terms JSONB NOT NULL DEFAULT '{}';
   UPDATE story_members AS m SET terms = s.centroid FROM stories AS s WHERE s.id = m.story_id;
   ALTER TABLE story_members ADD COLUMN document_id TEXT NOT NULL DEFAULT '';
   UPDATE story_members AS m SET document_id = i.document_id FROM items AS i WHERE i.id = m.item_id;
   ${storyMemberTermsTable('postgres')}
   INSERT INTO story_member_terms (term, published, item_id)
     SELECT t.term, m.published, m.item_id FROM story_terms AS t JOIN story_members AS m ON m.story_id = t.story_id;
   DROP TABLE story_terms;
   ALTER TABLE stories DROP COLUMN centroid;`,
  // 9: the member index keyed by date first, as in the SQLite store's migration 10.
  STORY_MEMBER_TERMS_BY_DATE.postgres,
  // 10: the topic vocabulary, as in the SQLite store's migration 12.
  topicVocabularyMigration('TIMESTAMPTZ'),
];

/** Advisory lock namespace for briefbot ("bb"); the second key is the schema, so schemas migrate independently. */
const LOCK_CLASS = 0x6262;

/**
 * Brings the schema on `client`'s search_path up to date. One transaction under a transaction-level
 * advisory lock: instances starting together wait for the first, then find nothing left to do.
 */
export async function migratePostgres(client: PoolClient, migrations = POSTGRES_MIGRATIONS): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [LOCK_CLASS]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(
        `database schema version ${current} is newer than this briefbot (${migrations.length}): upgrade briefbot`,
      );
    }
    for (const [index, sql] of migrations.slice(current).entries()) {
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [current + index + 1]);
    }
    await client.query('COMMIT');
    return migrations.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
