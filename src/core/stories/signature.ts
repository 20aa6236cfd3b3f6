import { stemOf } from '../ingest/text.js';
import { termCounts, type Vector } from '../ingest/vectors.js';

/** What a story is compared by: its words, the names it mentions and the numbers it gives. */
export interface StorySignature {
  /** Stem -> count; title words count twice, as a title says what the article is about. */
  terms: Vector;
  /** Lowercase proper names. */
  names: string[];
  /** Numbers as written without separators ("1.5", "43"); years excluded, as every story has one. */
  numbers: string[];
}

/** What the clusterer needs of an item or article: its outlet, date, title and text. */
export interface StoryInput {
  itemId: string;
  /** The document the item is a part of: a document's items are separate developments. */
  documentId: string;
  outlet: string;
  /** YYYY-MM-DD */
  published: string;
  title: string;
  text: string;
  /** Proper names, as ingest found them; an empty list lets the signature guess from capitals. */
  entities: readonly string[];
}

// Function words and newsroom filler: they join unrelated stories.
const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can could did do does doing down during each few for from further had has have having he
  her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
  not now of off on once only or other our ours ourselves out over own same she should so some such than that
  the their theirs them themselves then there these they this those through to too under until up very was we
  were what when where which while who whom why will with would you your yours yourself yourselves said says
  say told new year years one two three also according would could may might us mr mrs ms week day days
  monday tuesday wednesday thursday friday saturday sunday last first people time`.split(/\s+/),
);

const WORD = /[\p{L}][\p{L}\p{N}'’-]*|\d[\d.,]*/gu;

/** Content stems of a text: lowercase, no stop words, no bare numbers. */
export function storyTerms(text: string): string[] {
  const stems: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0]
      .toLowerCase()
      .replace(/['’]s$/, '')
      .replace(/['’-]+$/, '');
    if (word.length < 2 || STOP_WORDS.has(word) || !/\p{L}/u.test(word)) continue;
    stems.push(stemOf(word));
  }
  return stems;
}

/** Numbers a text states, normalised so "1,500" meets "1500"; four-digit years left out. */
export function storyNumbers(text: string): string[] {
  const numbers = new Set<string>();
  for (const match of text.matchAll(/\d[\d,]*(?:\.\d+)?/g)) {
    const value = match[0].replace(/,(?=\d{3})/g, '').replace(/[.,]$/, '');
    if (/^(?:19|20)\d\d$/.test(value) || value.length === 0) continue;
    numbers.add(value);
  }
  return [...numbers];
}

/** Capitalised word runs not at a sentence start: a cheap stand-in when no entities were extracted. */
function capitalisedRuns(text: string): string[] {
  const runs = text.match(/(?<=[a-z,;:] )[A-Z][\p{L}’'-]+(?: [A-Z][\p{L}’'-]+)*/gu) ?? [];
  return runs.filter((run) => !STOP_WORDS.has(run.toLowerCase()));
}

export function signatureOf(input: StoryInput): StorySignature {
  const titleTerms = storyTerms(input.title);
  const terms = termCounts([...titleTerms, ...titleTerms, ...storyTerms(input.text)]);
  const names = input.entities.length > 0 ? input.entities : capitalisedRuns(`${input.title}. ${input.text}`);
  return {
    terms,
    names: [...new Set(names.map((name) => name.toLowerCase()))],
    numbers: storyNumbers(`${input.title} ${input.text}`),
  };
}
