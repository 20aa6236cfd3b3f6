// ROUGE as computed by Google's rouge-score (itself checked against ROUGE-1.5.5): same tokeniser,
// n-gram clipping, whole-text LCS for ROUGE-L and the union-LCS summary level for ROUGE-Lsum (Lin 2004,
// section 3.2). Stemming is the Porter stemmer of ./porter.ts, on by default like use_stemmer=True.
import { porterStem } from './porter.js';

export interface Score {
  precision: number;
  recall: number;
  f1: number;
}

export const ROUGE_METRICS = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const;
export type RougeMetric = (typeof ROUGE_METRICS)[number];
export type RougeScores = Record<RougeMetric, Score>;

export interface RougeOptions {
  /** Porter-stem tokens longer than three characters; default true. */
  stem?: boolean;
}

const ZERO: Score = { precision: 0, recall: 0, f1: 0 };

function score(hits: number, predictionCount: number, targetCount: number): Score {
  if (predictionCount === 0 || targetCount === 0) return ZERO;
  const precision = hits / predictionCount;
  const recall = hits / targetCount;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** Lowercase, anything but [a-z0-9] separates tokens, then stem words of four or more characters. */
export function tokenize(text: string, options: RougeOptions = {}): string[] {
  const stem = options.stem ?? true;
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ');
  const tokens: string[] = [];
  for (const word of words) {
    if (word === '') continue;
    tokens.push(stem && word.length > 3 ? porterStem(word) : word);
  }
  return tokens;
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

export function rougeN(target: readonly string[], prediction: readonly string[], n: number): Score {
  const targetGrams = ngramCounts(target, n);
  const predictionGrams = ngramCounts(prediction, n);
  let hits = 0;
  for (const [gram, count] of targetGrams) hits += Math.min(count, predictionGrams.get(gram) ?? 0);
  const targetTotal = Math.max(0, target.length - n + 1);
  const predictionTotal = Math.max(0, prediction.length - n + 1);
  return score(hits, predictionTotal, targetTotal);
}

/** Full (|a|+1) x (|b|+1) LCS length table, row-major. */
function lcsTable(a: readonly string[], b: readonly string[]): Int32Array {
  const cols = b.length + 1;
  const table = new Int32Array((a.length + 1) * cols);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      table[i * cols + j] =
        a[i - 1] === b[j - 1]
          ? table[(i - 1) * cols + j - 1]! + 1
          : Math.max(table[(i - 1) * cols + j]!, table[i * cols + j - 1]!);
    }
  }
  return table;
}

export function lcsLength(a: readonly string[], b: readonly string[]): number {
  return lcsTable(a, b)[a.length * (b.length + 1) + b.length]!;
}

/** Indices into `ref` of one longest common subsequence, walking back the way rouge-score does. */
export function lcsIndices(ref: readonly string[], can: readonly string[]): number[] {
  const table = lcsTable(ref, can);
  const cols = can.length + 1;
  const indices: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      indices.push(i - 1);
      i--;
      j--;
    } else if (table[i * cols + j - 1]! > table[(i - 1) * cols + j]!) {
      j--;
    } else {
      i--;
    }
  }
  return indices.reverse();
}

export function rougeL(target: readonly string[], prediction: readonly string[]): Score {
  if (target.length === 0 || prediction.length === 0) return ZERO;
  return score(lcsLength(target, prediction), prediction.length, target.length);
}

/** Tokens of `ref` covered by the union of its LCS with each candidate sentence. */
export function unionLcs(ref: readonly string[], candidates: readonly (readonly string[])[]): string[] {
  const covered = new Set<number>();
  for (const candidate of candidates) for (const i of lcsIndices(ref, candidate)) covered.add(i);
  return [...covered].sort((x, y) => x - y).map((i) => ref[i]!);
}

function tokenCounts(sentences: readonly (readonly string[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sentence of sentences)
    for (const token of sentence) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/** Summary-level LCS; a token is credited at most as often as it occurs on both sides, as ROUGE-1.5.5 does. */
export function rougeLsum(
  target: readonly (readonly string[])[],
  prediction: readonly (readonly string[])[],
): Score {
  const targetTotal = target.reduce((sum, s) => sum + s.length, 0);
  const predictionTotal = prediction.reduce((sum, s) => sum + s.length, 0);
  if (targetTotal === 0 || predictionTotal === 0) return ZERO;
  const targetLeft = tokenCounts(target);
  const predictionLeft = tokenCounts(prediction);
  let hits = 0;
  for (const sentence of target) {
    for (const token of unionLcs(sentence, prediction)) {
      const t = targetLeft.get(token) ?? 0;
      const p = predictionLeft.get(token) ?? 0;
      if (t > 0 && p > 0) {
        hits++;
        targetLeft.set(token, t - 1);
        predictionLeft.set(token, p - 1);
      }
    }
  }
  return score(hits, predictionTotal, targetTotal);
}

/** Sentences are the non-empty lines, as rouge-score's rougeLsum expects. */
function sentenceTokens(text: string, options: RougeOptions): string[][] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => tokenize(line, options));
}

/** `target` is the reference; both texts carry one sentence per line for ROUGE-Lsum. */
export function rouge(target: string, prediction: string, options: RougeOptions = {}): RougeScores {
  const t = tokenize(target, options);
  const p = tokenize(prediction, options);
  return {
    rouge1: rougeN(t, p, 1),
    rouge2: rougeN(t, p, 2),
    rougeL: rougeL(t, p),
    rougeLsum: rougeLsum(sentenceTokens(target, options), sentenceTokens(prediction, options)),
  };
}

export function meanScores(all: readonly RougeScores[]): RougeScores {
  const mean = (metric: RougeMetric, field: keyof Score) =>
    all.length === 0 ? 0 : all.reduce((sum, s) => sum + s[metric][field], 0) / all.length;
  const result = {} as RougeScores;
  for (const metric of ROUGE_METRICS) {
    result[metric] = {
      precision: mean(metric, 'precision'),
      recall: mean(metric, 'recall'),
      f1: mean(metric, 'f1'),
    };
  }
  return result;
}

/** The lead-3 baseline: the first three sentences of the body, one per line. */
export function lead3(article: { sentences: readonly string[] }): string {
  return article.sentences.slice(0, 3).join('\n');
}
