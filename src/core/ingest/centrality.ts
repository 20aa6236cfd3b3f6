import { dot, norm, type Vector } from './vectors.js';

const DAMPING = 0.85;
const ITERATIONS = 40;

/**
 * PageRank over the cosine graph of the vectors (TextRank's centrality): a sentence is central when
 * sentences like many others are like it. Scores sum to 1.
 */
export function pageRank(vectors: readonly Vector[]): number[] {
  const n = vectors.length;
  if (n === 0) return [];
  // The graph is symmetric: each pair is compared once, against lengths summed once, and the power
  // iteration walks rows of one flat array. (A document is ranked in runs of up to 150 sentences, so
  // this is most of a long article's ranking.)
  const norms = vectors.map(norm);
  const weights = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = vectors[i] as Vector;
    const normA = norms[i] as number;
    for (let j = i + 1; j < n; j++) {
      const both = normA * (norms[j] as number);
      const weight = both === 0 ? 0 : dot(a, vectors[j] as Vector) / Math.sqrt(both);
      weights[i * n + j] = weight;
      weights[j * n + i] = weight;
    }
  }
  const outSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += weights[i * n + j] as number;
    outSum[i] = sum;
  }
  let scores = new Float64Array(n).fill(1 / n);
  const passed = new Float64Array(n);
  for (let step = 0; step < ITERATIONS; step++) {
    // A sentence like no other passes its rank to all evenly, so rank is neither lost nor made.
    let dangling = 0;
    for (let j = 0; j < n; j++) {
      const out = outSum[j] as number;
      passed[j] = out > 0 ? (scores[j] as number) / out : 0;
      if (out <= 0) dangling += scores[j] as number;
    }
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let incoming = dangling / n;
      const row = i * n;
      for (let j = 0; j < n; j++) incoming += (weights[row + j] as number) * (passed[j] as number);
      next[i] = (1 - DAMPING) / n + DAMPING * incoming;
    }
    scores = next;
  }
  return [...scores];
}
