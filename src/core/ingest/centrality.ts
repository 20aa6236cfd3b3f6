import { cosine, type Vector } from './vectors.js';

const DAMPING = 0.85;
const ITERATIONS = 40;

/**
 * PageRank over the cosine graph of the vectors (TextRank's centrality): a sentence is central when
 * sentences like many others are like it. Scores sum to 1.
 */
export function pageRank(vectors: readonly Vector[]): number[] {
  const n = vectors.length;
  if (n === 0) return [];
  const weights = vectors.map((a, i) => vectors.map((b, j) => (i === j ? 0 : cosine(a, b))));
  const outSum = weights.map((row) => row.reduce((sum, w) => sum + w, 0));
  let scores = new Array<number>(n).fill(1 / n);
  for (let step = 0; step < ITERATIONS; step++) {
    // A sentence like no other passes its rank to all evenly, so rank is neither lost nor made.
    const dangling = scores.reduce((sum, score, j) => ((outSum[j] ?? 0) > 0 ? sum : sum + score), 0);
    scores = scores.map((_, i) => {
      let incoming = dangling / n;
      for (let j = 0; j < n; j++) {
        const w = weights[j]?.[i] ?? 0;
        if (w > 0) incoming += (w / (outSum[j] ?? 1)) * (scores[j] ?? 0);
      }
      return (1 - DAMPING) / n + DAMPING * incoming;
    });
  }
  return scores;
}
