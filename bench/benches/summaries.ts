// Summary quality: ROUGE of our summaries against the BBC set's reference summaries, beside the lead-3
// baseline scored by the same code on the same 100 articles (DESIGN.md: at least as good as lead-3).
import { type Article, loadArticles } from '../corpus.js';
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
import type { Bench, Cell, Table } from '../types.js';

/** Article in, summary out, one sentence per line (ROUGE-Lsum reads lines as sentences). */
export type Summariser = (article: Article) => string | Promise<string>;

// The core's summariser goes here, e.g. `(article) => summarise(article.title, article.body).join('\n')`.
// Until then the bench reports the baselines alone and marks the quality target pending.
const briefbotSummariser: Summariser | null = null;

interface System {
  name: string;
  summarise: Summariser;
  /** Checked against the quality target; baselines are not. */
  ours: boolean;
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
  perArticle: { id: string; f1: Record<RougeMetric, number> }[];
}

async function score(system: System, articles: readonly Article[]): Promise<SystemResult> {
  const all: RougeScores[] = [];
  const perArticle: SystemResult['perArticle'] = [];
  let words = 0;
  for (const article of articles) {
    const prediction = await system.summarise(article);
    const scores = rouge(article.summary.join('\n'), prediction);
    all.push(scores);
    words += tokenize(prediction, { stem: false }).length;
    const f1 = Object.fromEntries(ROUGE_METRICS.map((m) => [m, scores[m].f1])) as Record<RougeMetric, number>;
    perArticle.push({ id: article.id, f1 });
  }
  return { system: system.name, mean: meanScores(all), meanWords: words / articles.length, perArticle };
}

function tables(results: readonly SystemResult[], articleCount: number): Table[] {
  const f1: Table = {
    title: `Mean F1 over ${articleCount} articles (Porter-stemmed, rouge-score tokenisation)`,
    columns: [
      { key: 'system', label: 'system' },
      ...ROUGE_METRICS.map((m) => ({ key: m, label: `${LABELS[m]} F1`, digits: 4 })),
      { key: 'words', label: 'words', digits: 1 },
    ],
    rows: results.map((r) => ({
      system: r.system,
      ...Object.fromEntries(ROUGE_METRICS.map((m) => [m, r.mean[m].f1])),
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

export function createSummariesBench(options: {
  summarise: Summariser | null;
  articles?: () => Article[];
}): Bench {
  return {
    name: 'summaries',
    description: 'ROUGE-1/2/L of item summaries vs the BBC reference summaries, beside lead-3',
    async run() {
      const articles = (options.articles ?? loadArticles)();
      const systems: System[] = [
        { name: 'lead-3', summarise: lead3, ours: false },
        {
          name: 'lead-k (k = reference sentences)',
          summarise: (a) => a.sentences.slice(0, a.summary.length).join('\n'),
          ours: false,
        },
      ];
      if (options.summarise) systems.push({ name: 'briefbot', summarise: options.summarise, ours: true });
      const results: SystemResult[] = [];
      for (const system of systems) results.push(await score(system, articles));

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
      const ours = results.find((r) => systems.find((s) => s.name === r.system)?.ours);
      let targets: TargetCheck[];
      if (ours) {
        targets = TARGET_METRICS.map((m) =>
          checkTarget('quality-rouge', ours.mean[m].f1, {
            limit: lead[m].f1,
            corpusSize: articles.length,
            detail: `${LABELS[m]} F1 vs lead-3`,
          }),
        );
      } else {
        notes.push(
          'briefbot row pending: no summariser plugged in yet (briefbotSummariser in bench/benches/summaries.ts)',
        );
        targets = [pendingTarget('quality-rouge', 'briefbot summariser not plugged in yet')];
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

export const summariesBench = createSummariesBench({ summarise: briefbotSummariser });
