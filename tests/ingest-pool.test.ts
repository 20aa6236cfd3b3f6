import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildItems } from '../src/core/ingest/items.js';
import { DEFAULT_INGEST_LIMITS } from '../src/core/ingest/limits.js';
import { parseBriefing } from '../src/core/ingest/parse.js';
import { IngestPool } from '../src/core/ingest/pool.js';
import { type PutResult, SourceIngest } from '../src/core/ingest/source-ingest.js';
import { silentLogger } from '../src/core/logger.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { briefingsFolder, scratchDir, startCore } from './support/core.js';

const OUTLETS = ['Reuters', 'Associated Press', 'UN News', 'Al Jazeera', 'BBC News'];

/** Sixty short reports, more than two write batches, each with a figure of its own. */
function reports(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) {
    const outlet = OUTLETS[i % OUTLETS.length] as string;
    const day = String(1 + (i % 28)).padStart(2, '0');
    files[`report-${String(i).padStart(2, '0')}.md`] =
      `---\ntitle: "Aid convoy ${i} reaches Gaza"\ndate: 2024-05-${day}\nsource: ${outlet}\n---\n` +
      `A convoy of ${100 + i} aid trucks crossed into Gaza on the ${i}th day of talks, ${outlet} reported. ` +
      `The United Nations said the ${100 + i} trucks carried flour, water and medical supplies for Rafah.\n`;
  }
  return files;
}

describe('ingest on every core', () => {
  it('a folder built by two worker threads holds what one thread builds, and a file past a limit fails alone', async () => {
    // One file too long for the sentence limit, in the middle of a batch.
    const long = `---\ntitle: Too long\ndate: 2024-05-10\n---\n${'Aid trucks crossed into Gaza. '.repeat(50)}\n`;
    const dir = briefingsFolder({ ...reports(), 'report-30-long.md': long }, false);
    const limits = { ...DEFAULT_INGEST_LIMITS, maxSentences: 20 };
    const pooled = await startCore(dir, join(scratchDir(), 'pooled.db'), undefined, undefined, {
      ingestWorkers: 2,
      limits,
    });
    const alone = await startCore(dir, join(scratchDir(), 'alone.db'), undefined, undefined, {
      ingestWorkers: 0,
      limits,
    });
    expect(pooled.ingest.problems.map((problem) => problem.origin)).toEqual(['report-30-long.md']);
    expect(pooled.ingest.problems[0]?.message).toMatch(/INGEST_MAX_SENTENCES/);
    expect(pooled.ingest.added).toHaveLength(60);
    expect(pooled.pool.threads).toBe(2);
    expect(pooled.ingest.added).toEqual(alone.ingest.added);
    const headlines = async (core: typeof pooled) =>
      (await core.store.findItems({}, 1000)).map((hit) => `${hit.item.source}: ${hit.item.headline}`).sort();
    expect(await headlines(pooled)).toEqual(await headlines(alone));
    expect(await pooled.store.countItems({ text: '159 trucks' })).toBe(1);
    // Stories were filed for every item, in the same commit as their batch.
    const items = await pooled.store.findItems({}, 1000);
    for (const { item } of items) expect(await pooled.store.storyOf(item.id)).toBeDefined();
  }, 60_000);

  it('a document the store refuses fails alone, and the rest of its batch is stored', async () => {
    const store = new SqliteStore(join(scratchDir(), 'refuses.db'));
    const { catalogue } = await startCore();
    // This builder gives one document two items with one id, which the store must refuse.
    const ingest = new SourceIngest(store, catalogue, undefined, (parsed, topics, sourceId) => {
      const built = buildItems(parsed, topics, sourceId);
      const first = built.items[0];
      return parsed.origin === 'c.txt' && first ? { ...built, items: [first, first] } : built;
    });
    const batch = ingest.batch('folder:/test');
    const results = new Map<string, PutResult>();
    for (const origin of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) {
      const parsed = parseBriefing(
        origin,
        new TextEncoder().encode(
          `date 2024-05-0${origin.charCodeAt(0) - 96}\nAid trucks reached ${origin}.\n`,
        ),
      );
      if (!parsed.ok) throw new Error(parsed.problem.message);
      await batch.put(parsed.document, undefined, (result) => results.set(origin, result));
    }
    await batch.flush();
    expect([...results].map(([origin, result]) => [origin, result.ok])).toEqual([
      ['a.txt', true],
      ['b.txt', true],
      ['c.txt', false],
      ['d.txt', true],
    ]);
    expect([...(await store.sourceDocuments('folder:/test')).keys()].sort()).toEqual([
      'a.txt',
      'b.txt',
      'd.txt',
    ]);
    await store.close();
  });

  it('a thread that dies fails only the document it was building; those handed to it after are built by a new one', async () => {
    const { catalogue } = await startCore();
    const pool = new IngestPool(1, silentLogger);
    try {
      const documents = [1, 2, 3, 4].map((n) => {
        const parsed = parseBriefing(
          `${n}.txt`,
          new TextEncoder().encode(`date 2024-05-0${n}\n${100 + n} aid trucks crossed into Gaza.\n`),
        );
        if (!parsed.ok) throw new Error(parsed.problem.message);
        return parsed.document;
      });
      const builds = documents.map((document) =>
        pool.build(document, catalogue, 'folder:/test').then(
          (built) => built.items[0]?.sentences[0]?.text ?? '',
          (error: Error) => `failed: ${error.message}`,
        ),
      );
      // All four are with the one thread, which is still loading its language model: it dies as an
      // out-of-memory thread would, with nothing answered yet.
      const [slot] = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
      await slot?.worker.terminate();
      expect(await Promise.all(builds)).toEqual([
        expect.stringMatching(/^failed: the ingest worker failed/),
        '102 aid trucks crossed into Gaza.',
        '103 aid trucks crossed into Gaza.',
        '104 aid trucks crossed into Gaza.',
      ]);
      expect(pool.threads).toBe(1);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('an idle ingest thread ends, and the next document starts one again', async () => {
    const { catalogue } = await startCore();
    const pool = new IngestPool(1, silentLogger, DEFAULT_INGEST_LIMITS.maxSentences, 100);
    try {
      const parsed = parseBriefing(
        'a.txt',
        new TextEncoder().encode('date 2024-05-01\nAid trucks crossed.\n'),
      );
      if (!parsed.ok) throw new Error(parsed.problem.message);
      await pool.build(parsed.document, catalogue, 'folder:/test');
      expect(pool.threads).toBe(1);
      await expect.poll(() => pool.threads, { timeout: 5_000, interval: 20 }).toBe(0);
      const again = await pool.build(parsed.document, catalogue, 'folder:/test');
      expect(again.items.length).toBeGreaterThan(0);
      expect(pool.threads).toBe(1);
    } finally {
      await pool.close();
    }
    // A thread loads the language model on start: slow on a shared machine.
  }, 60_000);
});
