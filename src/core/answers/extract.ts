import type { AnalysedSentence, Token } from '../ingest/text.js';
import { type DateMention, dateMentions, describeMention } from './dates.js';
import type { Question } from './question.js';
import { family } from './retrieve.js';
import { rankSpans, type Span } from './spans.js';

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
/** Prepositions a date is introduced by; the answer is what follows them. */
const DATE_PREPOSITIONS = /^(?:in|on|by|since|until|till|from|before|after|during|around|at|of)\s+/i;
const YEAR_OR_CENTURY =
  /\b(?:(?:early|late|mid)[- ])?(?:1\d{3}|20\d\d|\d{3})s?\b(?:\s?(?:BC|AD|BCE|CE))?|\b\d{1,2}(?:st|nd|rd|th) century\b/g;

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
    case 'where':
    case 'what':
      return ranked(question, sentence);
    case 'said':
    case 'open':
      return { text: sentence.text, quality: 0.5 };
  }
}

/** The phrase the span ranker prefers; its quality is the ranker's share of belief in it. */
function ranked(question: Question, sentence: AnalysedSentence): Extraction | undefined {
  const top = rankSpans(question, sentence.tokens);
  return top && { text: verbatim(sentence, top.span), quality: top.share };
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

function verbatim(sentence: AnalysedSentence, span: Span): string {
  const from = sentence.tokens[span.from];
  const to = sentence.tokens[span.to];
  if (!from || !to) return '';
  return sentence.text.slice(from.start - sentence.start, to.start + to.text.length - sentence.start);
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
