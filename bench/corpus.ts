// Real news text for the benches: the 100 BBC articles of ../shared/data/bbc-news-summary, and corpora of
// any size recombined from their paragraphs, so volume grows while the language stays real.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bbcDataDir, MissingBenchData } from './paths.js';
import { intBetween, type Random, sample, streamFor } from './prng.js';

export interface Article {
  category: string;
  /** `<category>/<NNN>`, unique in the data set. */
  id: string;
  title: string;
  /** Body sentences grouped by paragraph, in order. */
  paragraphs: string[][];
  /** Every body sentence, in order. */
  sentences: string[];
  /** Paragraphs joined with blank lines, the sentences of a paragraph with spaces. */
  body: string;
  /** The data set's extractive reference summary, one sentence per entry (not in article order). */
  summary: string[];
}

/** Shaped like the core's SourceDocument minus what the core derives (id, topics). */
export interface CorpusDocument {
  origin: string;
  title: string;
  source: string;
  /** YYYY-MM-DD */
  published: string;
  body: string;
  category: string;
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim());
}

function paragraphsOf(lines: readonly string[]): string[][] {
  const paragraphs: string[][] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line === '') {
      if (current.length > 0) paragraphs.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) paragraphs.push(current);
  return paragraphs;
}

export function joinParagraphs(paragraphs: readonly (readonly string[])[]): string {
  return paragraphs.map((p) => p.join(' ')).join('\n\n');
}

/** Sorted by category then file name, so every consumer sees the same order. */
export function loadArticles(dir: string = bbcDataDir()): Article[] {
  const articleDir = path.join(dir, 'article');
  if (!existsSync(articleDir)) {
    throw new MissingBenchData('BBC News Summary data', dir);
  }
  const articles: Article[] = [];
  for (const category of readdirSync(articleDir).sort()) {
    const files = readdirSync(path.join(articleDir, category))
      .filter((f) => f.endsWith('.txt'))
      .sort();
    for (const file of files) {
      const lines = readLines(path.join(articleDir, category, file));
      const first = lines.findIndex((line) => line !== '');
      const paragraphs = paragraphsOf(lines.slice(first + 1));
      articles.push({
        category,
        id: `${category}/${file.replace(/\.txt$/, '')}`,
        title: lines[first] ?? '',
        paragraphs,
        sentences: paragraphs.flat(),
        body: joinParagraphs(paragraphs),
        summary: readLines(path.join(dir, 'summary', category, file)).filter((line) => line !== ''),
      });
    }
  }
  return articles;
}

export interface Corpus extends Iterable<CorpusDocument> {
  readonly size: number;
  readonly seed: number;
  /** Pure in (seed, index): documents can be made in any order, in batches, or again. */
  documentAt(index: number): CorpusDocument;
}

export interface CorpusOptions {
  /** Start with the real articles (categories interleaved) before recombined ones; default true. */
  originals?: boolean;
}

const DATE_RANGE_START = Date.UTC(2024, 0, 1);
const DATE_RANGE_DAYS = 730;
const DAY_MS = 86_400_000;

function freshDate(random: Random): string {
  return new Date(DATE_RANGE_START + intBetween(random, 0, DATE_RANGE_DAYS - 1) * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

const WEAK_ENDINGS = new Set(
  'a an the of to in on at by for from with and or but as that which who is was are were be has have had its his her their said says will would than'.split(
    ' ',
  ),
);

/** A headline from the opening words of a real sentence, cut where a headline could end. */
function headlineFrom(sentence: string, random: Random): string {
  const words = sentence.replace(/^["'\s]+/, '').split(/\s+/);
  const cut = words.slice(0, intBetween(random, 5, 9));
  const bare = (word: string) => word.toLowerCase().replace(/[^a-z0-9]+$/g, '');
  while (cut.length > 3 && WEAK_ENDINGS.has(bare(cut[cut.length - 1]!))) cut.pop();
  const text = cut.join(' ').replace(/[^\p{L}\p{N}%)]+$/u, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Several articles of one category, a run of paragraphs from each, the first run being a real lead. */
function recombine(
  byCategory: ReadonlyMap<string, Article[]>,
  categories: readonly string[],
  random: Random,
) {
  const category = categories[Math.floor(random() * categories.length)]!;
  const sources = sample(random, byCategory.get(category)!, intBetween(random, 2, 4));
  const paragraphs: string[][] = [];
  const openings: string[] = [];
  sources.forEach((article, n) => {
    const count = article.paragraphs.length;
    const start = n === 0 ? 0 : intBetween(random, 0, count - 1);
    const run = article.paragraphs.slice(start, start + intBetween(random, 1, 3));
    paragraphs.push(...run);
    if (run[0]?.[0] !== undefined) openings.push(run[0][0]);
  });
  // Mostly from the lead, like a real headline; sometimes from a later run, for variety.
  const opening = random() < 0.6 ? openings[0] : openings[Math.floor(random() * openings.length)];
  const title = headlineFrom(opening ?? sources[0]!.title, random);
  return { category, title, body: joinParagraphs(paragraphs) };
}

export function buildCorpus(
  size: number,
  seed: number,
  articles: readonly Article[] = loadArticles(),
  options: CorpusOptions = {},
): Corpus {
  if (!Number.isInteger(size) || size < 0) throw new Error(`corpus size must be a whole number, got ${size}`);
  const byCategory = new Map<string, Article[]>();
  for (const article of articles) {
    const list = byCategory.get(article.category) ?? [];
    list.push(article);
    byCategory.set(article.category, list);
  }
  const categories = [...byCategory.keys()].sort();
  if (categories.length === 0) throw new Error('no articles to build a corpus from');
  // Round-robin over categories so that any prefix of the originals is balanced.
  const interleaved: Article[] = [];
  const longest = Math.max(...[...byCategory.values()].map((list) => list.length));
  for (let i = 0; i < longest; i++) {
    for (const category of categories) {
      const article = byCategory.get(category)![i];
      if (article) interleaved.push(article);
    }
  }
  const originals = options.originals === false ? 0 : interleaved.length;

  const documentAt = (index: number): CorpusDocument => {
    if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`no document ${index}`);
    const random = streamFor(seed, index);
    const published = freshDate(random);
    const original = index < originals ? interleaved[index] : undefined;
    if (original) {
      const { category, title, body } = original;
      const origin = `bbc-news-summary/article/${original.id}.txt`;
      return { origin, title, source: 'BBC News', published, body, category };
    }
    const { category, title, body } = recombine(byCategory, categories, random);
    const origin = `synthetic/seed-${seed}/${String(index).padStart(6, '0')}`;
    return { origin, title, source: 'BBC News (recombined)', published, body, category };
  };

  return {
    size,
    seed,
    documentAt,
    *[Symbol.iterator]() {
      for (let i = 0; i < size; i++) yield documentAt(i);
    },
  };
}

export function* inBatches<T>(items: Iterable<T>, batchSize: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The source the bench corpus's documents belong to in the store. */
export const BENCH_SOURCE = 'bench:corpus';
