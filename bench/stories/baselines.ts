// The two clustering baselines of issue 16, each swept over thresholds on the file it is scored on:
// single-link over title TF-IDF cosine, and average-link over title+text TF-IDF cosine within ±3 days.
import {
  cosine,
  inverseFrequencies,
  termCounts,
  type Vector,
  weighted,
} from '../../src/core/ingest/vectors.js';
import { storyTerms } from '../../src/core/stories/signature.js';
import type { ClusterArticle } from './data.js';

function tfidf(texts: readonly string[]): Vector[] {
  const counts = texts.map((text) => termCounts(storyTerms(text)));
  const idf = inverseFrequencies(counts);
  return counts.map((vector) => weighted(vector, idf));
}

function find(parent: number[], i: number): number {
  let root = i;
  while (parent[root] !== root) root = parent[root] ?? root;
  while (parent[i] !== root) {
    const next = parent[i] ?? root;
    parent[i] = root;
    i = next;
  }
  return root;
}

/** Merges as (similarity, a, b), strongest first: cutting the list at a threshold gives the clusters. */
export type Merges = { similarity: number; a: number; b: number }[];

export function labelsAt(size: number, merges: Merges, threshold: number): string[] {
  const parent = Array.from({ length: size }, (_, i) => i);
  for (const merge of merges) {
    if (merge.similarity < threshold) break;
    parent[find(parent, merge.a)] = find(parent, merge.b);
  }
  return parent.map((_, i) => String(find(parent, i)));
}

/** Single link: every pair above the threshold joins, so the merges are the pairs by similarity. */
export function singleLinkTitles(articles: readonly ClusterArticle[]): Merges {
  const vectors = tfidf(articles.map((article) => article.title));
  const merges: Merges = [];
  for (let a = 0; a < vectors.length; a++)
    for (let b = a + 1; b < vectors.length; b++) {
      const similarity = cosine(vectors[a] ?? new Map(), vectors[b] ?? new Map());
      if (similarity > 0) merges.push({ similarity, a, b });
    }
  return merges.sort((x, y) => y.similarity - x.similarity);
}

const DAY = 86_400_000;

/**
 * Average link (UPGMA) over title+text, pairs more than three days apart never similar. Agglomerates
 * with Lance-Williams updates and a cached best neighbour per cluster; average link is monotone, so the
 * merge list cut at a threshold is the clustering at that threshold.
 */
export function averageLinkText(articles: readonly ClusterArticle[], windowDays = 3): Merges {
  const n = articles.length;
  const vectors = tfidf(articles.map((article) => `${article.title} ${article.text}`));
  const dates = articles.map((article) => Date.parse(`${article.published}T00:00:00Z`));
  const sim = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const apart = Math.abs((dates[a] ?? 0) - (dates[b] ?? 0)) > windowDays * DAY;
      const value = apart ? 0 : cosine(vectors[a] ?? new Map(), vectors[b] ?? new Map());
      sim[a * n + b] = value;
      sim[b * n + a] = value;
    }
  const size = new Array<number>(n).fill(1);
  const active = new Array<boolean>(n).fill(true);
  const best = new Array<number>(n).fill(-1);
  const bestOf = (i: number) => {
    let index = -1;
    let value = -1;
    for (let j = 0; j < n; j++) {
      if (j === i || !active[j]) continue;
      const s = sim[i * n + j] ?? 0;
      if (s > value) {
        value = s;
        index = j;
      }
    }
    best[i] = index;
  };
  for (let i = 0; i < n; i++) bestOf(i);
  const merges: Merges = [];
  for (let step = 0; step < n - 1; step++) {
    let a = -1;
    let value = 0;
    for (let i = 0; i < n; i++) {
      const j = best[i] ?? -1;
      if (!active[i] || j < 0) continue;
      const s = sim[i * n + j] ?? 0;
      if (s > value) {
        value = s;
        a = i;
      }
    }
    if (a < 0) break;
    const b = best[a] ?? -1;
    merges.push({ similarity: value, a, b });
    const sa = size[a] ?? 1;
    const sb = size[b] ?? 1;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === a || k === b) continue;
      const merged = ((sim[a * n + k] ?? 0) * sa + (sim[b * n + k] ?? 0) * sb) / (sa + sb);
      sim[a * n + k] = merged;
      sim[k * n + a] = merged;
    }
    active[b] = false;
    size[a] = sa + sb;
    for (let k = 0; k < n; k++) if (active[k] && (k === a || best[k] === a || best[k] === b)) bestOf(k);
  }
  return merges;
}
