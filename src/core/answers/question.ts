import { analyse, contentStems, type Token } from '../ingest/text.js';

/**
 * What a question asks for. `what` wants a noun phrase; `said` ("what did X say about Y") and `open`
 * ("why", "how", "what did X do") are answered by the sentence itself.
 */
export type QuestionType = 'who' | 'when' | 'quantity' | 'where' | 'what' | 'said' | 'open';

export interface Question {
  text: string;
  type: QuestionType;
  /** Content-word stems the answer sentence should share. */
  stems: string[];
  /** How much each stem matters: the question's verb says what is asked ("who is mediating"). */
  emphasis: Map<string, number>;
  /** For "how many civilians": the counted thing's stem, which must sit next to the number. */
  counted?: string;
  /** For "what year", "which country", "what kind of tax": the noun the answer must be, or name. */
  focus?: string;
  /** Stems of the proper names the question mentions; the sentence or its neighbours must have them. */
  names: string[];
  /** Numbers and years the question gives, as written: "in 1750" is not asked of a 1755 sentence. */
  numbers: string[];
  /** "Who did not ...", "what is never ...": a sentence that says it plainly does not answer it. */
  negated: boolean;
  /** "How much did X pay": the answer is an amount of money, not any number. */
  money: boolean;
  /** "When will ...": a day the report already looks back on does not answer it. */
  future: boolean;
}

/** Words that only say what kind of question it is; a supporting sentence need not contain them. */
const QUESTION_WORDS = new Set(
  'who whom whose when where what which why how mani much far long big larg old tall high deep fast often number date day time happen say said name call term'.split(
    ' ',
  ),
);

const VERB_EMPHASIS = 1.5;
/** Focus nouns that make "what"/"which" a question of another type. */
const FOCUS_TYPES: Record<string, QuestionType> = {
  year: 'when',
  date: 'when',
  day: 'when',
  month: 'when',
  century: 'when',
  decade: 'when',
  time: 'when',
  period: 'when',
  era: 'when',
  city: 'where',
  place: 'where',
  town: 'where',
  region: 'where',
  area: 'where',
  location: 'where',
  country: 'who',
  countries: 'who',
  person: 'who',
  people: 'who',
  company: 'who',
  organization: 'who',
  organisation: 'who',
  group: 'who',
  leader: 'who',
  king: 'who',
  emperor: 'who',
  percentage: 'quantity',
  percent: 'quantity',
  amount: 'quantity',
  number: 'quantity',
  share: 'quantity',
  proportion: 'quantity',
};
const NEGATION = /\b(?:not|never|no|none|neither|nor|without|n't|cannot)\b|n't\b/i;

/** "How much did it cost", "how much was paid for": questions whose answer is a sum of money. */
const MONEY_QUESTION =
  /\bhow much\b[^?]*\b(?:pay|paid|pays|paying|cost|costs|spend|spent|spends|earn|earned|earns|charge|charged|charges|worth|price|sell|sold|buy|bought|raise|raised|owe|owed|fund|funded)\b/;
const FUTURE_QUESTION = /\bwhen (?:will|shall|is [^?]* going to|are [^?]* going to)\b/;

/** Openers of a follow-up that leans on the question before it ("and in the north?"). */
const ELLIPTICAL = /^(?:and|what about|how about|and what about|also|then)\b/i;

function typeOf(lower: string): { type: QuestionType; focus?: string } {
  if (
    /\bhow (many|much|far|long|big|large|old|tall|high|deep|fast|often)\b/.test(lower) &&
    !/\bhow long ago\b/.test(lower)
  )
    return { type: 'quantity' };
  const focus = /\b(?:what|which)(?: (?:kind|type|sort|form|part|name) of)? ([a-z]+)/.exec(lower)?.[1];
  if (/\bwhen\b|\bhow long ago\b/.test(lower)) return { type: 'when' };
  if (/\bwho\b|\bwhom\b|\bwhose\b/.test(lower)) return { type: 'who' };
  if (/\bwhere\b/.test(lower)) return { type: 'where' };
  if (
    /\bwhat (?:did|does|do|has|have|was|were|is) [^?]* (?:say|said|think|tell|told|claim|argue)\b/.test(lower)
  )
    return { type: 'said' };
  if (/\bwhy\b|\bhow\b|\bwhat (?:did|does|do|has|have|was|were|is) [^?]* (?:mean|do|happen)\b/.test(lower))
    return { type: 'open' };
  if (focus) {
    const typed = FOCUS_TYPES[focus];
    if (typed) return { type: typed, focus };
    if (/^(?:is|are|was|were|did|does|do|has|have|had|can|could|would|will|should|may|might)$/.test(focus))
      return { type: 'what' };
    return { type: 'what', focus };
  }
  if (/\b(?:what|which)\b/.test(lower)) return { type: 'what' };
  return { type: 'open' };
}

/** Capitalised words past the first that the tagger takes for names: "Ohio", "Christopher Gist". */
function nameStems(tokens: readonly Token[]): string[] {
  return tokens
    .filter((token, index) => index > 0 && token.pos === 'PROPN' && /^[A-Z]/.test(token.text))
    .map((token) => token.stem);
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
  const lower = text.toLowerCase();
  const typed = typeOf(lower);
  let type = typed.type;
  const focusStem = typed.focus
    ? tokens.find((token) => token.text.toLowerCase() === typed.focus)?.stem
    : undefined;
  // A focus that names a type ("what year") says what kind of answer, not what it is about.
  const typing = focusStem && FOCUS_TYPES[typed.focus ?? ''] ? focusStem : undefined;
  // A possessive's "'s" is no word to look for.
  let stems = contentStems(tokens).filter(
    (stem) => /^[\p{L}\p{N}]/u.test(stem) && !QUESTION_WORDS.has(stem) && stem !== typing,
  );
  let names = nameStems(tokens);
  let numbers = tokens.filter((token) => /\d/.test(token.text)).map((token) => token.text);
  // "who is mediating?" stands alone however short; "and in the north?" or "how many?" does not.
  if (previous && (ELLIPTICAL.test(text.trim()) || stems.length === 0)) {
    const before = readQuestion(previous);
    stems = [...stems, ...before.stems];
    names = [...names, ...before.names];
    numbers = [...numbers, ...before.numbers];
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
  const focus = typed.focus && !typing ? focusStem : undefined;
  return {
    text,
    type,
    // Numbers are words to find too: "in 1750" points at the sentence that has 1750.
    stems: [...new Set([...stems, ...numbers.map((number) => number.toLowerCase())])],
    emphasis,
    names: [...new Set(names)],
    numbers: [...new Set(numbers)],
    negated: NEGATION.test(text),
    money: type === 'quantity' && MONEY_QUESTION.test(lower),
    future: type === 'when' && FUTURE_QUESTION.test(lower),
    ...(counted ? { counted } : {}),
    ...(focus ? { focus } : {}),
  };
}
