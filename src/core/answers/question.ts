import { analyse, contentStems } from '../ingest/text.js';

export type QuestionType = 'who' | 'when' | 'quantity' | 'where' | 'open';

export interface Question {
  text: string;
  type: QuestionType;
  /** Content-word stems the answer sentence should share. */
  stems: string[];
  /** How much each stem matters: the question's verb says what is asked ("who is mediating"). */
  emphasis: Map<string, number>;
  /** For "how many civilians": the counted thing's stem, which must sit next to the number. */
  counted?: string;
}

/** Words that only say what kind of question it is; a supporting sentence need not contain them. */
const QUESTION_WORDS = new Set([
  'who',
  'whom',
  'whose',
  'when',
  'where',
  'what',
  'which',
  'why',
  'how',
  'mani',
  'much',
  'number',
  'date',
  'day',
  'time',
  'happen',
  'say',
  'said',
]);

const VERB_EMPHASIS = 1.5;

/** Openers of a follow-up that leans on the question before it ("and in the north?"). */
const ELLIPTICAL = /^(?:and|what about|how about|and what about|also|then)\b/i;

function typeOf(text: string): QuestionType {
  const lower = text.toLowerCase();
  if (/\bhow (many|much)\b|\bwhat (number|percentage|share)\b|\bhow large\b|\bhow big\b/.test(lower))
    return 'quantity';
  if (/\bwhen\b|\bwhat (date|day|time)\b|\bwhich (date|day)\b|\bhow long ago\b/.test(lower)) return 'when';
  if (
    /\bwho\b|\bwhom\b|\bwhose\b|\bwhich (country|countries|organi[sz]ations?|groups?|people|leaders?)\b/.test(
      lower,
    )
  )
    return 'who';
  if (/\bwhere\b|\bwhich (city|place|town|region|area)\b/.test(lower)) return 'where';
  return 'open';
}

/**
 * Reads a question: its type from its wording, its content stems from the same analysis items use,
 * and for a short follow-up, the subject of the question before it.
 */
export function readQuestion(text: string, previous?: string): Question {
  const tokens = analyse(text).flatMap((sentence) => sentence.tokens);
  let stems = contentStems(tokens).filter((stem) => !QUESTION_WORDS.has(stem));
  let type = typeOf(text);
  if (previous && (ELLIPTICAL.test(text.trim()) || stems.length <= 1)) {
    const before = readQuestion(previous);
    stems = [...new Set([...stems, ...before.stems])];
    if (type === 'open') type = before.type;
  }
  const counted =
    type === 'quantity'
      ? tokens
          .slice(tokens.findIndex((token) => /^(many|much)$/i.test(token.text)) + 1)
          .find((token) => token.pos === 'NOUN')?.stem
      : undefined;
  const emphasis = new Map<string, number>();
  for (const token of tokens)
    if (token.pos === 'VERB' && stems.includes(token.stem)) emphasis.set(token.stem, VERB_EMPHASIS);
  return { text, type, stems: [...new Set(stems)], emphasis, ...(counted ? { counted } : {}) };
}
