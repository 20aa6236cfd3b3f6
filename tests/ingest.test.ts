import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentWeights, summarise } from '../src/core/ingest/summarise.js';
import { analyse } from '../src/core/ingest/text.js';
import type { Core } from '../src/runtime.js';
import { briefingsFolder, SEED_FILE, startCore } from './support/core.js';

const MARKDOWN = `---
title: UN warns of famine in northern Gaza
date: 2024-05-02
source: UN News
url: https://news.un.org/example
topics: [humanitarian-aid]
---
# Famine warning

The World Food Programme said famine had taken hold in northern Gaza. Its director said
**about 300,000 people** remained in the north with little food.

Aid trucks entering through the Kerem Shalom crossing fell to 60 a day last week, the agency said.
`;

async function allItems(core: Core) {
  return (await core.store.findItems({}, 100)).map((hit) => hit.item);
}

/** The files of the core's briefings folder that the store holds. */
async function origins(core: Core): Promise<string[]> {
  return [...(await core.store.sourceDocuments(core.folder.source.id)).keys()].sort();
}

describe('ingesting the seed briefing', () => {
  it('cuts the Biden–Netanyahu call into hostage talks, aid and Rafah items with their topics', async () => {
    const core = await startCore();
    const items = await allItems(core);
    expect(items.length).toBeGreaterThanOrEqual(3);
    const about = (pattern: RegExp) =>
      items.find((item) => item.sentences.some((sentence) => pattern.test(sentence.text)));
    const talks = about(/Mediation efforts involving Egypt, Qatar, and the United States/);
    const aid = about(/new northern crossings/);
    const rafah = about(/1\.5 million civilians/);
    expect(new Set([talks?.id, aid?.id, rafah?.id]).size).toBe(3);
    expect(talks?.topics).toEqual(expect.arrayContaining(['hostages', 'ceasefire', 'gaza']));
    expect(aid?.topics).toEqual(expect.arrayContaining(['humanitarian-aid', 'gaza']));
    expect(rafah?.topics).toEqual(expect.arrayContaining(['rafah', 'gaza']));
    expect(rafah?.topics).not.toContain('humanitarian-aid');
  });

  it('keeps every supporting sentence at its exact offsets in the document', async () => {
    const core = await startCore();
    const items = await allItems(core);
    const body = (await core.store.findItems({}, 1))[0]?.item.documentId;
    expect(body).toBeDefined();
    for (const item of items) {
      expect(item.summary.length).toBeGreaterThan(20);
      expect(item.keyPoints.length).toBeLessThanOrEqual(3);
      expect(item.headline.length).toBeLessThanOrEqual(111);
      for (const sentence of item.sentences) expect(sentence.end - sentence.start).toBe(sentence.text.length);
    }
    const sentences = items.flatMap((item) => item.sentences).sort((a, b) => a.start - b.start);
    expect(sentences).toHaveLength(11);
    for (let i = 1; i < sentences.length; i++)
      expect(sentences[i]!.start).toBeGreaterThanOrEqual(sentences[i - 1]!.end);
  });
});

describe('sentence splitting on news text', () => {
  it('does not break at abbreviations, initials, decimals or inside quotes', () => {
    const text =
      'The U.S. said on Oct. 7 that Mr. Smith paid $1.5 million. "We are done," he said. Then Dr. Jones left at 5 p.m. on Jan. 3. Over 1.5 million civilians fled.';
    expect(analyse(text).map((sentence) => sentence.text)).toEqual([
      'The U.S. said on Oct. 7 that Mr. Smith paid $1.5 million.',
      '"We are done," he said.',
      'Then Dr. Jones left at 5 p.m. on Jan. 3.',
      'Over 1.5 million civilians fled.',
    ]);
  });

  it('reports offsets that slice the original text back out', () => {
    const text = 'First line here.\n\n  Second paragraph, with "a quote."  Third one?';
    for (const sentence of analyse(text))
      expect(text.slice(sentence.start, sentence.end)).toBe(sentence.text);
  });
});

describe('keeping the store in step with the folder', () => {
  it('re-ingesting unchanged files changes nothing', async () => {
    const core = await startCore();
    const before = await allItems(core);
    const again = await core.folder.sync();
    expect(again).toMatchObject({ added: [], updated: [], removed: [], unchanged: 1 });
    expect(await allItems(core)).toEqual(before);
  });

  it('an edited file replaces its items and a deleted file removes them', async () => {
    const dir = briefingsFolder({ 'famine.md': MARKDOWN });
    const core = await startCore(dir);
    expect((await core.store.findItems({ text: 'famine' }, 10)).length).toBeGreaterThan(0);

    writeFileSync(join(dir, 'famine.md'), MARKDOWN.replace('60 a day', '45 a day'));
    const edit = await core.folder.sync();
    expect(edit.updated).toEqual(['famine.md']);
    const sentences = (await core.store.findItems({ text: 'trucks' }, 10)).flatMap(
      (hit) => hit.item.sentences,
    );
    expect(sentences.map((sentence) => sentence.text).join(' ')).toContain('45 a day');
    expect(sentences.map((sentence) => sentence.text).join(' ')).not.toContain('60 a day');

    rmSync(join(dir, 'famine.md'));
    const removal = await core.folder.sync();
    expect(removal.removed).toEqual(['famine.md']);
    expect(await core.store.findItems({ text: 'famine' }, 10)).toEqual([]);
    expect(await origins(core)).toEqual([SEED_FILE]);
  });

  it('picks up a new file while watching the folder', async () => {
    const dir = briefingsFolder();
    const core = await startCore(dir);
    await core.folder.watch({ debounceMs: 20 });
    writeFileSync(join(dir, 'famine.md'), MARKDOWN);
    await expect.poll(() => origins(core), { timeout: 5000 }).toEqual([SEED_FILE, 'famine.md'].sort());
  });

  it('reads Markdown front matter: title, source, link and assigned topics', async () => {
    const core = await startCore(briefingsFolder({ 'famine.md': MARKDOWN }, false));
    const items = await allItems(core);
    const item = items[0];
    expect(item).toMatchObject({
      documentTitle: 'UN warns of famine in northern Gaza',
      source: 'UN News',
      url: 'https://news.un.org/example',
      published: '2024-05-02',
    });
    for (const each of items) expect(each.topics).toContain('humanitarian-aid');
    const text = items.flatMap((each) => each.sentences.map((sentence) => sentence.text)).join(' ');
    expect(text).toContain('about 300,000 people');
    expect(text).not.toMatch(/\*\*|#/);
  });
});

describe('malformed briefing files', () => {
  const bad = {
    'no-date.txt': 'The talks went on.\n',
    'bad-date.txt': 'date 2024-13-45\nSomething happened.\n',
    'empty.txt': 'date 2024-05-01\n\n   \n',
    'bad-yaml.md': '---\ntitle: Fine\ndate: 2024-05-01\ntopics: [unclosed\n---\nBody text here.\n',
    'no-title.md': '---\ndate: 2024-05-01\nsource: Somebody\n---\nBody text here.\n',
    'binary.txt': Buffer.from([0x64, 0x61, 0x74, 0x65, 0x0a, 0x00, 0x01, 0x02]),
  };

  it('are reported with file and line and skipped, while the rest loads', async () => {
    const core = await startCore(briefingsFolder(bad));
    const problems = Object.fromEntries(core.ingest.problems.map((problem) => [problem.origin, problem]));
    expect(Object.keys(problems).sort()).toEqual(Object.keys(bad).sort());
    expect(problems['no-date.txt']).toMatchObject({
      line: 1,
      message: expect.stringContaining('date YYYY-MM-DD'),
    });
    expect(problems['bad-date.txt']).toMatchObject({
      line: 1,
      message: expect.stringContaining('2024-13-45'),
    });
    expect(problems['empty.txt']).toMatchObject({ line: 2, message: expect.stringContaining('empty body') });
    expect(problems['bad-yaml.md']?.line).toBeGreaterThanOrEqual(4);
    expect(problems['bad-yaml.md']?.message).toContain('front matter');
    expect(problems['no-title.md']).toMatchObject({ line: 1, message: expect.stringContaining('title') });
    expect(problems['binary.txt']).toMatchObject({ line: 2, message: expect.stringContaining('binary') });
    expect(await origins(core)).toEqual([SEED_FILE]);
  });

  it('a good file that turns bad keeps its last good items', async () => {
    const dir = briefingsFolder();
    const core = await startCore(dir);
    writeFileSync(join(dir, SEED_FILE), 'no date line any more\n');
    const report = await core.folder.sync();
    expect(report.problems).toHaveLength(1);
    expect((await allItems(core)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('item summaries', () => {
  it('shows key points only as long as there is something worth saying: asides are left out', () => {
    const sentences = analyse(
      'Flood waters rose across the river valley on Monday, forcing thousands of families from their homes. ' +
        'Rescue teams in boats reached families trapped by the flood waters in the valley towns. ' +
        'The river crested at a record height overnight as the flood spread to farms along the valley. ' +
        'Officials said the flood had cut power to homes in three valley towns. ' +
        'A local bakery celebrated its fiftieth anniversary with free cake. ' +
        'The town chess club elected a new treasurer last week.',
    );
    const summary = summarise(sentences, documentWeights(sentences));
    const shown = `${summary.summary} ${summary.keyPoints.join(' ')}`;
    expect(summary.keyPoints).toHaveLength(2);
    for (const point of ['Flood waters rose', 'Rescue teams', 'The river crested', 'cut power'])
      expect(shown).toContain(point);
    expect(shown).not.toMatch(/bakery|chess/);
  });
});
