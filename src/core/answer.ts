import type { Reply } from '../reply.js';
import { extractAnswer } from './answers/extract.js';
import { type Question, readQuestion } from './answers/question.js';
import { type AnalysedSentence, analyse, contentStems } from './ingest/text.js';
import type { Item, Sentence, ThreadContext } from './model.js';
import type { ItemStore } from './store/store.js';

export interface Citation {
  itemId: string;
  headline: string;
  source: string;
  url?: string;
  published: string;
  /** The supporting sentence, verbatim, with its offsets in the source document. */
  sentence: Sentence;
}

export type Answer =
  | {
      kind: 'answer';
      question: string;
      text: string;
      citations: Citation[];
      confidence: number;
      /** The best supporting sentences, cited first: all a rephrasing model may draw on. */
      evidence: Citation[];
    }
  | { kind: 'refusal'; question: string; reason: string; closest?: Citation };

/** Share of the question's weighted content words a sentence must contain to support an answer. */
const MIN_COVERAGE = 0.5;
/** A whole sentence quoted as the answer ("what did Biden say about Rafah?") must hold nearly all of it. */
const MIN_OPEN_COVERAGE = 0.75;
/** Sentences of the items the user was shown win ties against the rest of the store. */
const SHOWN_BONUS = 0.1;
const STORE_CANDIDATES = 30;
/** Sentences handed to a rephrasing model: the cited one and the next best. */
const EVIDENCE = 3;

interface Candidate {
  item: Item;
  sentence: AnalysedSentence;
  index: number;
  shown: boolean;
  coverage: number;
}

function citationOf(candidate: Pick<Candidate, 'item' | 'sentence'>): Citation {
  const { item, sentence } = candidate;
  return {
    itemId: item.id,
    headline: item.headline,
    source: item.source,
    published: item.published,
    sentence: { text: sentence.text, start: sentence.start, end: sentence.end },
    ...(item.url ? { url: item.url } : {}),
  };
}

/**
 * Answers a follow-up from stored sentences only: first those of the items the user was shown, then
 * the rest of the store. The answer is a verbatim part of a cited sentence (or the date it names);
 * with no sentence that supports one, the answer is a refusal.
 */
export async function answerQuestion(
  store: ItemStore,
  text: string,
  context?: Pick<ThreadContext, 'itemIds' | 'turns'>,
): Promise<Answer> {
  const previous = context?.turns[context.turns.length - 1]?.question;
  const question = readQuestion(text, previous);
  if (question.stems.length === 0) {
    return {
      kind: 'refusal',
      question: text,
      reason: 'Ask about something the briefings cover, e.g. "how many civilians are in Rafah?"',
    };
  }
  const candidates = await gatherCandidates(store, question, context?.itemIds ?? []);
  const idf = stemWeights(
    candidates.map((candidate) => candidate.sentence),
    question.stems,
  );
  for (const candidate of candidates) candidate.coverage = coverage(question, candidate.sentence, idf);
  const score = (candidate: Candidate) => candidate.coverage + (candidate.shown ? SHOWN_BONUS : 0);
  candidates.sort(
    (a, b) => score(b) - score(a) || a.item.position - b.item.position || a.sentence.start - b.sentence.start,
  );

  const threshold = question.type === 'open' ? MIN_OPEN_COVERAGE : MIN_COVERAGE;
  for (const candidate of candidates) {
    if (candidate.coverage < threshold) break;
    if (!mentionsAll(candidate.item, question.names)) continue;
    // An open question is answered by the whole sentence; the others by the part of it they ask for.
    const extracted =
      question.type === 'open'
        ? candidate.sentence.text
        : extractAnswer(question, candidate.sentence, candidate.item.published);
    if (extracted) {
      const others = candidates.filter((other) => other !== candidate && other.coverage >= threshold);
      return {
        kind: 'answer',
        question: text,
        text: extracted,
        citations: [citationOf(candidate)],
        confidence: candidate.coverage,
        evidence: [candidate, ...others.slice(0, EVIDENCE - 1)].map(citationOf),
      };
    }
  }
  const closest = candidates[0];
  return {
    kind: 'refusal',
    question: text,
    reason: 'The briefings do not say.',
    ...(closest && closest.coverage > 0 ? { closest: citationOf(closest) } : {}),
  };
}

/** Names a question gives must all appear in the item: "net cafes closed in Beijing" is not China's. */
function mentionsAll(item: Item, names: readonly string[]): boolean {
  if (names.length === 0) return true;
  const stems = new Set(
    item.sentences.flatMap((sentence) => analyse(sentence.text).flatMap((s) => s.tokens.map((t) => t.stem))),
  );
  return names.every((name) => stems.has(name));
}

async function gatherCandidates(
  store: ItemStore,
  question: Question,
  shownIds: readonly string[],
): Promise<Candidate[]> {
  const shown = await store.getItems(shownIds);
  const hits = await store.searchSentences(question.stems, STORE_CANDIDATES);
  const shownSet = new Set(shownIds);
  const others = await store.getItems(
    [...new Set(hits.map((hit) => hit.itemId))].filter((id) => !shownSet.has(id)),
  );
  const wanted = new Map<string, Set<number>>();
  for (const hit of hits) wanted.set(hit.itemId, (wanted.get(hit.itemId) ?? new Set()).add(hit.index));
  const candidates: Candidate[] = [];
  const add = (item: Item, isShown: boolean) => {
    item.sentences.forEach((sentence, index) => {
      if (!isShown && !wanted.get(item.id)?.has(index)) return;
      const analysed = analyse(sentence.text)[0];
      if (!analysed) return;
      // Re-anchor the analysis at the sentence's place in its document, so citations keep offsets.
      const shift = sentence.start - analysed.start;
      candidates.push({
        item,
        index,
        shown: isShown,
        coverage: 0,
        sentence: {
          ...analysed,
          text: sentence.text,
          start: sentence.start,
          end: sentence.end,
          tokens: analysed.tokens.map((token) => ({ ...token, start: token.start + shift })),
        },
      });
    });
  };
  for (const item of shown) add(item, true);
  for (const item of others) add(item, false);
  return candidates;
}

/**
 * Rarer question words weigh more: "Rafah" says more about a sentence than "Israel". A word no
 * candidate has ("speak" where the text says "discussions") tells the candidates nothing apart, so it
 * weighs as much as an average word rather than the most.
 */
function stemWeights(sentences: readonly AnalysedSentence[], stems: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>(stems.map((stem) => [stem, 0]));
  for (const sentence of sentences) {
    const present = new Set(contentStems(sentence.tokens));
    for (const stem of stems) if (present.has(stem)) counts.set(stem, (counts.get(stem) ?? 0) + 1);
  }
  const total = Math.max(sentences.length, 1);
  const found = stems.filter((stem) => (counts.get(stem) ?? 0) > 0);
  const weights = new Map(found.map((stem) => [stem, Math.log(1 + total / (counts.get(stem) ?? 1))]));
  const average =
    found.length > 0 ? [...weights.values()].reduce((sum, weight) => sum + weight, 0) / found.length : 1;
  for (const stem of stems) if (!weights.has(stem)) weights.set(stem, average);
  return weights;
}

function coverage(question: Question, sentence: AnalysedSentence, idf: Map<string, number>): number {
  const present = new Set(sentence.tokens.map((token) => token.stem));
  let matched = 0;
  let total = 0;
  for (const stem of question.stems) {
    const weight = (idf.get(stem) ?? 1) * (question.emphasis.get(stem) ?? 1);
    total += weight;
    if (present.has(stem)) matched += weight;
  }
  return total === 0 ? 0 : matched / total;
}

/** The neutral reply for an answer: the short answer, then the quote and its source. */
export function answerReply(answer: Answer): Reply {
  if (answer.kind === 'refusal') {
    const closest = answer.closest;
    return {
      kind: 'answer',
      audience: 'channel',
      title: 'Not in the briefings',
      sections: [
        {
          heading: '',
          text: `${answer.reason} Nothing stored answers “${answer.question}”, so I won't guess.`,
        },
        ...(closest
          ? [
              {
                heading: `Closest item: ${closest.headline}`,
                quotes: [closest.sentence.text],
                source: {
                  name: closest.source,
                  date: closest.published,
                  ...(closest.url ? { url: closest.url } : {}),
                },
                itemId: closest.itemId,
              },
            ]
          : []),
      ],
    };
  }
  return {
    kind: 'answer',
    audience: 'channel',
    title: answer.question,
    sections: answer.citations.map((citation, index) => ({
      heading: index === 0 ? answer.text : '',
      quotes: [citation.sentence.text],
      source: {
        name: citation.source,
        date: citation.published,
        ...(citation.url ? { url: citation.url } : {}),
      },
      itemId: citation.itemId,
    })),
  };
}
