import { type AnalysedSentence, analyse, contentStems, stemOf, type Token } from '../ingest/text.js';
import type { Item } from '../model.js';
import type { ItemStore } from '../store/store.js';
import type { Question } from './question.js';

export interface Candidate {
  item: Item;
  sentence: AnalysedSentence;
  /** The sentences before and after in the same item: "He said..." is about the one before. */
  before?: AnalysedSentence | undefined;
  after?: AnalysedSentence | undefined;
  index: number;
  shown: boolean;
  /** BM25 of the sentence, plus a share of its predecessor's for the words it lacks. */
  relevance: number;
}

/** Store sentences read beside the shown ones: enough to find the answer elsewhere, few enough to be fast. */
const STORE_CANDIDATES = 30;
const K1 = 1.2;
const B = 0.75;
/** A word met only through its family ("mediation" for "mediating") counts this much. */
const FAMILY_MATCH = 0.8;
/** A question word found only in the sentence before counts this much: it is context, not the claim. */
const CONTEXT_MATCH = 0.35;
/**
 * Sentences of the items the user was shown come first: a store sentence must match the question
 * this much better to rank above them.
 */
const SHOWN_BOOST = 1.6;

const DERIVATIONS = [
  'ization',
  'isation',
  'ation',
  'ition',
  'ement',
  'ment',
  'ness',
  'ance',
  'ence',
  'ship',
  'ist',
  'ism',
  'ity',
  'iti',
  'ive',
  'ion',
  'ian',
  'ial',
  'al',
  'er',
  'or',
  'ic',
  'li',
  'e',
];

/**
 * A word's family beyond its Porter stem: "mediat" (mediating, mediation), "found" (founded, founder),
 * "govern" (government, governor). Only suffixes that leave four letters are cut, so short words keep
 * their own meaning.
 */
export function family(stem: string): string {
  for (const suffix of DERIVATIONS)
    if (stem.endsWith(suffix) && stem.length - suffix.length >= 4) return stem.slice(0, -suffix.length);
  return stem;
}

/** How a sentence holds a question stem: 1 as itself, less through its family, 0 not at all. */
export type Matcher = (stem: string) => number;

/**
 * The stems a token stands for: its own, and for a name written joined ("TimeWarner", "PlayStation")
 * those of its parts, so "Time Warner" in a question meets it.
 */
function stemsOf(token: Token): string[] {
  if (!/\p{Ll}\p{Lu}/u.test(token.text)) return [token.stem];
  const parts = token.text.split(/(?<=\p{Ll})(?=\p{Lu})/u).map((part) => stemOf(part.toLowerCase()));
  return [token.stem, ...parts];
}

export function matcherOf(sentences: readonly (AnalysedSentence | undefined)[]): Matcher {
  const stems = new Set<string>();
  const families = new Set<string>();
  for (const sentence of sentences)
    for (const token of sentence?.tokens ?? [])
      for (const stem of stemsOf(token)) {
        stems.add(stem);
        families.add(family(stem));
      }
  return (stem) => (stems.has(stem) ? 1 : families.has(family(stem)) ? FAMILY_MATCH : 0);
}

function anchored(sentence: AnalysedSentence, start: number, end: number, text: string): AnalysedSentence {
  // Re-anchor the analysis at the sentence's place in its document, so citations keep offsets.
  const shift = start - sentence.start;
  return {
    ...sentence,
    text,
    start,
    end,
    tokens: sentence.tokens.map((token) => ({ ...token, start: token.start + shift })),
  };
}

/** Analyses of recently read items: a thread asks several questions of the same few items. */
const analysedItems = new Map<string, AnalysedSentence[]>();
const ANALYSED_ITEMS_LIMIT = 2_000;

function analysedItem(item: Item): AnalysedSentence[] {
  // An item's id changes with its sentences, so a cached analysis is never stale.
  const cached = analysedItems.get(item.id);
  if (cached) return cached;
  const sentences = item.sentences.flatMap((sentence) => {
    const analysed = analyse(sentence.text)[0];
    return analysed ? [anchored(analysed, sentence.start, sentence.end, sentence.text)] : [];
  });
  if (analysedItems.size >= ANALYSED_ITEMS_LIMIT) analysedItems.clear();
  analysedItems.set(item.id, sentences);
  return sentences;
}

/**
 * The sentences that may answer: every one of the items the user was shown, then the store's best
 * matches for the question's words (and their families' words, through the store's stemmer), each
 * with its neighbours and ranked by BM25 over the candidates.
 */
export async function gatherCandidates(
  store: ItemStore,
  question: Question,
  shownIds: readonly string[],
): Promise<Candidate[]> {
  const shown = await store.getItems(shownIds);
  const words = [...new Set([...question.stems, ...question.stems.map(family)])];
  const hits = await store.searchSentences(words, STORE_CANDIDATES);
  const shownSet = new Set(shownIds);
  const others = await store.getItems(
    [...new Set(hits.map((hit) => hit.itemId))].filter((id) => !shownSet.has(id)),
  );
  const wanted = new Map<string, Set<number>>();
  for (const hit of hits) wanted.set(hit.itemId, (wanted.get(hit.itemId) ?? new Set()).add(hit.index));
  const candidates: Candidate[] = [];
  const add = (item: Item, isShown: boolean) => {
    const sentences = analysedItem(item);
    sentences.forEach((sentence, index) => {
      if (!isShown && !wanted.get(item.id)?.has(index)) return;
      candidates.push({
        item,
        index,
        shown: isShown,
        relevance: 0,
        sentence,
        before: sentences[index - 1],
        after: sentences[index + 1],
      });
    });
  };
  for (const item of shown) add(item, true);
  for (const item of others) add(item, false);
  rank(question, candidates);
  return candidates;
}

/** How often a sentence holds a stem: itself, or (counting less) through its family. */
function frequencies(sentence: AnalysedSentence | undefined): Matcher {
  const stems = new Map<string, number>();
  const families = new Map<string, number>();
  for (const token of sentence?.tokens ?? [])
    for (const stem of stemsOf(token)) {
      stems.set(stem, (stems.get(stem) ?? 0) + 1);
      const kin = family(stem);
      families.set(kin, (families.get(kin) ?? 0) + 1);
    }
  return (stem) => stems.get(stem) ?? FAMILY_MATCH * (families.get(family(stem)) ?? 0);
}

/** Okapi BM25 over the candidate sentences, with word families and the sentence before as context. */
function rank(question: Question, candidates: Candidate[]): void {
  const n = Math.max(candidates.length, 1);
  const matchers = candidates.map((candidate) => matcherOf([candidate.sentence]));
  const lengthOf = (sentence: AnalysedSentence | undefined) =>
    sentence ? contentStems(sentence.tokens).length : 0;
  const lengths = candidates.map((candidate) => lengthOf(candidate.sentence));
  const average = lengths.reduce((sum, length) => sum + length, 0) / n || 1;
  const idf = new Map<string, number>();
  for (const stem of question.stems) {
    const df = matchers.filter((match) => match(stem) > 0).length;
    idf.set(stem, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }
  const term = (stem: string, tf: number, length: number) => {
    const norm = K1 * (1 - B + (B * length) / average);
    return (idf.get(stem) ?? 0) * (question.emphasis.get(stem) ?? 1) * ((tf * (K1 + 1)) / (tf + norm));
  };
  candidates.forEach((candidate, i) => {
    const match = frequencies(candidate.sentence);
    const context = frequencies(candidate.before);
    const beforeLength = lengthOf(candidate.before);
    let relevance = 0;
    for (const stem of question.stems) {
      const own = match(stem);
      // A word only the sentence before has scores there, at its length: a short "Amongst them were
      // 200 clergy." must not outrank the sentence that says it all.
      if (own > 0) relevance += term(stem, own, lengths[i] ?? 0);
      else if (context(stem) > 0) relevance += CONTEXT_MATCH * term(stem, context(stem), beforeLength);
    }
    candidate.relevance = relevance * (candidate.shown ? SHOWN_BOOST : 1);
  });
  candidates.sort(
    (a, b) =>
      b.relevance - a.relevance || a.item.position - b.item.position || a.sentence.start - b.sentence.start,
  );
}

/**
 * Share of the question's weight a sentence holds, itself or through its family, with its neighbours
 * counting for context: what confidence and refusals read.
 */
export function coverage(question: Question, match: Matcher, weights: Map<string, number>): number {
  let matched = 0;
  let total = 0;
  for (const stem of question.stems) {
    const weight = (weights.get(stem) ?? 1) * (question.emphasis.get(stem) ?? 1);
    total += weight;
    matched += weight * match(stem);
  }
  return total === 0 ? 0 : matched / total;
}

/** Rarer question words weigh more: "Rafah" says more about a sentence than "Israel". */
export function stemWeights(question: Question, candidates: readonly Candidate[]): Map<string, number> {
  const n = Math.max(candidates.length, 1);
  const weights = new Map<string, number>();
  const matchers = candidates.map((candidate) => matcherOf([candidate.sentence]));
  for (const stem of question.stems) {
    const df = matchers.filter((match) => match(stem) > 0).length;
    // A word no sentence has is what the briefings lack: it weighs as much as the rarest word found.
    weights.set(stem, Math.log(1 + n / Math.max(df, 1)));
  }
  return weights;
}
