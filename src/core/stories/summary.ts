import { cosine, inverseFrequencies, termCounts, type Vector, weighted } from '../ingest/vectors.js';
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
  const scores = sentences.map((sentence, i) => {
    let across = 0;
    let within = 0;
    let acrossCount = 0;
    let withinCount = 0;
    sentences.forEach((other, j) => {
      if (i === j) return;
      const similarity = cosine(vectors[i] ?? new Map(), vectors[j] ?? new Map());
      if (other.member === sentence.member) {
        within += similarity;
        withinCount++;
      } else {
        across += similarity;
        acrossCount++;
      }
    });
    const centrality =
      members > 1 && acrossCount > 0
        ? (0.75 * across) / acrossCount + (withinCount > 0 ? (0.25 * within) / withinCount : 0)
        : withinCount > 0
          ? within / withinCount
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
  const chosen: number[] = [...already];
  let used = already.reduce((sum, index) => sum + wordCount(sentences[index]?.text ?? ''), 0);
  while (chosen.length - already.length < options.sentences) {
    let best: { index: number; value: number } | undefined;
    for (const [index, sentence] of sentences.entries()) {
      if (chosen.includes(index)) continue;
      const words = wordCount(sentence.text);
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
    used += wordCount(sentences[best.index]?.text ?? '');
  }
  return chosen.slice(already.length);
}
