import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Article, buildCorpus, inBatches, loadArticles } from '../bench/corpus.js';
import { bbcDataDir } from '../bench/paths.js';

const dataDir = bbcDataDir();
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

// The data set lives beside the repo (../shared/data); a clone without it skips rather than fails.
describe.skipIf(!existsSync(dataDir))(`BBC news corpus from ${dataDir}`, () => {
  const articles: Article[] = existsSync(dataDir) ? loadArticles(dataDir) : [];

  it('reads 100 articles, 20 in each of 5 categories', () => {
    expect(articles).toHaveLength(100);
    const counts = new Map<string, number>();
    for (const a of articles) counts.set(a.category, (counts.get(a.category) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['business', 'entertainment', 'politics', 'sport', 'tech']);
    expect([...counts.values()]).toEqual([20, 20, 20, 20, 20]);
    expect(new Set(articles.map((a) => a.id)).size).toBe(100);
  });

  it('splits title, paragraphs and reference summary', () => {
    const first = articles[0]!;
    expect(first.id).toBe('business/001');
    expect(first.title).toBe('Ad sales boost Time Warner profit');
    expect(first.sentences[0]).toMatch(/^Quarterly profits at US media giant TimeWarner jumped 76%/);
    expect(first.paragraphs[1]![0]).toMatch(/^The firm, which is now one of the biggest investors/);
    for (const a of articles) {
      expect(a.title.length).toBeGreaterThan(0);
      expect(a.body).not.toMatch(/^\s|\s$|[^\n]\n[^\n]|\n{3}/);
      expect(a.body.split('\n\n')).toHaveLength(a.paragraphs.length);
      expect(a.summary.length).toBeGreaterThan(0);
      // The data set's README: every summary sentence appears verbatim in its article.
      for (const sentence of a.summary) expect(a.sentences, `${a.id}: ${sentence}`).toContain(sentence);
    }
  });

  it('builds the requested number of documents with valid dates over about two years', () => {
    const corpus = buildCorpus(1000, 7, articles);
    const docs = [...corpus];
    expect(docs).toHaveLength(1000);
    expect(corpus.size).toBe(1000);
    const dates = docs.map((d) => d.published);
    for (const date of dates) {
      expect(date).toMatch(ISO_DATE);
      expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(date);
    }
    const sorted = [...dates].sort();
    const spanDays = (Date.parse(sorted.at(-1)!) - Date.parse(sorted[0]!)) / 86_400_000;
    expect(spanDays).toBeGreaterThan(650);
    expect(spanDays).toBeLessThan(740);
    for (const d of docs) {
      expect(d.title.length).toBeGreaterThan(0);
      expect(d.body.length).toBeGreaterThan(0);
    }
    expect(new Set(docs.map((d) => d.origin)).size).toBe(1000);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = [...buildCorpus(300, 42, articles)];
    const b = [...buildCorpus(300, 42, articles)];
    const c = [...buildCorpus(300, 43, articles)];
    expect(b).toEqual(a);
    expect(c.slice(100).map((d) => d.body)).not.toEqual(a.slice(100).map((d) => d.body));
    const corpus = buildCorpus(300, 42, articles);
    expect(corpus.documentAt(250)).toEqual(a[250]);
    expect([...inBatches(corpus, 128)].map((batch) => batch.length)).toEqual([128, 128, 44]);
  });

  it('starts with the real articles, categories interleaved, then recombines paragraphs within a category', () => {
    const docs = [...buildCorpus(400, 1, articles)];
    expect(docs.slice(0, 5).map((d) => d.category)).toEqual([
      'business',
      'entertainment',
      'politics',
      'sport',
      'tech',
    ]);
    expect(docs.slice(0, 100).every((d) => d.source === 'BBC News')).toBe(true);
    expect(docs[0]!.title).toBe('Ad sales boost Time Warner profit');
    const paragraphs = new Map<string, Set<string>>();
    for (const a of articles) {
      const set = paragraphs.get(a.category) ?? new Set<string>();
      for (const p of a.paragraphs) set.add(p.join(' '));
      paragraphs.set(a.category, set);
    }
    for (const d of docs.slice(100)) {
      expect(d.origin).toMatch(/^synthetic\/seed-1\/\d{6}$/);
      for (const p of d.body.split('\n\n')) expect(paragraphs.get(d.category)!.has(p)).toBe(true);
    }
    // Recombination, not copying: most synthetic bodies are not any one article's body.
    const bodies = new Set(articles.map((a) => a.body));
    expect(docs.slice(100).filter((d) => bodies.has(d.body)).length).toBeLessThan(10);
  });

  it('can leave the originals out and makes documents on demand only', () => {
    const corpus = buildCorpus(100_000, 3, articles, { originals: false });
    expect(corpus.documentAt(0).origin).toBe('synthetic/seed-3/000000');
    expect(corpus.documentAt(99_999).published).toMatch(ISO_DATE);
    expect(() => corpus.documentAt(100_000)).toThrow(RangeError);
  });
});

describe('the benches in a fresh clone without the shared data', () => {
  it('say where the data should be: ../shared/data or BRIEFBOT_BENCH_DATA', () => {
    expect(() => loadArticles('/nonexistent/bbc-news-summary')).toThrow(
      /not found at \/nonexistent\/bbc-news-summary\. .*\.\.\/shared\/data.*BRIEFBOT_BENCH_DATA/,
    );
  });
});
