import type { Token } from '../ingest/text.js';
import type { Question, QuestionType } from './question.js';
import { family } from './retrieve.js';

/** Token positions, both ends included. */
export interface Span {
  from: number;
  to: number;
}

/** Longest span considered, in tokens: SQuAD's answers are short phrases, rarely longer. */
const MAX_TOKENS = 10;
/** Words after which the next phrase is what the sentence calls something: "known as Wahhabism". */
const NAMING =
  /^(?:as|called|named|known|termed|dubbed|is|are|was|were|be|been|being|include|including|includes|included)$/i;
const START_POS = ['DET', 'ADJ', 'NOUN', 'PROPN', 'NUM', 'VERB', 'ADV', 'PRON'] as const;
const END_POS = ['NOUN', 'PROPN', 'NUM', 'ADJ', 'VERB'] as const;
/** Where the ranker's type features come from: the question kinds a phrase answers. */
const PHRASE_TYPES: readonly QuestionType[] = ['who', 'where', 'what', 'open', 'said'];
/** Tokens a span may neither start nor end with. */
const EDGE_EXCLUDED = new Set(['PUNCT', 'CCONJ', 'PART', 'ADP', 'SCONJ', 'AUX', 'SPACE', 'SYM']);
const END_EXCLUDED = new Set([...EDGE_EXCLUDED, 'DET', 'PRON']);

const isCapitalised = (token: Token | undefined) => !!token && /^\p{Lu}/u.test(token.text);
const isName = (token: Token | undefined) => token?.pos === 'PROPN' && isCapitalised(token);
const isNominal = (token: Token | undefined) =>
  !!token && ['NOUN', 'PROPN', 'NUM', 'ADJ', 'DET'].includes(token.pos);

/**
 * Every phrase that could be an answer: spans of up to MAX_TOKENS that start and end on a content word
 * (or a determiner at the start), do not cross a sentence-internal break (";", ":", a bracket) and keep
 * brackets and quotes balanced.
 */
export function candidateSpans(tokens: readonly Token[]): Span[] {
  const spans: Span[] = [];
  // A name is whole or not at all: "the United" of "the United States" is no answer.
  const inName = (a: number, b: number) => isName(tokens[a]) && isName(tokens[b]);
  for (let from = 0; from < tokens.length; from++) {
    if (EDGE_EXCLUDED.has(tokens[from]?.pos ?? 'PUNCT') || inName(from - 1, from)) continue;
    let depth = 0;
    for (let to = from; to < Math.min(tokens.length, from + MAX_TOKENS); to++) {
      const text = tokens[to]?.text ?? '';
      if (/^[;:.!?]$/.test(text) || text === '—' || text === '–') break;
      if (/^[([{]$/.test(text)) depth++;
      if (/^[)\]}]$/.test(text)) depth--;
      if (depth < 0) break;
      if (depth !== 0 || END_EXCLUDED.has(tokens[to]?.pos ?? 'PUNCT') || inName(to, to + 1)) continue;
      // A list is answered whole or by one of its items, not by a part that looks like all of it.
      if (hasComma(tokens, from, to) && cutsList(tokens, { from, to })) continue;
      spans.push({ from, to });
    }
  }
  return spans;
}

/** Where the question's words sit in the sentence: the weight of the question word each token is. */
function questionWeights(question: Question, tokens: readonly Token[]): number[] {
  const wanted = new Map<string, number>();
  for (const stem of question.stems) {
    const weight = question.emphasis.get(stem) ?? 1;
    wanted.set(stem, weight);
    wanted.set(family(stem), Math.max(weight, wanted.get(family(stem)) ?? 0));
  }
  return tokens.map((token) =>
    token.stop || token.pos === 'PUNCT' ? 0 : (wanted.get(token.stem) ?? wanted.get(family(token.stem)) ?? 0),
  );
}

/** Whether the words beyond a list's comma are another item of the same kind as `edge`. */
function continuesList(edge: Token | undefined, beyond: readonly Token[]): boolean {
  const next = beyond.find((token) => !(token.text === ',' || token.pos === 'CCONJ' || token.pos === 'DET'));
  return !!edge && !!next && (next.pos === edge.pos || (isName(edge) && isName(next)));
}

/** "Egypt, Qatar" of "Egypt, Qatar, and the United States": the list goes on past the span. */
function cutsListAfter(tokens: readonly Token[], { to }: Span): boolean {
  const after = tokens[to + 1];
  return (
    (after?.text === ',' || after?.pos === 'CCONJ') && continuesList(tokens[to], tokens.slice(to + 1, to + 5))
  );
}

function cutsListBefore(tokens: readonly Token[], { from }: Span): boolean {
  const before = tokens[from - 1];
  return (
    (before?.text === ',' || before?.pos === 'CCONJ') &&
    continuesList(tokens[from], tokens.slice(Math.max(0, from - 4), from).reverse())
  );
}

const hasComma = (tokens: readonly Token[], from: number, to: number) => {
  for (let i = from; i <= to; i++) if (tokens[i]?.text === ',') return true;
  return false;
};

const cutsList = (tokens: readonly Token[], span: Span) =>
  cutsListAfter(tokens, span) || cutsListBefore(tokens, span);

/** What the span features count, token by token: a span's count is read from running sums. */
const COUNTED = {
  verb: (token: Token) => token.pos === 'VERB',
  preposition: (token: Token) => token.pos === 'ADP',
  comma: (token: Token) => token.text === ',',
  conjunction: (token: Token) => token.pos === 'CCONJ',
  stop: (token: Token) => token.stop,
  content: (token: Token) => !token.stop && token.pos !== 'PUNCT',
  number: (token: Token) => token.pos === 'NUM' || /\d/.test(token.text),
  // Names may hold "of", "the", "de": "Battle of Bạch Đằng", "Charles de Gaulle".
  uncapitalised: (token: Token) => !isCapitalised(token) && !NAME_GLUE.test(token.text),
  unphrasal: (token: Token) => !isNominal(token) && token.pos !== 'PUNCT',
} as const;
const NAME_GLUE = /^(?:of|the|and|or|de|du|la|van|von|,|&)$/;

/** A sentence as the ranker reads it: each token's question weight, running sums, and where they match. */
export interface Matched {
  weights: number[];
  /** prefix[i] is the weight of tokens before i. */
  prefix: number[];
  total: number;
  /** Positions of the tokens that match a question word. */
  at: number[];
  /** Whether each token is the question's focus noun ("what crop": crop). */
  focus: boolean[];
  /** Running counts of each COUNTED kind, and of matched content words. */
  counts: Record<keyof typeof COUNTED | 'matchedContent', number[]>;
}

function runningSum(values: readonly number[]): number[] {
  const sums = [0];
  for (const value of values) sums.push((sums[sums.length - 1] ?? 0) + value);
  return sums;
}

export function matchedWords(question: Question, tokens: readonly Token[]): Matched {
  const weights = questionWeights(question, tokens);
  const prefix = runningSum(weights);
  const counts = Object.fromEntries(
    Object.entries(COUNTED).map(([kind, test]) => [
      kind,
      runningSum(tokens.map((token) => (test(token) ? 1 : 0))),
    ]),
  ) as Matched['counts'];
  counts.matchedContent = runningSum(
    tokens.map((token, i) => (COUNTED.content(token) && (weights[i] ?? 0) > 0 ? 1 : 0)),
  );
  const at = weights.flatMap((weight, i) => (weight > 0 ? [i] : []));
  const focus = question.focus ? family(question.focus) : undefined;
  return {
    weights,
    prefix,
    total: prefix[prefix.length - 1] ?? 0,
    at,
    counts,
    focus: tokens.map((token) => !!focus && family(token.stem) === focus),
  };
}

/** How many tokens of a kind [from, to] holds. */
function count(matched: Matched, kind: keyof Matched['counts'], { from, to }: Span): number {
  const sums = matched.counts[kind];
  return (sums[to + 1] ?? 0) - (sums[from] ?? 0);
}

/** The share of the question's matched weight in tokens [from, to] (clipped to the sentence). */
function weightIn(matched: Matched, from: number, to: number): number {
  const a = Math.max(0, from);
  const b = Math.min(matched.weights.length - 1, to);
  if (b < a || matched.total === 0) return 0;
  return ((matched.prefix[b + 1] ?? 0) - (matched.prefix[a] ?? 0)) / matched.total;
}

/** How near the span sits to each matched question word outside it, weighted, 0..1. */
function closeness(matched: Matched, span: Span): number {
  if (matched.total === 0) return 0;
  let sum = 0;
  for (const at of matched.at) {
    if (at >= span.from && at <= span.to) continue;
    const distance = at < span.from ? span.from - at : at - span.to;
    sum += (matched.weights[at] ?? 0) / (1 + distance / 3);
  }
  return sum / matched.total;
}

/** Names of the features, in the order `spanFeatures` returns them (the fitted weights follow it). */
export const SPAN_FEATURES: readonly string[] = [
  'bias',
  'len1',
  'len2',
  'len3',
  'len4-5',
  'len6-8',
  'len9+',
  'question words inside',
  'any question word inside',
  'question words 1-3 left',
  'question words 4-10 left',
  'question words 1-3 right',
  'question words 4-10 right',
  'no question word within 10',
  'question word just before',
  'question word just after',
  'closeness',
  ...START_POS.map((pos) => `starts ${pos}`),
  ...END_POS.map((pos) => `ends ${pos}`),
  'has verb',
  'has preposition',
  'has comma',
  'has conjunction',
  'after comma',
  'before comma or end',
  'cuts a list after it',
  'cuts a list before it',
  'after naming word',
  'after preposition',
  'before preposition',
  'before verb',
  'all capitalised',
  'starts sentence',
  'stop-word share',
  'whole noun phrase',
  'focus is head',
  'focus just before',
  ...PHRASE_TYPES.flatMap((type) => [
    `${type}: capitalised`,
    `${type}: number`,
    `${type}: lowercase noun head`,
  ]),
];

/** What the ranker reads about one span. */
export function spanFeatures(
  question: Question,
  tokens: readonly Token[],
  matched: Matched,
  span: Span,
): number[] {
  const { from, to } = span;
  const length = to - from + 1;
  const { weights } = matched;
  const content = count(matched, 'content', span);
  const inside = count(matched, 'matchedContent', span);
  const first = tokens[from];
  const last = tokens[to];
  const before = tokens[from - 1];
  const after = tokens[to + 1];
  const near = weightIn(matched, from - 10, from - 1) + weightIn(matched, to + 1, to + 10);
  const capitalised = count(matched, 'uncapitalised', span) === 0;
  const number = count(matched, 'number', span) > 0;
  const lowercaseHead = !!last && last.pos === 'NOUN' && !isCapitalised(last);
  const features = [
    1,
    length === 1 ? 1 : 0,
    length === 2 ? 1 : 0,
    length === 3 ? 1 : 0,
    length >= 4 && length <= 5 ? 1 : 0,
    length >= 6 && length <= 8 ? 1 : 0,
    length >= 9 ? 1 : 0,
    content === 0 ? 1 : inside / content,
    inside > 0 ? 1 : 0,
    weightIn(matched, from - 3, from - 1),
    weightIn(matched, from - 10, from - 4),
    weightIn(matched, to + 1, to + 3),
    weightIn(matched, to + 4, to + 10),
    near === 0 ? 1 : 0,
    (weights[from - 1] ?? 0) > 0 || ((weights[from - 2] ?? 0) > 0 && EDGE_EXCLUDED.has(before?.pos ?? ''))
      ? 1
      : 0,
    (weights[to + 1] ?? 0) > 0 || ((weights[to + 2] ?? 0) > 0 && EDGE_EXCLUDED.has(after?.pos ?? '')) ? 1 : 0,
    closeness(matched, span),
  ];
  for (const pos of START_POS) features.push(first?.pos === pos ? 1 : 0);
  for (const pos of END_POS) features.push(last?.pos === pos ? 1 : 0);
  features.push(
    count(matched, 'verb', span) > 0 ? 1 : 0,
    count(matched, 'preposition', span) > 0 ? 1 : 0,
    count(matched, 'comma', span) > 0 ? 1 : 0,
    count(matched, 'conjunction', span) > 0 ? 1 : 0,
    before?.text === ',' ? 1 : 0,
    !after || /^[,.;:)]$/.test(after.text) ? 1 : 0,
    cutsListAfter(tokens, span) ? 1 : 0,
    cutsListBefore(tokens, span) ? 1 : 0,
    before && NAMING.test(before.text) ? 1 : 0,
    before?.pos === 'ADP' ? 1 : 0,
    after?.pos === 'ADP' ? 1 : 0,
    after?.pos === 'VERB' || after?.pos === 'AUX' ? 1 : 0,
    capitalised ? 1 : 0,
    from === 0 ? 1 : 0,
    count(matched, 'stop', span) / length,
    !isNominal(before) && !isNominal(after) && count(matched, 'unphrasal', span) === 0 ? 1 : 0,
    matched.focus[to] ? 1 : 0,
    matched.focus[from - 1] || matched.focus[from - 2] || matched.focus[from - 3] ? 1 : 0,
  );
  for (const type of PHRASE_TYPES) {
    const asked = question.type === type;
    features.push(asked && capitalised ? 1 : 0, asked && number ? 1 : 0, asked && lowercaseHead ? 1 : 0);
  }
  return features;
}

export interface RankedSpan {
  span: Span;
  /** The ranker's share of belief in this span among the sentence's candidates, 0..1. */
  share: number;
}

/**
 * The phrase of a sentence most like an answer to the question: a linear score over `spanFeatures`,
 * fitted on the SQuAD 2.0 development articles as a softmax over each sentence's candidates
 * (`npm run bench -- squad` refits it and reads the fit on the held-out articles).
 */
export function rankSpans(
  question: Question,
  tokens: readonly Token[],
  model: readonly number[] = SPAN_WEIGHTS,
): RankedSpan | undefined {
  const matched = matchedWords(question, tokens);
  const spans = candidateSpans(tokens);
  if (spans.length === 0) return undefined;
  const scores = spans.map((span) =>
    spanFeatures(question, tokens, matched, span).reduce((sum, value, i) => sum + value * (model[i] ?? 0), 0),
  );
  const top = Math.max(...scores);
  const denominator = scores.reduce((sum, score) => sum + Math.exp(score - top), 0);
  const best = scores.indexOf(top);
  const span = spans[best];
  return span && { span, share: 1 / denominator };
}

/** Fitted by bench/squad/fit.ts `fitSpanRanker` on the development articles; see rankSpans. */
export const SPAN_WEIGHTS: readonly number[] = [
  0, -0.76, -0.21, 0.03, 0.22, 0.33, 0.39, -1.82, 0.84, 1.09, 0.86, 0.39, 0.34, -0.13, 0.03, 0.02, 0.61, -0.2,
  -0.38, -0.16, 0.13, 1.36, -0.11, -0.34, -0.24, -0.3, 0.32, 1.62, -0.12, -0.1, -0.46, 0, -0.02, 0.22, 0.14,
  0.44, -0.25, -0.1, 0.12, 0.2, -0.07, -0.03, -0.58, 0.54, -1.43, 0.28, 0.87, 0.39, 1.51, -1.92, -0.31, 1.08,
  -1.73, -0.09, 1.05, -1.41, 0.47, 0.01, -2.06, 0.13, -0.03, -0.09, 0.31,
];
