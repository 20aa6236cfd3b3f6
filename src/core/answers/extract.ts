import type { AnalysedSentence, Token } from '../ingest/text.js';
import { properNames } from '../ingest/text.js';
import { dateMentions, formatDate } from './dates.js';
import type { Question } from './question.js';

/** Words before a number that are part of the claim: "over 1.5 million" is not "1.5 million". */
const QUANTIFIERS = new Set([
  'over',
  'more',
  'than',
  'less',
  'fewer',
  'about',
  'around',
  'nearly',
  'almost',
  'some',
  'at',
  'least',
  'most',
  'up',
  'to',
  'roughly',
  'approximately',
  'an',
  'estimated',
  'only',
  'just',
]);
const MAGNITUDES =
  /^(?:hundred|thousand|million|billion|trillion|dozen|hundreds|thousands|millions|billions|dozens|percent|per|cent|%)$/i;
const NUMBER_WORDS =
  /^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozens?|hundreds|thousands|millions)$/i;

/**
 * The part of a supporting sentence that answers the question, taken verbatim from it (or, for a
 * date, the date it means), or undefined when the sentence holds no answer of the right kind.
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

function quantity(question: Question, sentence: AnalysedSentence, published: string): string | undefined {
  const { tokens } = sentence;
  // A number inside a date ("October 7") counts days, not the thing asked about.
  const dateSpans = dateMentions(sentence.text, published).map((mention) => [
    sentence.start + mention.index,
    sentence.start + mention.index + mention.text.length,
  ]);
  const inDate = (token: Token) =>
    dateSpans.some(([from = 0, to = 0]) => token.start >= from && token.start < to);
  const anchors = anchorPositions(question, tokens);
  let best: { from: number; to: number; distance: number } | undefined;
  tokens.forEach((token, index) => {
    const numeric = token.pos === 'NUM' || /^\$?\d/.test(token.text) || NUMBER_WORDS.test(token.text);
    if (!numeric || inDate(token)) return;
    // "1.5 million" is one quantity: it is read from its first word.
    const previous = tokens[index - 1];
    if (previous && (previous.pos === 'NUM' || /^\$?\d/.test(previous.text))) return;
    let from = index;
    while (from > 0 && QUANTIFIERS.has(tokens[from - 1]?.text.toLowerCase() ?? '')) from--;
    let to = index;
    while (
      to + 1 < tokens.length &&
      (MAGNITUDES.test(tokens[to + 1]?.text ?? '') || tokens[to + 1]?.pos === 'NUM')
    )
      to++;
    // The counted noun belongs to the answer: "1.5 million civilians".
    const next = tokens[to + 1];
    if (next && (next.pos === 'NOUN' || next.pos === 'ADJ') && /^[a-z]/i.test(next.text)) to++;
    if (
      question.counted &&
      !tokens.slice(to, to + 3).some((candidate) => candidate.stem === question.counted)
    ) {
      if (!tokens.slice(Math.max(0, from - 3), from).some((candidate) => candidate.stem === question.counted))
        return;
    }
    const distance = distanceToAnchors(index, anchors);
    if (!best || distance < best.distance) best = { from, to, distance };
  });
  if (!best) return undefined;
  const first = tokens[best.from];
  const last = tokens[best.to];
  if (!first || !last) return undefined;
  return sentence.text.slice(first.start - sentence.start, last.start + last.text.length - sentence.start);
}

function when(question: Question, sentence: AnalysedSentence, published: string): string | undefined {
  const mentions = dateMentions(sentence.text, published);
  if (mentions.length === 0) return undefined;
  const anchors = anchorPositions(question, sentence.tokens).map(
    (index) => (sentence.tokens[index]?.start ?? 0) - sentence.start,
  );
  const nearest = mentions.reduce((best, mention) =>
    distanceToAnchors(mention.index, anchors) < distanceToAnchors(best.index, anchors) ? mention : best,
  );
  if (!nearest.exactDay) return `“${nearest.text}”, as reported on ${formatDate(published)}`;
  return `${formatDate(nearest.date)} (“${nearest.text}” in a report of ${formatDate(published)})`;
}

function names(question: Question, sentence: AnalysedSentence): string | undefined {
  const asked = new Set(question.stems);
  const found = properNames([sentence]).filter(
    (name) => !name.split(/\s+/).every((word) => asked.has(word.toLowerCase()) || asked.has(stemLike(word))),
  );
  const unique = [...new Set(found)];
  if (unique.length === 0) return undefined;
  if (unique.length === 1) return unique[0];
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

/** Close enough to the Porter stem to recognise a name the question already said. */
function stemLike(word: string): string {
  return word.toLowerCase().replace(/(?:s|es|ed|ing)$/, '');
}
