// Asks every SQuAD 2.0 question in the thread of its paragraph (the paragraph's items are what the
// briefing showed; the rest of the store comes after), and beside it the plain BM25 baseline: the top
// sentence of the same paragraph, answered whole.
import { type Answer, answerQuestion } from '../../src/core/answer.js';
import { buildItems } from '../../src/core/ingest/items.js';
import { contentHash } from '../../src/core/ingest/parse.js';
import type { ItemStore } from '../../src/core/store/store.js';
import type { TopicCatalogue } from '../../src/core/topics.js';
import { INGESTED_AT } from '../fixture.js';
import { porterStem } from '../porter.js';
import type { Squad, SquadQuestion } from './data.js';

/** Any fixed date: Wikipedia paragraphs have none, and no question here asks about the report's. */
const PUBLISHED = '2024-01-01';

export interface Ingested {
  /** Item ids per paragraph index. */
  itemIds: string[][];
  /** Sentences per paragraph index, in order. */
  sentences: string[][];
  items: number;
}

export async function ingestSquad(
  store: ItemStore,
  squad: Squad,
  catalogue: TopicCatalogue,
): Promise<Ingested> {
  const itemIds: string[][] = [];
  const sentences: string[][] = [];
  let items = 0;
  for (const [index, paragraph] of squad.paragraphs.entries()) {
    const built = buildItems(
      {
        id: contentHash(paragraph.context),
        origin: `squad/${paragraph.article}/${index}`,
        title: paragraph.article.replaceAll('_', ' '),
        source: 'Wikipedia',
        published: PUBLISHED,
        body: paragraph.context,
        topics: [],
      },
      catalogue,
    );
    await store.replaceDocument(built.document, built.items, INGESTED_AT);
    itemIds.push(built.items.map((item) => item.id));
    sentences.push(built.items.flatMap((item) => item.sentences.map((sentence) => sentence.text)));
    items += built.items.length;
  }
  return { itemIds, sentences, items };
}

export interface Asked {
  question: SquadQuestion;
  answer: Answer;
  ms: number;
}

export async function askAll(store: ItemStore, squad: Squad, ingested: Ingested): Promise<Asked[]> {
  const asked: Asked[] = [];
  for (const question of squad.questions) {
    const context = { itemIds: ingested.itemIds[question.paragraph] ?? [], turns: [] };
    const started = performance.now();
    // Every answer with its confidence: the bench applies and fits the threshold itself.
    const answer = await answerQuestion(store, question.question, context, { minConfidence: 0 });
    asked.push({ question, answer, ms: performance.now() - started });
  }
  return asked;
}

const words = (text: string) =>
  (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((word) => !STOP.has(word)).map(porterStem);
const STOP = new Set(
  'a an the of in on at to for by with from and or is are was were be been what which who whom whose when where why how did do does that this it as its'.split(
    ' ',
  ),
);

/**
 * Okapi BM25 (k1 1.2, b 0.75) over every stored sentence, the question's words Porter-stemmed:
 * for each question, the paragraph's sentences best first.
 */
export function bm25Ranker(ingested: Ingested): (question: SquadQuestion) => string[] {
  const all = ingested.sentences.flat().map(words);
  const df = new Map<string, number>();
  for (const sentence of all) for (const word of new Set(sentence)) df.set(word, (df.get(word) ?? 0) + 1);
  const average = all.reduce((sum, sentence) => sum + sentence.length, 0) / Math.max(all.length, 1);
  const idf = (word: string) => {
    const n = df.get(word) ?? 0;
    return Math.log(1 + (all.length - n + 0.5) / (n + 0.5));
  };
  return (question) => {
    const asked = words(question.question);
    const sentences = ingested.sentences[question.paragraph] ?? [];
    const scored = sentences.map((text) => {
      const sentence = words(text);
      let total = 0;
      for (const word of new Set(asked)) {
        const tf = sentence.filter((w) => w === word).length;
        if (tf > 0)
          total += (idf(word) * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * sentence.length) / average));
      }
      return { text, total };
    });
    return scored.sort((a, b) => b.total - a.total).map((entry) => entry.text);
  };
}
