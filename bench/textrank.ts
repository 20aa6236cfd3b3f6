// TextRank (Mihalcea & Tarau 2004), the graph baseline of the summary benches: sentences are nodes,
// TF-IDF cosine the edge weights, PageRank the score; the top sentences within the budget are kept in
// their original order.
import { type Graph, pageRank } from '../src/core/ingest/centrality.js';
import { cosine, inverseFrequencies, termCounts, weighted } from '../src/core/ingest/vectors.js';
import { storyTerms } from '../src/core/stories/signature.js';
import { tokenize } from './rouge.js';

/** PageRank score of each sentence over the TF-IDF cosine graph. */
export function textRankScores(sentences: readonly string[]): number[] {
  const counts = sentences.map((sentence) => termCounts(storyTerms(sentence)));
  const idf = inverseFrequencies(counts);
  const vectors = counts.map((vector) => weighted(vector, idf));
  const n = vectors.length;
  const graph: Graph = { n, weights: new Float64Array(n * n) };
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const weight = cosine(vectors[i] ?? new Map(), vectors[j] ?? new Map());
      graph.weights[i * n + j] = weight;
      graph.weights[j * n + i] = weight;
    }
  return pageRank(graph);
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/**
 * The best-scored sentences, in document order: `sentences` of them, or as many as fit `wordBudget`
 * (the first always, so the summary is never empty).
 */
export function textRank(
  sentences: readonly string[],
  limit: { sentences?: number; words?: number },
): string[] {
  const scores = textRankScores(sentences);
  const ranked = sentences.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  const chosen: number[] = [];
  let used = 0;
  for (const index of ranked) {
    if (limit.sentences !== undefined && chosen.length >= limit.sentences) break;
    const length = words(sentences[index] ?? '');
    if (limit.words !== undefined && chosen.length > 0 && used + length > limit.words) continue;
    chosen.push(index);
    used += length;
  }
  return chosen.sort((a, b) => a - b).map((index) => sentences[index] ?? '');
}

/**
 * The best-scored sentences until exactly `budget` words as ROUGE counts them, in document order; the
 * last is cut to its first words that fit (as ROUGE tokenises them, which is all the scorer reads).
 */
export function textRankWords(sentences: readonly string[], budget: number): string[] {
  const scores = textRankScores(sentences);
  const ranked = sentences.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  const kept = new Map<number, string>();
  let left = budget;
  for (const index of ranked) {
    if (left <= 0) break;
    const text = sentences[index] ?? '';
    const tokens = tokenize(text, { stem: false });
    kept.set(index, tokens.length <= left ? text : tokens.slice(0, left).join(' '));
    left -= Math.min(left, tokens.length);
  }
  return [...kept].sort(([a], [b]) => a - b).map(([, text]) => text);
}
