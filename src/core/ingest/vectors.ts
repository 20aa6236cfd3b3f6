/** Sparse term vectors: what segmentation and summarisation compare sentences and blocks with. */
export type Vector = Map<string, number>;

export function termCounts(terms: Iterable<string>): Vector {
  const vector: Vector = new Map();
  for (const term of terms) vector.set(term, (vector.get(term) ?? 0) + 1);
  return vector;
}

/** Inverse document frequency over a set of vectors: terms every one of them has weigh little. */
export function inverseFrequencies(vectors: readonly Vector[]): Map<string, number> {
  const frequency = new Map<string, number>();
  for (const vector of vectors)
    for (const term of vector.keys()) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [term, count] of frequency) idf.set(term, Math.log(1 + vectors.length / count));
  return idf;
}

export function weighted(vector: Vector, idf: Map<string, number>): Vector {
  const result: Vector = new Map();
  for (const [term, weight] of vector) result.set(term, weight * (idf.get(term) ?? 1));
  return result;
}

export function cosine(a: Vector, b: Vector): number {
  const norms = norm(a) * norm(b);
  return norms === 0 ? 0 : dot(a, b) / Math.sqrt(norms);
}

/** The squared length of a vector, for comparing one vector with many without summing it again. */
export function norm(vector: Vector): number {
  let sum = 0;
  for (const weight of vector.values()) sum += weight * weight;
  return sum;
}

export function dot(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, weight] of small) {
    const other = large.get(term);
    if (other !== undefined) sum += weight * other;
  }
  return sum;
}
