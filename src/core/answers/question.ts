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
  /** Stems of the proper names the question mentions; the answering item must mention them all. */
  names: string[];
}

/** Words that only say what kind of question it is; a supporting sentence need not contain them. */
const QUESTION_WORDS = new Set(
  'who whom whose when where what which why how mani much far long big larg old tall high deep fast often number date day time happen say said'.split(
    ' ',
  ),
);

const VERB_EMPHASIS = 1.5;

/** Openers of a follow-up that leans on the question before it ("and in the north?"). */
const ELLIPTICAL = /^(?:and|what about|how about|and what about|also|then)\b/i;

const TYPES: [QuestionType, RegExp][] = [
  ['when', /\bwhen\b|\bwhat (date|day|time|year|month)\b|\bwhich (date|day|year|month)\b|\bhow long ago\b/],
  [
    'quantity',
    /\bhow (many|much|far|long|big|large|old|tall|high|deep|fast|often)\b|\bwhat (number|percentage|share|proportion)\b/,
  ],
  [
    'who',
    /\bwho\b|\bwhom\b|\bwhose\b|\bwhich (country|countries|organi[sz]ations?|groups?|people|leaders?|company|companies|firms?)\b/,
  ],
  ['where', /\bwhere\b|\bwhich (city|place|town|region|area)\b/],
];

function typeOf(text: string): QuestionType {
  const lower = text.toLowerCase();
  return TYPES.find(([, pattern]) => pattern.test(lower))?.[0] ?? 'open';
}

/**
 * Reads a question: its type from its wording, its content stems from the same analysis items use,
 * and for a short follow-up, the subject of the question before it.
 */
export function readQuestion(text: string, previous?: string): Question {
  // "Where did it take place?" asks where; "take" and "place" are not what it is about.
  const tokens = analyse(text.replace(/\b(?:take|takes|took|taken|taking) place\b/gi, ' ')).flatMap(
    (sentence) => sentence.tokens,
  );
  let stems = contentStems(tokens).filter((stem) => !QUESTION_WORDS.has(stem));
  let type = typeOf(text);
  let names = tokens
    .filter((token, index) => index > 0 && token.pos === 'PROPN' && /^[A-Z]/.test(token.text))
    .map((token) => token.stem);
  if (previous && (ELLIPTICAL.test(text.trim()) || stems.length <= 1)) {
    const before = readQuestion(previous);
    stems = [...stems, ...before.stems];
    names = [...names, ...before.names];
    if (type === 'open') type = before.type;
  }
  const emphasis = new Map<string, number>();
  for (const token of tokens)
    if (token.pos === 'VERB' && stems.includes(token.stem)) emphasis.set(token.stem, VERB_EMPHASIS);
  // "How many civilians": the number must count civilians. "How much" asks for an amount of anything.
  const many = tokens.findIndex((token) => token.text.toLowerCase() === 'many');
  const counted =
    type === 'quantity' && many >= 0
      ? tokens.slice(many + 1).find((token) => token.pos === 'NOUN')?.stem
      : undefined;
  return {
    text,
    type,
    stems: [...new Set(stems)],
    emphasis,
    names: [...new Set(names)],
    ...(counted ? { counted } : {}),
  };
}
