import { describe, expect, it } from 'vitest';
import { briefbotSummariser } from '../bench/benches/summaries.js';
import { BBC_CATEGORIES, bbcCatalogue, mergedCatalogue, repoCatalogue } from '../bench/catalogues.js';
import { joinParagraphs } from '../bench/corpus.js';
import { growthTables } from '../bench/growth.js';
import { BRIEF_QUERIES, FOLLOW_UPS } from '../bench/queries.js';

describe('bench catalogues and queries', () => {
  const merged = mergedCatalogue();

  it('keep the repo topics and add one topic per BBC category', () => {
    expect(merged.topics.length).toBe(repoCatalogue().topics.length + BBC_CATEGORIES.length);
    for (const category of BBC_CATEGORIES)
      expect(bbcCatalogue().get(category)?.keywords.length).toBeGreaterThan(10);
  });

  it('ask what each query kind says: slugs and aliases resolve to a topic, free text does not', () => {
    for (const slug of BRIEF_QUERIES.slug) expect(merged.resolve(slug)?.slug).toBe(slug);
    for (const alias of BRIEF_QUERIES.alias) {
      const topic = merged.resolve(alias);
      expect(topic, alias).toBeDefined();
      expect(topic?.slug).not.toBe(alias);
    }
    for (const text of BRIEF_QUERIES.text) expect(merged.resolve(text), text).toBeUndefined();
    for (const { topic } of FOLLOW_UPS) expect(merged.resolve(topic)?.slug).toBe(topic);
  });
});

describe('growthTables', () => {
  it('needs two sizes and reports the ratio per tenfold', () => {
    expect(growthTables('documents', [{ measure: 'ms', points: [{ size: 1000, value: 2 }] }])).toEqual([]);
    const [table] = growthTables('documents', [
      {
        measure: 'ms',
        points: [
          { size: 1000, value: 2 },
          { size: 100_000, value: 200 },
        ],
      },
    ]);
    expect(table!.rows[0]!.ratio).toBeCloseTo(10);
  });
});

describe('briefbotSummariser', () => {
  const paragraphs = [
    [
      'The central bank raised interest rates to 4.75% on Thursday, the fifth rise in a year.',
      'Economists had expected the move after strong retail sales figures in the spring.',
    ],
    [
      'However, the bank warned that house prices could fall sharply next year.',
      'Mortgage lenders said demand had already slowed in London and the south east.',
      'The governor told reporters the committee had voted seven to two for the rise.',
    ],
    [
      'Shares in high street banks fell after the announcement.',
      'Analysts at two City firms said a further rise was unlikely before the election.',
    ],
  ];
  const article = {
    category: 'business',
    id: 'business/999',
    title: 'Interest rates rise again',
    paragraphs,
    sentences: paragraphs.flat(),
    body: joinParagraphs(paragraphs),
    summary: [],
  };

  it('gives summary sentences and key points of every item, one per line, in document order', async () => {
    const lines = (await briefbotSummariser(repoCatalogue())(article)).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    const sentences = article.sentences;
    const at = lines.map((line) =>
      sentences.findIndex((s) => s === line || s.replace(/^However,\s+/, '').replace(/^t/, 'T') === line),
    );
    expect(at).not.toContain(-1);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(new Set(at).size).toBe(at.length);
  });
});
