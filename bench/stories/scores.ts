// Clustering scores against gold labels: B-cubed precision/recall/F1 (per article, averaged) and
// pairwise precision (of the pairs put together, the share that belong together).

export interface ClusterScores {
  precision: number;
  recall: number;
  f1: number;
  pairwisePrecision: number;
  clusters: number;
}

export function scoreClusters(gold: readonly string[], predicted: readonly string[]): ClusterScores {
  const count = (labels: readonly string[]) => {
    const sizes = new Map<string, number>();
    for (const label of labels) sizes.set(label, (sizes.get(label) ?? 0) + 1);
    return sizes;
  };
  const goldSize = count(gold);
  const predictedSize = count(predicted);
  const both = count(gold.map((label, i) => `${label}\u0000${predicted[i]}`));
  let precision = 0;
  let recall = 0;
  gold.forEach((label, i) => {
    const shared = both.get(`${label}\u0000${predicted[i]}`) ?? 0;
    precision += shared / (predictedSize.get(predicted[i] ?? '') ?? 1);
    recall += shared / (goldSize.get(label) ?? 1);
  });
  precision /= gold.length;
  recall /= gold.length;
  const pairs = (n: number) => (n * (n - 1)) / 2;
  let together = 0;
  let right = 0;
  for (const size of predictedSize.values()) together += pairs(size);
  for (const size of both.values()) right += pairs(size);
  return {
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    pairwisePrecision: together > 0 ? right / together : 1,
    clusters: predictedSize.size,
  };
}
