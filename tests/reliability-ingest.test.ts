import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INGEST_LIMITS } from '../src/core/ingest/limits.js';
import { parseBriefing } from '../src/core/ingest/parse.js';
import { IngestPool } from '../src/core/ingest/pool.js';
import { MAX_ITEM_SENTENCES } from '../src/core/ingest/segment.js';
import { silentLogger } from '../src/core/logger.js';
import { openCore } from '../src/runtime.js';
import { briefingsFolder, REPO_BRIEFINGS, SEED_FILE, scratchDir, startCore } from './support/core.js';

/** "Billion laughs": nine aliases of nine aliases of ... expands to 10^9 entries if resolved. */
const ALIAS_BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]`;

const BOMB_BRIEFING = `---
title: Harmless looking
date: 2024-05-01
${ALIAS_BOMB}
---
Aid trucks crossed into Gaza on Wednesday, the UN said.
`;

const LATER = `date 2024-05-03
The UN said 44 aid trucks entered Gaza through Kerem Shalom on Friday.
`;

const items = async (core: Awaited<ReturnType<typeof startCore>>) =>
  (await core.store.findItems({}, 10_000)).map((hit) => hit.item);

describe('one bad document never stops ingest', () => {
  it('an alias bomb in a briefing is that file’s problem, named with its line; the files after it load', async () => {
    const dir = briefingsFolder({ 'a-bomb.md': BOMB_BRIEFING, 'z-later.txt': LATER });
    const core = await startCore(dir);
    expect(core.ingest.problems).toEqual([
      {
        origin: 'a-bomb.md',
        line: 5,
        message: expect.stringMatching(
          /^bad front matter: too many YAML aliases \(more than 100\).*INGEST_MAX_YAML_ALIASES/,
        ),
      },
    ]);
    expect(core.ingest.added).toEqual([SEED_FILE, 'z-later.txt']);
  });

  it('while running, a bomb dropped into the folder does not stop later files or deletions', async () => {
    const dir = briefingsFolder();
    const core = await startCore(dir);
    writeFileSync(join(dir, 'a-bomb.md'), BOMB_BRIEFING);
    writeFileSync(join(dir, 'z-later.txt'), LATER);
    rmSync(join(dir, SEED_FILE));
    const report = await core.folder.sync();
    expect(report.problems.map((problem) => problem.origin)).toEqual(['a-bomb.md']);
    expect(report.added).toEqual(['z-later.txt']);
    expect(report.removed).toEqual([SEED_FILE]);
  });

  it('an alias bomb in topics.yaml stops start-up with one message naming the file and line', async () => {
    const dir = briefingsFolder();
    const topics = readFileSync(join(REPO_BRIEFINGS, 'topics.yaml'), 'utf8');
    writeFileSync(join(dir, 'topics.yaml'), `${ALIAS_BOMB}\n${topics}`);
    const opened = openCore({
      briefingsDir: dir,
      databasePath: join(scratchDir(), 'b.db'),
      logger: silentLogger,
    });
    await expect(opened).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/topics\.yaml:2: too many YAML aliases/),
    });
  });

  it('a file over the size limit is reported without being read, and the rest loads', async () => {
    const big = `date 2024-05-01\n${'The convoy moved north. '.repeat(100_000)}`;
    const core = await startCore(briefingsFolder({ 'big.txt': big }));
    expect(core.ingest.problems).toEqual([
      {
        origin: 'big.txt',
        line: 1,
        message: 'file is 2.3 MB, over the 2.0 MB limit: split it, or raise INGEST_MAX_FILE_SIZE',
      },
    ]);
    expect(core.ingest.added).toEqual([SEED_FILE]);
  });

  it('front-matter type errors say what was found, not "missing"', async () => {
    const core = await startCore(
      briefingsFolder({ 'list-title.md': '---\ntitle: [1, 2]\ndate: 2024-05-01\n---\nSome text here.\n' }),
    );
    expect(core.ingest.problems).toEqual([
      { origin: 'list-title.md', line: 2, message: 'bad front matter: title: expected text, found a list' },
    ]);
  });
});

describe('a long document is cut into more items, not bigger ones', () => {
  it('8,000 one-line sentences become many items of at most 40 sentences, every sentence kept', async () => {
    const lines = Array.from({ length: 8_000 }, (_, i) => `Report ${i} says the aid convoy moved north.`);
    const core = await startCore(
      briefingsFolder({ 'lines.txt': `date 2024-05-01\n${lines.join('\n')}\n` }, false),
    );
    const built = await items(core);
    expect(built.length).toBeGreaterThanOrEqual(8_000 / MAX_ITEM_SENTENCES);
    expect(Math.max(...built.map((item) => item.sentences.length))).toBeLessThanOrEqual(MAX_ITEM_SENTENCES);
    expect(built.reduce((sum, item) => sum + item.sentences.length, 0)).toBe(8_000);
  });

  it('a document over the sentence limit is reported with the variable that raises it', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `Report ${i} says the aid convoy moved north.`);
    const core = await openCore({
      briefingsDir: briefingsFolder({ 'lines.txt': `date 2024-05-01\n${lines.join('\n')}\n` }),
      databasePath: join(scratchDir(), 'c.db'),
      logger: silentLogger,
      limits: { ...DEFAULT_INGEST_LIMITS, maxSentences: 20 },
    });
    expect(core.ingest.problems).toEqual([
      {
        origin: 'lines.txt',
        line: 1,
        message: '50 sentences, over the limit of 20: split the document, or raise INGEST_MAX_SENTENCES',
      },
    ]);
    await core.close();
  });
});

describe('the ingest worker pool', () => {
  it('builds items on another thread while the main thread keeps running timers', async () => {
    const pool = new IngestPool(1, silentLogger);
    try {
      const seed = readFileSync(join(REPO_BRIEFINGS, SEED_FILE), 'utf8').split('\n').slice(1).join('\n');
      const body = `${seed}\n\n`.repeat(40);
      const { catalogue } = await startCore();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const parsed = parseBriefing('long.txt', new TextEncoder().encode(`date 2024-05-01\n${body}`));
      if (!parsed.ok) throw new Error(parsed.problem.message);
      const building = pool.build(parsed.document, catalogue, 'folder:/briefings');
      // The main thread is free: timers fire while the worker is still building.
      await expect.poll(() => ticks, { timeout: 5_000, interval: 5 }).toBeGreaterThanOrEqual(5);
      const built = await building;
      clearInterval(timer);
      expect(built.document.sourceId).toBe('folder:/briefings');
      expect(built.items.length).toBeGreaterThan(6);
    } finally {
      await pool.close();
    }
    // A thread loads the language model on start: slow on a shared machine.
  }, 60_000);
});

describe('dates a briefing cannot have', () => {
  it('30 February, 29 February of a common year and years 0000 and 9999 are reported with their line; the rest load', async () => {
    const dir = briefingsFolder({
      'feb-30.txt': 'date 2024-02-30\nAid trucks crossed into Gaza, the UN said.\n',
      'feb-29.md': '---\ntitle: Not a leap year\ndate: 2023-02-29\n---\nAid trucks crossed into Gaza.\n',
      'year-0.txt': 'date 0000-01-01\nAid trucks crossed into Gaza.\n',
      'year-9999.txt': 'date 9999-12-31\nAid trucks crossed into Gaza.\n',
      'leap-day.txt': 'date 2024-02-29\nAid trucks crossed into Gaza on Thursday, the UN said.\n',
    });
    const core = await startCore(dir);
    const problems = Object.fromEntries(
      core.ingest.problems.map((p) => [p.origin, `${p.line}: ${p.message}`]),
    );
    expect(problems).toEqual({
      'feb-30.txt': expect.stringMatching(
        /^1: .*2024-02-30 is not a day on the calendar between 1900 and 2100/,
      ),
      'feb-29.md': expect.stringMatching(/^3: .*2023-02-29 is not a day on the calendar/),
      'year-0.txt': expect.stringMatching(/^1: .*0000-01-01 is not a day/),
      'year-9999.txt': expect.stringMatching(/^1: .*9999-12-31 is not a day/),
    });
    expect(core.ingest.added.sort()).toEqual(['leap-day.txt', SEED_FILE].sort());
    const newest = (await items(core))
      .map((item) => item.published)
      .sort()
      .at(-1);
    expect(newest).toBe('2024-04-29');
  });
});
