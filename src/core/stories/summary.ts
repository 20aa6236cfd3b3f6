import {
  cosine,
  dot,
  inverseFrequencies,
  norm,
  termCounts,
  type Vector,
  weighted,
} from '../ingest/vectors.js';
import { storyTerms } from './signature.js';

/** One sentence of one member of a story, with where it stood in its article. */
export interface MemberSentence {
  text: string;
  /** Index of the member (article or item) the sentence comes from. */
  member: number;
  /** Position of the sentence within its member's text. */
  index: number;
}

export interface StorySummaryOptions {
  /** Word budget of the summary. */
  words: number;
  /** At most this many sentences. */
  sentences: number;
}

/** News puts the news first: the bonus of a member's first sentence, fading after. */
const LEAD_BONUS = 0.25;
/** MMR trade-off: how much likeness to what is already chosen costs. */
const REDUNDANCY = 0.7;
const MIN_WORDS = 6;

export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * Sentences ranked by how central they are across the story's members, with a lead bonus. Centrality
 * counts the other members' sentences more than the sentence's own article: what several outlets say
 * is what happened.
 */
export function rankStorySentences(sentences: readonly MemberSentence[]): {
  scores: number[];
  vectors: Vector[];
} {
  const counts = sentences.map((sentence) => termCounts(storyTerms(sentence.text)));
  const idf = inverseFrequencies(counts);
  const vectors = counts.map((vector) => weighted(vector, idf));
  const members = new Set(sentences.map((sentence) => sentence.member)).size;
  // Each pair is compared once, with each vector's length summed once: a story of many members has
  // hundreds of sentences, and comparing every ordered pair afresh made a briefing's cards most of
  // its time. Each sentence's sums still run over the others in order, as `cosine` would give them.
  const lengths = vectors.map(norm);
  const across = new Float64Array(sentences.length);
  const within = new Float64Array(sentences.length);
  const acrossCount = new Int32Array(sentences.length);
  const withinCount = new Int32Array(sentences.length);
  const add = (i: number, j: number, similarity: number) => {
    if (sentences[i]?.member === sentences[j]?.member) {
      within[i] = (within[i] ?? 0) + similarity;
      withinCount[i] = (withinCount[i] ?? 0) + 1;
    } else {
      across[i] = (across[i] ?? 0) + similarity;
      acrossCount[i] = (acrossCount[i] ?? 0) + 1;
    }
  };
  for (let i = 0; i < sentences.length; i++) {
    const a = vectors[i] ?? new Map<string, number>();
    for (let j = i + 1; j < sentences.length; j++) {
      const b = vectors[j] ?? new Map<string, number>();
      const lengthsProduct = (lengths[i] ?? 0) * (lengths[j] ?? 0);
      if (lengthsProduct === 0) {
        add(i, j, 0);
        add(j, i, 0);
        continue;
      }
      const root = Math.sqrt(lengthsProduct);
      const ab = dot(a, b) / root;
      add(i, j, ab);
      // dot() walks the smaller vector; of two the same size, the first: the other order may round apart.
      add(j, i, a.size === b.size ? dot(b, a) / root : ab);
    }
  }
  const scores = sentences.map((sentence, i) => {
    const acrossSum = across[i] ?? 0;
    const withinSum = within[i] ?? 0;
    const acrossN = acrossCount[i] ?? 0;
    const withinN = withinCount[i] ?? 0;
    const centrality =
      members > 1 && acrossN > 0
        ? (0.75 * acrossSum) / acrossN + (withinN > 0 ? (0.25 * withinSum) / withinN : 0)
        : withinN > 0
          ? withinSum / withinN
          : 1;
    const short = wordCount(sentence.text) < MIN_WORDS ? 0.5 : 1;
    return (centrality + LEAD_BONUS / (1 + sentence.index)) * short;
  });
  return { scores, vectors };
}

/**
 * Picks the summary by maximal marginal relevance: the best-ranked sentence that fits the word budget,
 * then the one that adds most while repeating least, until the budget or the sentence cap is reached.
 * Returns indexes into `sentences`, in the order they were chosen; `already` shown ones count as chosen.
 */
export function pickSummary(
  sentences: readonly MemberSentence[],
  options: StorySummaryOptions,
  ranking = rankStorySentences(sentences),
  already: readonly number[] = [],
): number[] {
  const { scores, vectors } = ranking;
  // Counted once: each round looks at every sentence.
  const wordsOf = sentences.map((sentence) => wordCount(sentence.text));
  const chosen: number[] = [...already];
  let used = already.reduce((sum, index) => sum + (wordsOf[index] ?? 0), 0);
  while (chosen.length - already.length < options.sentences) {
    let best: { index: number; value: number } | undefined;
    for (const index of sentences.keys()) {
      if (chosen.includes(index)) continue;
      const words = wordsOf[index] ?? 0;
      if (used + words > options.words && !(chosen.length === 0 && words <= options.words * 1.25)) continue;
      const likeness = Math.max(
        0,
        ...chosen.map((other) => cosine(vectors[index] ?? new Map(), vectors[other] ?? new Map())),
      );
      const value = (scores[index] ?? 0) - REDUNDANCY * likeness;
      if (!best || value > best.value) best = { index, value };
    }
    if (!best) break;
    chosen.push(best.index);
    used += wordsOf[best.index] ?? 0;
  }
  return chosen.slice(already.length);
}
