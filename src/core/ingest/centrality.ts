const DAMPING = 0.85;
const ITERATIONS = 40;

/** A symmetric graph of `n` nodes: the weight between i and j at `i * n + j` and `j * n + i`. */
export interface Graph {
  n: number;
  weights: Float64Array;
}

/**
 * TextRank's edge weight (Mihalcea & Tarau 2004): the words two sentences share, over the sum of the
 * logs of their lengths (distinct terms; a one-term sentence counts as two, so the weight stays finite).
 * On the BBC set it ranked better than TF-IDF cosine at equal words: cosine divides out length fully,
 * the logs only in part (docs/performance.md).
 */
export function overlapGraph(terms: readonly (readonly string[])[]): Graph {
  const n = terms.length;
  const sets = terms.map((list) => new Set(list));
  const logs = sets.map((set) => Math.log(Math.max(2, set.size)));
  const weights = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = sets[i] as Set<string>;
    for (let j = i + 1; j < n; j++) {
      const b = sets[j] as Set<string>;
      const [small, large] = a.size <= b.size ? [a, b] : [b, a];
      let shared = 0;
      for (const term of small) if (large.has(term)) shared++;
      const weight = shared / ((logs[i] as number) + (logs[j] as number));
      weights[i * n + j] = weight;
      weights[j * n + i] = weight;
    }
  }
  return { n, weights };
}

/**
 * PageRank over a weighted sentence graph (TextRank's centrality): a sentence is central when
 * sentences like many others are like it. Scores sum to 1.
 */
export function pageRank({ n, weights }: Graph): number[] {
  if (n === 0) return [];
  // The power iteration walks rows of one flat array. (A document is ranked in runs of up to 150
  // sentences, so this is most of a long article's ranking.)
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
