// TextRank (Mihalcea & Tarau 2004), the graph baseline of the summary benches: sentences are nodes,
// TF-IDF cosine the edge weights, PageRank the score; the top sentences within the budget are kept in
// their original order.
import { pageRank } from '../src/core/ingest/centrality.js';
import { inverseFrequencies, termCounts, weighted } from '../src/core/ingest/vectors.js';
import { storyTerms } from '../src/core/stories/signature.js';

/** PageRank score of each sentence over the TF-IDF cosine graph. */
export function textRankScores(sentences: readonly string[]): number[] {
  const counts = sentences.map((sentence) => termCounts(storyTerms(sentence)));
  const idf = inverseFrequencies(counts);
  return pageRank(counts.map((vector) => weighted(vector, idf)));
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
