// Summary quality: ROUGE of our summaries against the BBC set's reference summaries, beside the lead-3
// baseline scored by the same code on the same 100 articles (DESIGN.md: at least as good as lead-3), and
// beside lead-k with k matched to our summary's sentence count per article, since ROUGE F1 rewards length.
import { buildItems } from '../../src/core/ingest/items.js';
import { withoutConnective } from '../../src/core/ingest/summarise.js';
import type { TopicCatalogue } from '../../src/core/topics.js';
import { bbcCatalogue, repoCatalogue } from '../catalogues.js';
import { type Article, BENCH_SOURCE, loadArticles } from '../corpus.js';
import { parsedFrom } from '../fixture.js';
import {
  lead3,
  meanScores,
  ROUGE_METRICS,
  type RougeMetric,
  type RougeScores,
  rouge,
  tokenize,
} from '../rouge.js';
import { checkTarget, pendingTarget, type TargetCheck } from '../targets.js';
import { textRank, textRankWords } from '../textrank.js';
import type { Bench, Cell, Table } from '../types.js';

/** Article in, summary out, one sentence per line (ROUGE-Lsum reads lines as sentences). */
export type Summariser = (article: Article) => string | Promise<string>;

/**
 * What a reader of `/brief` gets from an article: every item's summary sentences and key points, in
 * document order, one per line. Items come from buildItems, so segmentation and topic tags (which depend on
 * the catalogue) shape the summary as they do in the bot.
 */
export function briefbotSummariser(catalogue: TopicCatalogue): Summariser {
  return (article) => {
    const doc = {
      origin: `bbc/${article.id}`,
      title: article.title,
      source: 'BBC News',
      published: '2005-01-01',
    };
    const { items } = buildItems(parsedFrom({ ...doc, body: article.body }), catalogue, BENCH_SOURCE);
    const lines: { start: number; text: string }[] = [];
    for (const item of items) {
      // The summary is its sentences joined by spaces, in order; key points are sentences shown without a
      // leading connective. Matching them back gives each its place in the document.
      let rest = item.summary;
      for (const sentence of item.sentences) {
        if (!rest.startsWith(sentence.text)) continue;
        lines.push(sentence);
        rest = rest.slice(sentence.text.length).trimStart();
      }
      for (const point of item.keyPoints) {
        const sentence = item.sentences.find((candidate) => withoutConnective(candidate.text) === point);
        lines.push({ start: sentence?.start ?? item.sentences[0]?.start ?? 0, text: point });
      }
    }
    return lines
      .sort((a, b) => a.start - b.start)
      .map((line) => line.text.replace(/\s+/g, ' '))
      .join('\n');
  };
}

export interface System {
  name: string;
  summarise: Summariser;
}

const LABELS: Record<RougeMetric, string> = {
  rouge1: 'ROUGE-1',
  rouge2: 'ROUGE-2',
  rougeL: 'ROUGE-L',
  rougeLsum: 'ROUGE-Lsum',
};
/** DESIGN.md's target is checked on the metrics issue 7 names; ROUGE-Lsum is reported for comparison. */
const TARGET_METRICS: readonly RougeMetric[] = ['rouge1', 'rouge2', 'rougeL'];

interface SystemResult {
  system: string;
  mean: RougeScores;
  meanWords: number;
  meanSentences: number;
  perArticle: { id: string; sentences: number; words: number; f1: Record<RougeMetric, number> }[];
}

async function score(system: System, articles: readonly Article[]): Promise<SystemResult> {
  const all: RougeScores[] = [];
  const perArticle: SystemResult['perArticle'] = [];
  let words = 0;
  for (const article of articles) {
    const prediction = await system.summarise(article);
    const scores = rouge(article.summary.join('\n'), prediction);
    all.push(scores);
    const predictionWords = tokenize(prediction, { stem: false }).length;
    words += predictionWords;
    const f1 = Object.fromEntries(ROUGE_METRICS.map((m) => [m, scores[m].f1])) as Record<RougeMetric, number>;
    const sentences = prediction.split('\n').filter((line) => line.trim() !== '').length;
    perArticle.push({ id: article.id, sentences, words: predictionWords, f1 });
  }
  const meanSentences = perArticle.reduce((sum, a) => sum + a.sentences, 0) / articles.length;
  return {
    system: system.name,
    mean: meanScores(all),
    meanWords: words / articles.length,
    meanSentences,
    perArticle,
  };
}

function tables(results: readonly SystemResult[], articleCount: number): Table[] {
  const f1: Table = {
    title: `Mean F1 over ${articleCount} articles (Porter-stemmed, rouge-score tokenisation)`,
    columns: [
      { key: 'system', label: 'system' },
      ...ROUGE_METRICS.map((m) => ({ key: m, label: `${LABELS[m]} F1`, digits: 4 })),
      { key: 'sentences', label: 'sentences', digits: 1 },
      { key: 'words', label: 'words', digits: 1 },
    ],
    rows: results.map((r) => ({
      system: r.system,
      ...Object.fromEntries(ROUGE_METRICS.map((m) => [m, r.mean[m].f1])),
      sentences: r.meanSentences,
      words: r.meanWords,
    })),
  };
  const pr: Table = {
    title: 'Mean precision / recall',
    columns: [
      { key: 'system', label: 'system' },
      ...ROUGE_METRICS.flatMap((m) => [
        { key: `${m}P`, label: `${LABELS[m]} P`, digits: 4 },
        { key: `${m}R`, label: `${LABELS[m]} R`, digits: 4 },
      ]),
    ],
    rows: results.map((r) => {
      const row: Record<string, Cell> = { system: r.system };
      for (const m of ROUGE_METRICS) {
        row[`${m}P`] = r.mean[m].precision;
        row[`${m}R`] = r.mean[m].recall;
      }
      return row;
    }),
  };
  return [f1, pr];
}

/** `ours`: the systems checked against the target, baselines are not (none: target pending). */
export function createSummariesBench(options: { ours: () => System[]; articles?: () => Article[] }): Bench {
  return {
    name: 'summaries',
    description: 'ROUGE-1/2/L of item summaries vs the BBC reference summaries, beside lead-3',
    async run() {
      const articles = (options.articles ?? loadArticles)();
      const systems: System[] = [
        { name: 'lead-3', summarise: lead3 },
        {
          name: 'lead-k (k = reference sentences)',
          summarise: (a) => a.sentences.slice(0, a.summary.length).join('\n'),
        },
      ];
      const results: SystemResult[] = [];
      for (const system of systems) results.push(await score(system, articles));
      const ours = options.ours();
      for (const system of ours) {
        const result = await score(system, articles);
        results.push(result);
        // The baseline at our length: lead-k with k = our sentence count on the same article.
        const k = new Map(result.perArticle.map((a) => [a.id, a.sentences]));
        const matched = (a: Article) => a.sentences.slice(0, k.get(a.id)).join('\n');
        results.push(
          await score({ name: `lead-k (k = ${system.name} sentences)`, summarise: matched }, articles),
        );
        const ranked = (a: Article) => textRank(a.sentences, { sentences: k.get(a.id) ?? 0 }).join('\n');
        results.push(
          await score({ name: `TextRank (k = ${system.name} sentences)`, summarise: ranked }, articles),
        );
        // And at our word count, so picking longer sentences buys nothing: the best-ranked sentences
        // until the budget, the last cut to it, in document order.
        const w = new Map(result.perArticle.map((a) => [a.id, a.words]));
        const cut = (a: Article) => textRankWords(a.sentences, w.get(a.id) ?? 0).join('\n');
        results.push(await score({ name: `TextRank (words = ${system.name})`, summarise: cut }, articles));
      }

      const reference = articles.reduce(
        (sum, a) => sum + tokenize(a.summary.join(' '), { stem: false }).length,
        0,
      );
      const referenceSentences = articles.reduce((sum, a) => sum + a.summary.length, 0);
      const notes = [
        `reference summaries average ${(referenceSentences / articles.length).toFixed(1)} sentences, ` +
          `${(reference / articles.length).toFixed(1)} words: ROUGE F1 rewards length up to theirs, so compare ` +
          'systems at similar lengths (the lead-k row shows what length alone buys)',
      ];
      const lead = results[0]!.mean;
      let targets: TargetCheck[];
      if (ours.length > 0) {
        targets = ours.flatMap((system) => {
          const result = results.find((r) => r.system === system.name)!;
          return TARGET_METRICS.map((m) =>
            checkTarget('quality-rouge', result.mean[m].f1, {
              limit: lead[m].f1,
              corpusSize: articles.length,
              detail: `${system.name}, ${LABELS[m]} F1 vs lead-3`,
            }),
          );
        });
        notes.push(
          'briefbot rows: every item summary sentence and key point of buildItems, in document order; ' +
            'the lead-k and TextRank (k = ...) rows under each are cut to the same number of sentences per ' +
            'article, TextRank (words = ...) to the same number of words',
        );
      } else {
        notes.push('no summariser of ours given: baselines only');
        targets = [pendingTarget('quality-rouge', 'no briefbot summariser given')];
      }
      return {
        corpusSizes: [articles.length],
        tables: tables(results, articles.length),
        targets,
        notes,
        data: { stemming: 'porter (NLTK extensions, as rouge-score use_stemmer=True)', systems: results },
      };
    },
  };
}

export const summariesBench = createSummariesBench({
  ours: () => [
    { name: 'briefbot, repo catalogue', summarise: briefbotSummariser(repoCatalogue()) },
    { name: 'briefbot, BBC catalogue', summarise: briefbotSummariser(bbcCatalogue()) },
  ],
});
