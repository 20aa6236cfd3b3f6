import { storyTerms } from '../stories/signature.js';
import { overlapGraph, pageRank } from './centrality.js';
import { type AnalysedSentence, contentStems } from './text.js';
import { cosine, inverseFrequencies, termCounts, type Vector, weighted } from './vectors.js';

export interface ItemSummary {
  headline: string;
  /** 1-2 sentences, verbatim, in document order. */
  summary: string;
  summarySentences: AnalysedSentence[];
  /** 0-3 sentences, each worth showing (see SHOWN_WORTH). */
  keyPoints: string[];
}

const MAX_KEY_POINTS = 3;
/** A second summary sentence is added only while the summary stays this short. */
const SUMMARY_CHARS = 320;
const HEADLINE_CHARS = 110;
/**
 * Earlier sentences carry the news in news writing: the bonus of an item's first sentence, fading
 * after, when its headline is chosen. The sentences shown get none: on the BBC set a document-level
 * lead bonus of 0.3 lost 0.008 ROUGE-1 against none (docs/performance.md).
 */
const ITEM_LEAD_BONUS = 0.3;
const REDUNDANCY_PENALTY = 0.2;
/**
 * A second summary sentence or a key point is shown only when its worth to the document is at least
 * this share of the document's best sentence: an item with little more to say shows less, rather than
 * filling three key points. Chosen on the even-numbered BBC articles, checked on the odd ones
 * (docs/performance.md).
 */
const SHOWN_WORTH = 0.5;

/** Openers that tie a sentence to the one before; a headline or key point reads better without them. */
const CONNECTIVE =
  /^(?:furthermore|moreover|meanwhile|however|additionally|also|besides|nevertheless|nonetheless|still|in addition|as well|separately|elsewhere|at the same time|on the other hand),\s+/i;
/** Subordinate openers ("While reaffirming support for Israel, ...") whose clause a headline drops. */
const SUBORDINATE_OPENER =
  /^(?:in addition to|while|with|after|before|despite|although|though|as|amid|following|since|when|having|given)\b[^,]{3,120},\s+/i;
/** Where a long headline can stop without losing its main clause. */
const CLAUSE_BREAK =
  /,|;|:| - | — | (?:regarding|amid|while|after|as|which|who|where|since|following|despite|according to|because|with)\b/g;

/** What a document's items are summarised against: computed once over all its sentences. */
export interface DocumentWeights {
  /** How rare each word is across the document's sentences. */
  idf: Map<string, number>;
  /**
   * How much each sentence is worth to the whole document: its PageRank over the document's word
   * overlap graph (overlapGraph), 1 for the most central, halved for a fragment.
   */
  worth: Map<AnalysedSentence, number>;
}

/**
 * PageRank compares every sentence with every other: a document longer than this is ranked in runs of
 * this many consecutive sentences, so ingest stays linear in its length (a news article is far
 * shorter; 8,000 sentences ranked whole took minutes).
 */
const GRAPH_SENTENCES = 150;

export function documentWeights(documentSentences: readonly AnalysedSentence[]): DocumentWeights {
  const idf = inverseFrequencies(
    documentSentences.map((sentence) => termCounts(contentStems(sentence.tokens))),
  );
  // The story terms (stop words out, every other word stemmed) ranked better here than the tagger's
  // content stems: 0.774 against 0.771 ROUGE-1 on the BBC set.
  const terms = documentSentences.map((sentence) => storyTerms(sentence.text));
  const worth = new Map<AnalysedSentence, number>();
  for (let start = 0; start < terms.length; start += GRAPH_SENTENCES) {
    const ranks = pageRank(overlapGraph(terms.slice(start, start + GRAPH_SENTENCES)));
    const top = Math.max(...ranks, Number.MIN_VALUE);
    for (const [offset, rank] of ranks.entries()) {
      const sentence = documentSentences[start + offset] as AnalysedSentence;
      const tooShort = sentence.tokens.length < 6 ? 0.5 : 1;
      worth.set(sentence, (rank / top) * tooShort);
    }
  }
  return { idf, worth };
}

/**
 * Extractive summary of one item: the sentences shown are ranked by their worth to the whole document
 * (see documentWeights), the headline by the item's own centre and lead.
 */
export function summarise(sentences: readonly AnalysedSentence[], weights: DocumentWeights): ItemSummary {
  const vectors = sentences.map((sentence) => termCounts(contentStems(sentence.tokens)));
  const tfidf = vectors.map((vector) => weighted(vector, weights.idf));
  const own = tfidf.map((vector, index) => {
    let centrality = 0;
    tfidf.forEach((other, otherIndex) => {
      if (otherIndex !== index) centrality += cosine(vector, other);
    });
    const normalised = sentences.length > 1 ? centrality / (sentences.length - 1) : 1;
    const tooShort = (sentences[index]?.tokens.length ?? 0) < 6 ? 0.5 : 1;
    return (normalised + ITEM_LEAD_BONUS / (1 + index)) * tooShort;
  });
  const headlineIndex = own.reduce((best, score, index) => (score > (own[best] ?? 0) ? index : best), 0);
  const scores = sentences.map((sentence) => weights.worth.get(sentence) ?? 0);
  const ranked = sentences.map((_, index) => index).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));

  const chosen: number[] = [];
  for (const index of ranked) {
    const length = chosen.reduce((sum, at) => sum + (sentences[at]?.text.length ?? 0), 0);
    if (
      chosen.length === 0 ||
      (chosen.length < 2 &&
        (scores[index] ?? 0) >= SHOWN_WORTH &&
        length + (sentences[index]?.text.length ?? 0) <= SUMMARY_CHARS)
    ) {
      chosen.push(index);
    }
    if (chosen.length === 2) break;
  }
  chosen.sort((a, b) => a - b);
  const summarySentences = chosen.flatMap((index) => sentences[index] ?? []);
  const keyPoints = pickKeyPoints(sentences, tfidf, scores, chosen)
    .sort((a, b) => a - b)
    .map((index) => withoutConnective(sentences[index]?.text ?? ''));
  const top = sentences[headlineIndex]?.text ?? '';
  return {
    headline: headlineOf(top),
    summary: summarySentences.map((sentence) => sentence.text).join(' '),
    summarySentences,
    keyPoints,
  };
}

/**
 * Key points add what the summary does not say: each pick is the most central sentence worth showing,
 * less its likeness to what is already shown (maximal marginal relevance). A bonus for new names and
 * numbers was dropped: on the BBC set it cost 0.014 ROUGE-1 (docs/performance.md).
 */
function pickKeyPoints(
  sentences: readonly AnalysedSentence[],
  vectors: readonly Vector[],
  scores: readonly number[],
  summary: readonly number[],
): number[] {
  const shown = [...summary];
  const picked: number[] = [];
  while (picked.length < MAX_KEY_POINTS) {
    let best: { index: number; value: number } | undefined;
    sentences.forEach((_, index) => {
      if (shown.includes(index) || (scores[index] ?? 0) < SHOWN_WORTH) return;
      const vector = vectors[index] ?? new Map();
      const likeness = Math.max(0, ...shown.map((other) => cosine(vector, vectors[other] ?? new Map())));
      const value = (scores[index] ?? 0) - REDUNDANCY_PENALTY * likeness;
      if (!best || value > best.value) best = { index, value };
    });
    if (!best) break;
    picked.push(best.index);
    shown.push(best.index);
  }
  return picked;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function withoutConnective(sentence: string): string {
  return capitalise(sentence.replace(CONNECTIVE, ''));
}

/** The main clause of a sentence, cut at a clause boundary to headline length, without final stop. */
function headlineOf(sentence: string): string {
  let text = withoutConnective(sentence);
  const opener = SUBORDINATE_OPENER.exec(text);
  if (opener && opener[0].length < text.length * 0.6) text = capitalise(text.slice(opener[0].length));
  text = text.replace(/[.!?]+["”']?$/, '').trim();
  if (text.length <= HEADLINE_CHARS) return text;
  let cut = -1;
  for (const match of text.matchAll(CLAUSE_BREAK)) {
    if (match.index > HEADLINE_CHARS) break;
    if (match.index >= 40) cut = match.index;
  }
  if (cut > 0) return text.slice(0, cut).trim();
  const space = text.lastIndexOf(' ', HEADLINE_CHARS - 1);
  return `${text.slice(0, space > 40 ? space : HEADLINE_CHARS - 1).replace(/[,;:]$/, '')}…`;
}
