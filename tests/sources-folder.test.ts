import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { composeDigest } from '../src/core/digests/compose.js';
import { buildItems } from '../src/core/ingest/items.js';
import { parseBriefing } from '../src/core/ingest/parse.js';
import { silentLogger } from '../src/core/logger.js';
import { SQLITE_MIGRATIONS } from '../src/core/store/sqlite.js';
import type { Subscription } from '../src/core/store/subscriptions.js';
import { parseTopicCatalogue } from '../src/core/topics.js';
import { type Core, openCore } from '../src/runtime.js';
import { briefingsFolder, SEED_FILE, scratchDir, startCore } from './support/core.js';
import { PG_URL, scratchSchema } from './support/stores.js';

const OLD = '2024-04-29T12:00:00.000Z';

const AID = (trucks: number) => `---
title: Aid convoy reaches northern Gaza
date: 2024-05-02
source: UN News
topics: [humanitarian-aid]
---
The World Food Programme said ${trucks} aid trucks reached northern Gaza on Thursday, the most in a month.
Agencies warned that famine had taken hold in the north, where about 300,000 people remain.

Israeli officials said the Erez crossing would stay open through the weekend for the convoys.
`;

async function itemText(core: Core): Promise<string> {
  return (await core.store.findItems({ text: 'aid trucks' }, 10))
    .flatMap((hit) => hit.item.sentences.map((sentence) => sentence.text))
    .join(' ');
}

describe('watching the briefings folder', () => {
  it('sees an editor’s atomic save (write elsewhere, rename over), and every save after it, however soon', async () => {
    const dir = briefingsFolder({ 'aid.md': AID(43) });
    const core = await startCore(dir);
    expect(await itemText(core)).toContain('43 aid trucks');
    // Polled every 5 ms, each save lands within 50 ms of the event before it, inside the window where
    // chokidar drops a second 'change' for the same file.
    await core.folder.watch({ debounceMs: 1 });

    writeFileSync(join(dir, '.aid.md.swp'), AID(44));
    renameSync(join(dir, '.aid.md.swp'), join(dir, 'aid.md'));
    await expect.poll(() => itemText(core), { timeout: 20_000, interval: 5 }).toContain('44 aid trucks');

    writeFileSync(join(dir, 'aid.md'), AID(45));
    await expect.poll(() => itemText(core), { timeout: 20_000, interval: 5 }).toContain('45 aid trucks');

    execFileSync('sed', ['-i', 's/45 aid trucks/46 aid trucks/', join(dir, 'aid.md')]);
    await expect.poll(() => itemText(core), { timeout: 20_000, interval: 5 }).toContain('46 aid trucks');
    writeFileSync(join(dir, 'aid.md'), AID(47));
    await expect.poll(() => itemText(core), { timeout: 20_000, interval: 5 }).toContain('47 aid trucks');
    // Four edits, each waited for up to 20 s: the test's own budget must cover them on a busy machine.
  }, 60_000);

  it('a periodic pass catches a change that no file event reported', async () => {
    const dir = briefingsFolder({ 'aid.md': AID(43) });
    const core = await startCore(dir);
    // Without file events (as on some network mounts) only the periodic pass sees the change.
    await core.folder.watch({ debounceMs: 20, rescanMs: 100, fileEvents: false });
    writeFileSync(join(dir, 'aid.md'), AID(50));
    await expect.poll(() => itemText(core), { timeout: 20_000, interval: 50 }).toContain('50 aid trucks');
  });
});

describe('edits are revisions, not new documents', () => {
  const subscription: Subscription = {
    id: 's1',
    platform: 'slack',
    channelId: 'C1',
    topics: ['humanitarian-aid'],
    time: '08:00',
    timezone: 'Europe/London',
    quiet: false,
    createdBy: 'U1',
    createdAt: '2024-05-01T00:00:00.000Z',
  };

  it('a one-word edit does not reappear in the next digest', async () => {
    let now = new Date('2024-05-02T09:00:00.000Z');
    const dir = briefingsFolder({ 'aid.md': AID(43) }, false);
    const core = await startCore(dir, join(scratchDir(), 'briefbot.db'), () => now);
    const first = await composeDigest(core, subscription, {
      since: '2024-05-02T08:00:00.000Z',
      until: '2024-05-03T08:00:00.000Z',
    });
    expect(first?.sections.length).toBeGreaterThan(0);

    now = new Date('2024-05-03T10:00:00.000Z');
    writeFileSync(join(dir, 'aid.md'), AID(44));
    expect((await core.folder.sync()).updated).toEqual(['aid.md']);
    expect(await itemText(core)).toContain('44 aid trucks');
    const next = await composeDigest(core, subscription, {
      since: '2024-05-03T08:00:00.000Z',
      until: '2024-05-04T08:00:00.000Z',
    });
    expect(next?.sections).toEqual([]);
    expect(next?.title).toMatch(/No new developments/);

    const [document] = (await core.store.findItems({ text: 'aid trucks' }, 1)).map(
      (hit) => hit.item.documentId,
    );
    expect(await core.store.getDocument(document!)).toMatchObject({
      firstSeen: '2024-05-02T09:00:00.000Z',
      updatedAt: '2024-05-03T10:00:00.000Z',
    });
  });
});

describe('two instances with different briefings folders on one database', () => {
  async function twoInstances(databaseUrl: string | undefined, databasePath: string) {
    const a = briefingsFolder({ 'aid.md': AID(43) }, false);
    const b = briefingsFolder();
    const open = (briefingsDir: string) =>
      openCore({ briefingsDir, databasePath, databaseUrl, logger: silentLogger });
    const first = await open(a);
    const second = await open(b);
    return { first, second, close: async () => Promise.all([first.close(), second.close()]) };
  }

  async function expectBothKept(first: Core, second: Core) {
    // Each instance syncs again, as its watcher would: neither removes the other's documents.
    await first.folder.sync();
    await second.folder.sync();
    await first.folder.sync();
    for (const core of [first, second]) {
      expect(await itemText(core)).toContain('43 aid trucks');
      expect((await core.store.findItems({ text: 'civilians Rafah' }, 5)).length).toBeGreaterThan(0);
    }
    expect([...(await first.store.sourceDocuments(second.folder.source.id)).keys()]).toEqual([SEED_FILE]);
  }

  it('SQLite: each keeps the other’s documents', async () => {
    const { first, second, close } = await twoInstances(undefined, join(scratchDir(), 'shared.db'));
    try {
      await expectBothKept(first, second);
    } finally {
      await close();
    }
  });

  it.skipIf(!PG_URL)('PostgreSQL: each keeps the other’s documents', async () => {
    const schema = await scratchSchema(PG_URL!);
    const url = new URL(PG_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const { first, second, close } = await twoInstances(url.toString(), join(scratchDir(), 'unused.db'));
    try {
      await expectBothKept(first, second);
    } finally {
      await close();
    }
  });
});

describe('upgrading a store from before documents had sources', () => {
  it('the folder adopts the old documents, and items whose text survives keep their first-seen times', async () => {
    const dir = briefingsFolder();
    const databasePath = join(scratchDir(), 'old.db');
    const catalogue = parseTopicCatalogue(readFileSync(join(dir, 'topics.yaml'), 'utf8'), 'topics.yaml');
    const parsed = parseBriefing(SEED_FILE, readFileSync(join(dir, SEED_FILE)));
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const { document, items } = buildItems(parsed.document, catalogue, 'unused');
    // A database as the previous schema (version 3) left it, holding the seed with old-style ids.
    const old = new Database(databasePath);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const [index, sql] of SQLITE_MIGRATIONS.slice(0, 3).entries()) {
      old.exec(sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(index + 1, OLD);
    }
    old
      .prepare(
        `INSERT INTO documents (origin, id, title, source, url, published, body, topics, ingested_at)
         VALUES (?, 'old-fingerprint', ?, ?, NULL, ?, ?, '[]', ?)`,
      )
      .run(SEED_FILE, document.title, document.source, document.published, document.body, OLD);
    for (const item of items) {
      old
        .prepare(
          `INSERT INTO items (id, origin, document_id, story_key, position, headline, summary, key_points, topics,
             entities, published, source, url, document_title, sentences, ingested_at)
           VALUES (?, ?, 'old-fingerprint', ?, ?, ?, ?, '[]', '[]', '[]', ?, ?, NULL, ?, ?, ?)`,
        )
        .run(
          `old-${item.position}`,
          SEED_FILE,
          item.storyKey,
          item.position,
          item.headline,
          item.summary,
          item.published,
          item.source,
          item.documentTitle,
          JSON.stringify(item.sentences),
          OLD,
        );
    }
    old.close();

    const core = await startCore(dir, databasePath, () => new Date('2024-06-01T00:00:00.000Z'));
    expect(core.ingest.updated).toEqual([SEED_FILE]);
    const stored = await core.store.getItems((await core.store.findItems({}, 100)).map((hit) => hit.item.id));
    expect(stored).toHaveLength(items.length);
    for (const item of stored)
      expect(item).toMatchObject({ ingestedAt: OLD, updatedAt: '2024-06-01T00:00:00.000Z' });
    expect(await core.store.getDocument(stored[0]!.documentId)).toMatchObject({
      sourceId: core.folder.source.id,
      firstSeen: OLD,
    });
  });
});
