import type { AnalysedSentence, Token } from '../ingest/text.js';
import { type DateMention, dateMentions, describeMention } from './dates.js';
import type { Question } from './question.js';
import { family } from './retrieve.js';

export interface Extraction {
  /** Verbatim from the sentence. */
  text: string;
  /** How well it fits beside what the question asks about, 0..1. */
  quality: number;
  /** For a date the words leave relative ("on Sunday"): the day they mean, with how it was read. */
  resolved?: string;
}

/** Words before a number that are part of the claim: "over 1.5 million" is not "1.5 million". */
const QUANTIFIERS = new Set(
  'over more than less fewer about around nearly almost some at least most up to roughly approximately an estimated only just £ $ € ¥'.split(
    ' ',
  ),
);
const MAGNITUDES =
  /^(?:hundred|thousand|million|billion|trillion|dozen|hundreds|thousands|millions|billions|dozens|bn|m|k|percent|per|cent|%)$/i;
const NUMBER_WORDS =
  /^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozens?|hundreds|thousands|millions)$/i;
/** A sum of money: a currency sign or name beside the number. */
const MONEY = /[$£€¥]|\b(?:dollars?|pounds?|euros?|yen|yuan|francs?|pence|cents?|USD|GBP|EUR)\b/i;
/** An answer must sit this close (in words) to what the question asks about. */
const NEAR = 8;
/** Words that join the names of a list: "Egypt, Qatar, and the United States". */
const LIST_GLUE = /^(?:,|and|or|the|&)$/i;
/** Prepositions a place or date is introduced by; the answer is what follows them. */
const PLACE_PREPOSITIONS = /^(?:in|at|from|near|to|into|on|across|throughout|within)$/i;
const DATE_PREPOSITIONS = /^(?:in|on|by|since|until|till|from|before|after|during|around|at|of)\s+/i;
const YEAR_OR_CENTURY =
  /\b(?:(?:early|late|mid)[- ])?(?:1\d{3}|20\d\d|\d{3})s?\b(?:\s?(?:BC|AD|BCE|CE))?|\b\d{1,2}(?:st|nd|rd|th) century\b/g;
/** What a name-like answer (who, where) may be when no capitalised name fits: a lesser fit. */
const FALLBACK = 0.6;

interface Span {
  from: number;
  to: number;
}

/**
 * The part of a supporting sentence that answers the question, verbatim, or undefined when the
 * sentence holds no answer of the right kind.
 */
export function extractAnswer(
  question: Question,
  sentence: AnalysedSentence,
  published: string,
): Extraction | undefined {
  switch (question.type) {
    case 'quantity':
      return quantity(question, sentence, published);
    case 'when':
      return when(question, sentence, published);
    case 'who':
      return best(question, sentence, [
        ...names(question, sentence.tokens).map((span) => ({ span, fit: 1 })),
        ...nounPhrases(question, sentence.tokens).map((span) => ({ span, fit: FALLBACK })),
      ]);
    case 'where':
      return best(question, sentence, [
        ...names(question, sentence.tokens).map((span) => ({
          span,
          fit: PLACE_PREPOSITIONS.test(sentence.tokens[span.from - 1]?.text ?? '') ? 1 : 0.8,
        })),
        ...nounPhrases(question, sentence.tokens).map((span) => ({ span, fit: FALLBACK * 0.8 })),
      ]);
    case 'what':
      return best(
        question,
        sentence,
        nounPhrases(question, sentence.tokens).map((span) => ({
          span,
          fit: focusFit(question, sentence, span),
        })),
      );
    case 'said':
    case 'open':
      return { text: sentence.text, quality: 0.5 };
  }
}

/** "What tax ...": a phrase that is (or ends in) a tax fits best. */
function focusFit(question: Question, sentence: AnalysedSentence, span: Span): number {
  if (!question.focus) return 1;
  const words = sentence.tokens.slice(span.from, span.to + 2).map((token) => family(token.stem));
  return words.includes(family(question.focus)) ? 1.2 : 0.9;
}

/** Where the question's words sit in the sentence, by stem: the answer is looked for near them. */
function anchorsByStem(question: Question, tokens: readonly Token[]): Map<string, number[]> {
  const wanted = new Map<string, string>();
  for (const stem of question.stems) {
    wanted.set(stem, stem);
    if (!wanted.has(family(stem))) wanted.set(family(stem), stem);
  }
  const found = new Map<string, number[]>();
  tokens.forEach((token, index) => {
    const stem = wanted.get(token.stem) ?? wanted.get(family(token.stem));
    if (stem) found.set(stem, [...(found.get(stem) ?? []), index]);
  });
  return found;
}

const edge = (span: Span, at: number) => (at < span.from ? span.from - at : at > span.to ? at - span.to : 0);

/**
 * How close a span sits to all the question's words at once, 0..1: near "explored" and "1750", not only
 * near "Ohio". Words inside the span do not count for it: an answer is what the question lacks.
 */
function closeness(question: Question, tokens: readonly Token[], span: Span): number {
  const anchors = anchorsByStem(question, tokens);
  if (anchors.size === 0) return 0;
  let sum = 0;
  let total = 0;
  // Over the question words the sentence has: how many it lacks is the coverage's business.
  for (const stem of question.stems) {
    if (!anchors.has(stem)) continue;
    const weight = question.emphasis.get(stem) ?? 1;
    total += weight;
    const outside = (anchors.get(stem) ?? []).filter((at) => at < span.from || at > span.to);
    if (outside.length === 0) continue;
    const distance = Math.min(...outside.map((at) => edge(span, at)));
    if (distance <= NEAR * 2) sum += weight / (1 + distance / 3);
  }
  return total === 0 ? 0 : sum / total;
}

/** Drops the question's own words from a span's edges; undefined when nothing else is left. */
function trimmed(question: Question, tokens: readonly Token[], span: Span): Span | undefined {
  const asked = new Set([...question.stems, ...question.names].map(family));
  const isAsked = (token: Token | undefined) => !!token && asked.has(family(token.stem));
  const glue = (token: Token | undefined) =>
    !!token && (token.pos === 'DET' || token.pos === 'ADP' || token.pos === 'CCONJ' || token.pos === 'PUNCT');
  let { from, to } = span;
  while (from <= to && (isAsked(tokens[from]) || glue(tokens[from]))) from++;
  while (to >= from && (isAsked(tokens[to]) || glue(tokens[to]) || tokens[to]?.pos === 'PART')) to--;
  // What is left must still be a phrase with a head: not "Other" of "Other complexity measures".
  while (to >= from && !HEADS.has(tokens[to]?.pos ?? '')) to--;
  return from <= to ? { from, to } : undefined;
}

/** Share of a span's words the question does not already have: an answer tells what it lacks. */
function novelty(question: Question, tokens: readonly Token[], span: Span): number {
  const asked = new Set(question.stems.map(family));
  const words = tokens.slice(span.from, span.to + 1).filter((token) => token.pos !== 'PUNCT' && !token.stop);
  if (words.length === 0) return 0;
  return words.filter((token) => !asked.has(family(token.stem))).length / words.length;
}

function best(
  question: Question,
  sentence: AnalysedSentence,
  spans: { span: Span; fit: number }[],
): Extraction | undefined {
  let winner: { span: Span; quality: number } | undefined;
  for (const { span: raw, fit } of spans) {
    const span = trimmed(question, sentence.tokens, raw);
    if (!span) continue;
    const quality = Math.min(
      1,
      closeness(question, sentence.tokens, span) * fit * novelty(question, sentence.tokens, span),
    );
    if (quality > 0 && (!winner || quality > winner.quality)) winner = { span, quality };
  }
  if (!winner) return undefined;
  return { text: verbatim(sentence, winner.span), quality: winner.quality };
}

function verbatim(sentence: AnalysedSentence, span: Span): string {
  const from = sentence.tokens[span.from];
  const to = sentence.tokens[span.to];
  if (!from || !to) return '';
  return sentence.text.slice(from.start - sentence.start, to.start + to.text.length - sentence.start);
}

const NOMINAL = new Set(['NOUN', 'PROPN', 'NUM', 'ADJ']);
const HEADS = new Set(['NOUN', 'PROPN', 'NUM']);

/**
 * Noun phrases: a run of adjectives, numbers and nouns ending in a noun or number, joined through
 * "of" to the next ("the number of gates in a circuit" keeps "number of gates").
 */
function nounPhrases(question: Question, tokens: readonly Token[]): Span[] {
  const phrases: Span[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    if (!token || !(NOMINAL.has(token.pos) || token.pos === 'DET')) {
      index++;
      continue;
    }
    let to = index;
    const extend = () => {
      while (
        to + 1 < tokens.length &&
        (NOMINAL.has(tokens[to + 1]?.pos ?? '') ||
          tokens[to + 1]?.text === '-' ||
          (tokens[to + 1]?.pos === 'PART' && /^'s$/i.test(tokens[to + 1]?.text ?? '')))
      )
        to++;
    };
    extend();
    while (
      tokens[to + 1]?.text.toLowerCase() === 'of' &&
      (NOMINAL.has(tokens[to + 2]?.pos ?? '') || tokens[to + 2]?.pos === 'DET')
    ) {
      to += 2;
      extend();
    }
    while (to > index && !['NOUN', 'PROPN', 'NUM'].includes(tokens[to]?.pos ?? '')) to--;
    if (['NOUN', 'PROPN', 'NUM'].includes(tokens[to]?.pos ?? '')) phrases.push({ from: index, to });
    index = to + 1;
  }
  return phrases.filter((span) => !coveredByQuestion(question, tokens, span));
}

function coveredByQuestion(question: Question, tokens: readonly Token[], span: Span): boolean {
  return trimmed(question, tokens, span) === undefined;
}

/**
 * Runs of capitalised proper nouns, less those the question itself names and those that only
 * modify a noun ("Danish supermodel"), widened to the list they stand in ("Egypt, Qatar, and the
 * United States").
 */
function names(question: Question, tokens: readonly Token[]): Span[] {
  const names = new Set(question.names);
  const asked = new Set([...question.stems, ...question.names]);
  const runs: Span[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    if (token?.pos !== 'PROPN' || !/^[A-Z]/.test(token.text)) {
      index++;
      continue;
    }
    let to = index;
    while (
      (tokens[to + 1]?.pos === 'PROPN' && /^[A-Z]/.test(tokens[to + 1]?.text ?? '')) ||
      (tokens[to + 1]?.text === 'of' &&
        tokens[to + 2]?.pos === 'PROPN' &&
        /^[A-Z]/.test(tokens[to + 2]?.text ?? ''))
    )
      to += tokens[to + 1]?.text === 'of' ? 2 : 1;
    const run = tokens.slice(index, to + 1);
    const next = tokens[to + 1];
    const modifier = next && /^[a-z]/.test(next.text) && (next.pos === 'NOUN' || next.pos === 'ADJ');
    // A run that holds a name the question gives is that name's part ("the IAAF Council" for "the
    // IAAF"), not another name that could answer it.
    const named =
      run.some((word) => names.has(word.stem)) ||
      run.every((word) => asked.has(word.stem) || word.text === 'of');
    if (!named && !(modifier && run.length === 1)) runs.push({ from: index, to });
    index = to + 1;
  }
  const glued = (a: Span | undefined, b: Span | undefined) =>
    !!a && !!b && tokens.slice(a.to + 1, b.from).every((token) => LIST_GLUE.test(token.text));
  const lists: Span[] = [];
  for (let i = 0; i < runs.length; i++) {
    let last = i;
    while (glued(runs[last], runs[last + 1])) last++;
    const first = runs[i];
    const end = runs[last];
    if (first && end) lists.push({ from: first.from, to: end.to });
    i = last;
  }
  return lists;
}

function isNumber(token: Token | undefined): boolean {
  return !!token && (token.pos === 'NUM' || /^[$£€]?\d/.test(token.text) || NUMBER_WORDS.test(token.text));
}

function lowercaseNoun(token: Token | undefined, orAdjective: boolean): boolean {
  if (!token || !/^[a-z]/.test(token.text)) return false;
  return token.pos === 'NOUN' || (orAdjective && token.pos === 'ADJ');
}

function quantity(question: Question, sentence: AnalysedSentence, published: string): Extraction | undefined {
  const { tokens } = sentence;
  // A number inside a date ("October 7") counts days, not the thing asked about.
  const dates = dateMentions(sentence.text, published).map((mention) => [
    sentence.start + mention.index,
    sentence.start + mention.index + mention.text.length,
  ]);
  const inDate = (token: Token) =>
    dates.some(([from = 0, to = 0]) => token.start >= from && token.start < to);
  const given = new Set(question.numbers);
  const spans: { span: Span; fit: number }[] = [];
  tokens.forEach((token, index) => {
    if (!isNumber(token) || inDate(token) || given.has(token.text)) return;
    // "1.5 million" is one quantity: it is read from its first word.
    if (isNumber(tokens[index - 1])) return;
    let from = index;
    while (from > 0 && QUANTIFIERS.has(tokens[from - 1]?.text.toLowerCase() ?? '')) from--;
    let to = index;
    while (
      to + 1 < tokens.length &&
      (MAGNITUDES.test(tokens[to + 1]?.text ?? '') || isNumber(tokens[to + 1]))
    )
      to++;
    // What is counted belongs to the answer: "1.5 million civilians", "12,575 net cafes".
    for (let extra = 0; extra < 2 && lowercaseNoun(tokens[to + 1], true); extra++) {
      to++;
      if (tokens[to]?.pos === 'NOUN' && !lowercaseNoun(tokens[to + 1], false)) break;
    }
    if (
      question.money &&
      !MONEY.test(
        verbatim(sentence, { from: Math.max(0, from - 1), to: Math.min(to + 1, tokens.length - 1) }),
      )
    )
      return;
    if (question.counted) {
      const around = tokens.slice(Math.max(0, from - 3), to + 3);
      if (!around.some((candidate) => family(candidate.stem) === family(question.counted ?? ''))) return;
    }
    spans.push({ span: { from, to }, fit: 1 });
  });
  // The counted noun is the question's word, but it belongs to the answer: score without trimming it.
  let winner: { span: Span; quality: number } | undefined;
  for (const { span } of spans) {
    const quality = closeness(question, tokens, span) || (question.stems.length === 0 ? 1 : 0);
    if (quality > 0 && (!winner || quality > winner.quality)) winner = { span, quality };
  }
  return winner && { text: verbatim(sentence, winner.span), quality: Math.min(1, winner.quality + 0.2) };
}

/** Where a date mention sits among the sentence's tokens. */
function mentionSpan(sentence: AnalysedSentence, index: number, length: number): Span {
  const from = sentence.start + index;
  const to = from + length;
  const first = sentence.tokens.findIndex((token) => token.start >= from);
  let last = first;
  while (last + 1 < sentence.tokens.length && (sentence.tokens[last + 1]?.start ?? to) < to) last++;
  return { from: Math.max(first, 0), to: Math.max(last, 0) };
}

/**
 * A "when" answer: the date as written, without its preposition ("1750", "October 1973"); a day the
 * words leave relative ("on Sunday") is also resolved against the report's date, and says so.
 */
function when(question: Question, sentence: AnalysedSentence, published: string): Extraction | undefined {
  const mentions: DateMention[] = dateMentions(sentence.text, published);
  for (const match of sentence.text.matchAll(YEAR_OR_CENTURY)) {
    const overlaps = mentions.some(
      (mention) =>
        match.index < mention.index + mention.text.length && mention.index < match.index + match[0].length,
    );
    if (!overlaps) mentions.push({ text: match[0], index: match.index, precision: 'vague' });
  }
  const given = new Set(question.numbers);
  let winner: { mention: DateMention; quality: number } | undefined;
  for (const mention of mentions) {
    if (given.has(mention.text.trim().replace(DATE_PREPOSITIONS, ''))) continue;
    if (question.future && mention.precision === 'day' && mention.date && mention.date < published) continue;
    const span = mentionSpan(sentence, mention.index, mention.text.length);
    const quality = closeness(question, sentence.tokens, span) || (question.stems.length === 0 ? 1 : 0);
    if (quality > 0 && (!winner || quality > winner.quality)) winner = { mention, quality };
  }
  if (!winner) return undefined;
  const { mention } = winner;
  const written = mention.text.trim();
  const bare = written.replace(DATE_PREPOSITIONS, '');
  const text = sentence.text.includes(bare) ? bare : written;
  // Only a day or a day without its year needs reading: "1750" or "this week" stands as written.
  const resolved = mention.precision === 'vague' ? undefined : describeMention(mention, published);
  return { text, quality: Math.min(1, winner.quality + 0.2), ...(resolved ? { resolved } : {}) };
}
