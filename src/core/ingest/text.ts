import model from 'wink-eng-lite-web-model';
import winkNLP from 'wink-nlp';
import type { Sentence } from '../model.js';

// Only what ingest uses: sentence boundaries and part-of-speech tags (named-entity and sentiment
// passes would double the cost per document). Built on first use: reading the model costs about
// 0.6 s of CPU, which a process whose ingest runs in worker threads should not pay before it is ready.
let engine: ReturnType<typeof winkNLP> | undefined;
function nlp(): ReturnType<typeof winkNLP> {
  engine ??= winkNLP(model, ['sbd', 'pos']);
  return engine;
}

/** Reads the language model now, so the first question after start-up does not wait for it. */
export function prepareTextAnalysis(): void {
  nlp();
}

export interface Token {
  /** As written in the document. */
  text: string;
  /** Porter stem, lowercase: what similarity and matching compare. */
  stem: string;
  pos: string;
  stop: boolean;
  start: number;
}

export interface AnalysedSentence extends Sentence {
  tokens: Token[];
}

const CALENDAR_WORDS = new Set(
  'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december'.split(
    ' ',
  ),
);

/** `<!here>`, `<@U123>`, `<#C1|general>`, `<https://example.com|a link>`: chat markup pasted into a briefing. */
const MARKUP = /<[^<>\s][^<>\n]{0,200}>/g;

/**
 * Joins sentences the splitter ended inside chat markup (wink ends one at the `!` of `<!here>`), so a
 * sentence is never cut into "...<!" and "here> ...".
 */
function joinSplitMarkup(text: string, sentences: AnalysedSentence[]): AnalysedSentence[] {
  const spans = [...text.matchAll(MARKUP)].map((match) => [match.index, match.index + match[0].length]);
  if (spans.length === 0) return sentences;
  const joined: AnalysedSentence[] = [];
  for (const sentence of sentences) {
    const previous = joined[joined.length - 1];
    if (previous && spans.some(([from = 0, to = 0]) => from < previous.end && previous.end < to)) {
      previous.tokens.push(...sentence.tokens);
      previous.end = sentence.end;
      previous.text = text.slice(previous.start, previous.end);
    } else joined.push(sentence);
  }
  return joined;
}

/**
 * News-aware sentence splitting ("U.S.", "Oct. 7", "1.5 million", quotes) with character offsets
 * into `text`, so every sentence an item keeps can be cited exactly.
 */
export function analyse(text: string): AnalysedSentence[] {
  const { its } = nlp();
  const doc = nlp().readDoc(text);
  const values = doc.tokens().out(its.value) as string[];
  const normals = doc.tokens().out(its.normal) as string[];
  const tags = doc.tokens().out(its.pos) as string[];
  const stops = doc.tokens().out(its.stopWordFlag) as unknown as boolean[];
  const lemmas = doc.tokens().out(its.lemma as unknown as typeof its.value) as string[];
  const spans = doc.sentences().out(its.span) as unknown as [number, number][];
  const sentences: AnalysedSentence[] = [];
  let cursor = 0;
  for (const [from, to] of spans) {
    const tokens: Token[] = [];
    for (let i = from; i <= to; i++) {
      const value = values[i] ?? '';
      if (value.trim() === '') continue;
      const at = text.indexOf(value, cursor);
      // wink normalises a few characters; a token it rewrote keeps the cursor where it was.
      if (at < 0) continue;
      cursor = at + value.length;
      const pos = tags[i] ?? 'X';
      const lemma = lemmas[i];
      tokens.push({
        text: value,
        // Verbs are compared by the stem of their lemma, so "lost" meets "lose" and "held" meets "hold".
        stem: stemOf(pos === 'VERB' && lemma ? lemma : (normals[i] ?? value.toLowerCase())),
        pos,
        stop: stops[i] ?? false,
        start: at,
      });
    }
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    if (!first || !last) continue;
    sentences.push({
      text: text.slice(first.start, last.start + last.text.length),
      start: first.start,
      end: last.start + last.text.length,
      tokens,
    });
  }
  return joinSplitMarkup(text, sentences);
}

// The lite model ships a Porter stemmer among its add-ons; wink's types leave it untyped.
const stemWord = model.addons.stem as (word: string) => string;
const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 100_000;

/**
 * The Porter stem of a lowercase word, memoised: news reuses its vocabulary, and stemming every token
 * afresh cost more than parsing the document.
 */
export function stemOf(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  // A number is its own stem: Porter reads "1643" as a word ending in a suffix and makes it "164i".
  const stem = /^[\d.,]+$/.test(word) ? word : stemWord(word);
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
  stemCache.set(word, stem);
  return stem;
}

/** Stems of the words that carry meaning: no stop words, punctuation or numbers. */
export function contentStems(tokens: readonly Token[]): string[] {
  const stems: string[] = [];
  for (const token of tokens) {
    if (token.stop || token.stem.length < 2 || !/[a-z]/.test(token.stem)) continue;
    if (token.pos === 'PUNCT' || token.pos === 'NUM' || token.pos === 'SYM') continue;
    stems.push(token.stem);
  }
  return stems;
}

/**
 * Runs of proper nouns ("Joe Biden", "United States"), without day and month names. A capitalised
 * word that opens a sentence counts only if the document also capitalises it elsewhere, since the
 * tagger takes "Pressure has mounted" for a name.
 */
export function properNames(sentences: readonly AnalysedSentence[]): string[] {
  const midSentence = new Set<string>();
  const runs: { words: Token[]; initial: boolean }[] = [];
  for (const sentence of sentences) {
    let run: Token[] = [];
    let runStartsSentence = false;
    const flush = () => {
      const words = run.filter((token) => !CALENDAR_WORDS.has(token.text.toLowerCase()));
      if (words.length > 0) runs.push({ words, initial: runStartsSentence });
      run = [];
    };
    sentence.tokens.forEach((token, index) => {
      if (token.pos === 'PROPN' && /^[A-Z]/.test(token.text)) {
        if (run.length === 0) runStartsSentence = index === 0;
        run.push(token);
        if (index > 0) midSentence.add(token.text);
      } else flush();
    });
    flush();
  }
  return runs
    .filter((run) => !run.initial || run.words.length > 1 || midSentence.has(run.words[0]?.text ?? ''))
    .map((run) => run.words.map((token) => token.text).join(' '));
}
