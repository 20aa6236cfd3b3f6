import type { AnalysedSentence, Token } from '../ingest/text.js';
import { type DateMention, dateMentions, describeMention } from './dates.js';
import type { Question } from './question.js';

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
/** An answer must sit this close (in words) to what the question asks about. */
const NEAR = 8;
/** Words that join the names of a list: "Egypt, Qatar, and the United States". */
const LIST_GLUE = /^(?:,|and|or|the|&)$/i;

/**
 * The part of a supporting sentence that answers the question, verbatim (or, for a date, the words
 * with the date they mean), or undefined when the sentence holds no answer of the right kind.
 */
export function extractAnswer(
  question: Question,
  sentence: AnalysedSentence,
  published: string,
): string | undefined {
  switch (question.type) {
    case 'quantity':
      return quantity(question, sentence, published);
    case 'when':
      return when(question, sentence, published);
    case 'who':
    case 'where':
      return names(question, sentence);
    case 'open':
      return undefined;
  }
}

/** Where the question's words sit in the sentence: the answer is looked for near them. */
function anchorPositions(question: Question, tokens: readonly Token[]): number[] {
  const wanted = new Set(question.stems);
  return tokens.flatMap((token, index) => (wanted.has(token.stem) ? [index] : []));
}

function distanceToAnchors(index: number, anchors: readonly number[]): number {
  return anchors.length === 0 ? 0 : Math.min(...anchors.map((anchor) => Math.abs(anchor - index)));
}

function verbatim(sentence: AnalysedSentence, from: Token, to: Token): string {
  return sentence.text.slice(from.start - sentence.start, to.start + to.text.length - sentence.start);
}

function isNumber(token: Token | undefined): boolean {
  return !!token && (token.pos === 'NUM' || /^[$£€]?\d/.test(token.text) || NUMBER_WORDS.test(token.text));
}

function lowercaseNoun(token: Token | undefined, orAdjective: boolean): boolean {
  if (!token || !/^[a-z]/.test(token.text)) return false;
  return token.pos === 'NOUN' || (orAdjective && token.pos === 'ADJ');
}

function quantity(question: Question, sentence: AnalysedSentence, published: string): string | undefined {
  const { tokens } = sentence;
  // A number inside a date ("October 7") counts days, not the thing asked about.
  const dates = dateMentions(sentence.text, published).map((mention) => [
    sentence.start + mention.index,
    sentence.start + mention.index + mention.text.length,
  ]);
  const inDate = (token: Token) =>
    dates.some(([from = 0, to = 0]) => token.start >= from && token.start < to);
  const anchors = anchorPositions(question, tokens);
  let best: { from: number; to: number; distance: number } | undefined;
  tokens.forEach((token, index) => {
    if (!isNumber(token) || inDate(token)) return;
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
    if (question.counted) {
      const around = tokens.slice(Math.max(0, from - 3), to + 3);
      if (!around.some((candidate) => candidate.stem === question.counted)) return;
    }
    const distance = distanceToAnchors(index, anchors);
    if (distance > NEAR) return;
    if (!best || distance < best.distance) best = { from, to, distance };
  });
  const first = best && tokens[best.from];
  const last = best && tokens[best.to];
  return first && last ? verbatim(sentence, first, last) : undefined;
}

/** A date answers "when" only beside what the question asks about, not anywhere in a long sentence. */
const NEAR_DATE = 6;

function when(question: Question, sentence: AnalysedSentence, published: string): string | undefined {
  const anchors = anchorPositions(question, sentence.tokens);
  const tokenAt = (mention: DateMention) => {
    const offset = sentence.start + mention.index;
    const index = sentence.tokens.findIndex((token) => token.start >= offset);
    return index < 0 ? sentence.tokens.length : index;
  };
  const gap = (mention: DateMention) => distanceToAnchors(tokenAt(mention), anchors);
  const near = dateMentions(sentence.text, published).filter((mention) => gap(mention) <= NEAR_DATE);
  if (near.length === 0) return undefined;
  const nearest = near.reduce((best, mention) => (gap(mention) < gap(best) ? mention : best));
  return describeMention(nearest, published);
}

interface Name {
  from: number;
  to: number;
}

/**
 * Runs of capitalised proper nouns, less those the question itself names and those that only
 * modify a noun ("Danish supermodel", "Budget giveaway").
 */
function candidateNames(question: Question, tokens: readonly Token[]): Name[] {
  const asked = new Set([...question.stems, ...question.names]);
  const names: Name[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    if (token?.pos !== 'PROPN' || !/^[A-Z]/.test(token.text) || index === 0) {
      index++;
      continue;
    }
    let to = index;
    while (tokens[to + 1]?.pos === 'PROPN' && /^[A-Z]/.test(tokens[to + 1]?.text ?? '')) to++;
    const run = tokens.slice(index, to + 1);
    const next = tokens[to + 1];
    const modifier = next && /^[a-z]/.test(next.text) && (next.pos === 'NOUN' || next.pos === 'ADJ');
    const named = run.some((word) => asked.has(word.stem));
    if (!named && !(modifier && run.length === 1)) names.push({ from: index, to });
    index = to + 1;
  }
  return names;
}

/** The name nearest to what the question asks about, widened to the list it stands in. */
function names(question: Question, sentence: AnalysedSentence): string | undefined {
  const { tokens } = sentence;
  const found = candidateNames(question, tokens);
  const anchors = anchorPositions(question, tokens);
  const edge = (name: Name, anchor: number) =>
    anchor < name.from ? name.from - anchor : anchor > name.to ? anchor - name.to : 0;
  const nearest = (name: Name, positions: readonly number[]) =>
    Math.min(...positions.map((anchor) => edge(name, anchor)));
  const gap = (name: Name) => (anchors.length === 0 ? 0 : nearest(name, anchors));
  // The name nearest all the question's words, not just one: "Biden held talks" vs "hostages held by Hamas".
  const byStem = new Map<string, number[]>();
  for (const index of anchors)
    byStem.set(tokens[index]?.stem ?? '', [...(byStem.get(tokens[index]?.stem ?? '') ?? []), index]);
  const spread = (name: Name) =>
    [...byStem.values()].reduce((sum, positions) => sum + nearest(name, positions), 0);
  const near = found.filter((name) => gap(name) <= NEAR);
  if (near.length === 0) return undefined;
  const best = near.reduce((a, b) => (spread(b) < spread(a) ? b : a));
  let first = found.indexOf(best);
  let last = first;
  const glued = (a: Name | undefined, b: Name | undefined) =>
    !!a && !!b && tokens.slice(a.to + 1, b.from).every((token) => LIST_GLUE.test(token.text));
  while (glued(found[first - 1], found[first])) first--;
  while (glued(found[last], found[last + 1])) last++;
  const from = tokens[found[first]?.from ?? best.from];
  const to = tokens[found[last]?.to ?? best.to];
  return from && to ? verbatim(sentence, from, to) : undefined;
}
