import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { documentIdentity, type Item, type SourceDocument } from '../src/core/model.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { scratchDir } from './support/core.js';

const AT = '2024-05-06T08:00:00.000Z';

function report(origin: string, outlet: string, storyKey: string): { document: SourceDocument; item: Item } {
  const document: SourceDocument = {
    id: documentIdentity('wire', origin),
    sourceId: 'wire',
    origin,
    fingerprint: `${origin}#v1`,
    title: `${outlet} on Rafah`,
    source: outlet,
    published: '2024-05-06',
    body: 'Israel ordered civilians to evacuate eastern Rafah.',
    topics: [],
  };
  const text = 'Israel ordered civilians to evacuate eastern Rafah.';
  return {
    document,
    item: {
      id: `${origin}:1`,
      documentId: document.id,
      storyKey,
      position: 0,
      headline: text,
      summary: text,
      keyPoints: [],
      topics: ['rafah'],
      entities: ['Rafah'],
      published: document.published,
      source: outlet,
      documentTitle: document.title,
      sentences: [{ text, start: 0, end: text.length }],
    },
  };
}

describe('upgrading a SQLite store from before it indexed items by story', () => {
  it('a topic briefing counts stories filed before the upgrade, and after it', async () => {
    const file = join(scratchDir(), 'old.db');
    const store = new SqliteStore(file);
    for (const [origin, outlet] of [
      ['a.md', 'Reuters'],
      ['b.md', 'AP'],
      ['c.md', 'BBC'],
    ] as const) {
      const { document, item } = report(origin, outlet, `own:${origin}`);
      await store.replaceDocument(document, [item], AT);
    }
    await store.close();
    // The previous schema (version 10), after an older briefbot filed a.md and b.md into one story.
    const old = new Database(file);
    old.exec(`DROP TRIGGER item_topics_follow_story;
              DROP INDEX item_topics_stories;
              DROP INDEX items_story_keys;
              DROP INDEX story_members_outlines;
              DROP INDEX story_members_published;
              CREATE INDEX story_members_story ON story_members(story_id, published);
              ALTER TABLE item_topics DROP COLUMN story_key;
              DROP TABLE topic_vocabulary;
              DELETE FROM schema_migrations WHERE version > 10;
              UPDATE items SET story_key = 'story:evacuation' WHERE id IN ('a.md:1', 'b.md:1');`);
    old.close();

    const upgraded = new SqliteStore(file);
    expect(await upgraded.countStories({ topics: ['rafah'] })).toBe(2);
    expect(await upgraded.countStories({ text: 'evacuate Rafah' })).toBe(2);
    // Items stored from now on carry their story into their topic rows.
    const { document, item } = report('c.md', 'BBC', 'story:evacuation');
    await upgraded.replaceDocument(document, [item], AT);
    expect(await upgraded.countStories({ topics: ['rafah'] })).toBe(1);
    expect(await upgraded.countStories({ text: 'evacuate Rafah' })).toBe(1);
    await upgraded.close();
  });
});
