import { createHash } from 'node:crypto';
import { cosine, inverseFrequencies, termCounts, type Vector, weighted } from '../ingest/vectors.js';
import { type CardItem, type CardSentence, memberSentences, type StoryCard } from './card.js';
import { figuresIn } from './figures.js';
import { storyTerms } from './signature.js';
import { pickSummary, rankStorySentences, type StorySummaryOptions } from './summary.js';

/** A figure as a story last stated it: the newest outlet's first mention of the counted thing. */
export interface VersionFigure {
  /** Stem of the counted thing ("kill", "civilian"). */
  thing: string;
  value: number;
  /** The quantity as written ("45 people killed"). */
  text: string;
  outlet: string;
  published: string;
  url?: string;
  /** The sentence that stated it. */
  sentence: string;
}

/**
 * What a story said at one moment: who had reported it, every sentence of its current members and
 * the latest figure for each counted thing. A channel's digest records the version it was shown, so
 * the next digest can show only what came after.
 */
export interface StoryVersion {
  storyId: string;
  /** Sorted. */
  outlets: string[];
  /** Sorted, as written. */
  sentences: string[];
  /** Sorted by thing. */
  figures: VersionFigure[];
}

/** What changed in a story since the version a channel saw. */
export interface StoryDelta {
  /** Outlets that had not reported it then. */
  newOutlets: CardItem[];
  /** Sentences that say something the channel was not shown, each with its outlet. */
  sentences: CardSentence[];
  /** Figures whose latest value changed: "now 45, was 43". */
  revised: { now: VersionFigure; was: VersionFigure }[];
}

/** What an update shows at most: a few new sentences, chosen like a summary. */
export const UPDATE_SIZE: StorySummaryOptions = { words: 80, sentences: 3 };
/**
 * TF-IDF cosine to a sentence already shown above which a new sentence is a restatement (another
 * outlet's words for the same fact) rather than a new fact.
 */
const RESTATED = 0.5;

function laterMember(a: CardItem, b: CardItem): number {
  return a.published.localeCompare(b.published) || (a.ingestedAt ?? '').localeCompare(b.ingestedAt ?? '');
}

/** The latest figure per counted thing: members oldest first, so a newer outlet's mention wins. */
function latestFigures(members: readonly CardItem[]): VersionFigure[] {
  const latest = new Map<string, VersionFigure>();
  for (const member of [...members].sort(laterMember)) {
    const own = new Map<string, VersionFigure>();
    for (const sentence of member.sentences)
      for (const figure of figuresIn(sentence.text))
        if (!own.has(figure.thing))
          own.set(figure.thing, {
            ...figure,
            outlet: member.source,
            published: member.published,
            sentence: sentence.text,
            ...(member.url ? { url: member.url } : {}),
          });
    for (const [thing, figure] of own) latest.set(thing, figure);
  }
  return [...latest.values()].sort((a, b) => a.thing.localeCompare(b.thing));
}

/** The story as its card shows it now. */
export function storyVersion(card: StoryCard): StoryVersion {
  return {
    storyId: card.storyId,
    outlets: [...new Set(card.outlets.map((item) => item.source))].sort(),
    sentences: [...new Set(card.outlets.flatMap((item) => item.sentences.map((s) => s.text)))].sort(),
    figures: latestFigures(card.outlets),
  };
}

/** Digests of versions named already: a firing of digests shares version objects across channels. */
const digests = new WeakMap<StoryVersion, string>();

/**
 * Names a version by its content: two channels shown the same story share one stored version.
 * Versions are never changed once made, so each object is hashed once.
 */
export function versionDigest(version: StoryVersion): string {
  let digest = digests.get(version);
  if (digest === undefined) {
    const { outlets, sentences, figures } = version;
    digest = createHash('sha256')
      .update(JSON.stringify([outlets, sentences, figures]))
      .digest('hex')
      .slice(0, 16);
    digests.set(version, digest);
  }
  return digest;
}

/** Two figures count the same thing and differ, by no more than a factor of three (see figures.ts). */
function revisedFigure(now: VersionFigure, was: VersionFigure): boolean {
  if (now.value === was.value) return false;
  const low = Math.min(now.value, was.value);
  return low > 0 && Math.max(now.value, was.value) / low <= 3;
}

/**
 * What is new in the story since `seen`: sentences not shown and not a restatement of one that was
 * (best first, within `size`), outlets that joined, and figures whose latest value changed in a
 * sentence the channel was not shown. Undefined when nothing is new: the story is not repeated.
 */
export function storyDelta(
  card: StoryCard,
  seen: StoryVersion,
  size: StorySummaryOptions = UPDATE_SIZE,
): StoryDelta | undefined {
  const shown = new Set(seen.sentences);
  const sentences = memberSentences(card.outlets);
  const fresh = sentences.flatMap((sentence, index) => (shown.has(sentence.text) ? [] : [index]));
  const vectors: Vector[] = [...sentences.map((s) => s.text), ...seen.sentences].map((text) =>
    termCounts(storyTerms(text)),
  );
  const idf = inverseFrequencies(vectors);
  const seenVectors = vectors.slice(sentences.length).map((vector) => weighted(vector, idf));
  const newFacts = fresh.filter((index) => {
    const vector = weighted(vectors[index] ?? new Map(), idf);
    return seenVectors.every((other) => cosine(vector, other) < RESTATED);
  });
  const ranking = rankStorySentences(sentences);
  const candidates = newFacts.map((index) => sentences[index]).filter((s) => s !== undefined);
  const picked = pickSummary(candidates, size, {
    scores: newFacts.map((index) => ranking.scores[index] ?? 0),
    vectors: newFacts.map((index) => ranking.vectors[index] ?? new Map()),
  });
  const facts = picked.flatMap((pick) => {
    const sentence = candidates[pick];
    const item = sentence ? card.outlets[sentence.member] : undefined;
    return sentence && item ? [{ text: sentence.text, item }] : [];
  });
  const before = new Set(seen.outlets);
  const newOutlets = card.outlets.filter((item) => !before.has(item.source));
  const was = new Map(seen.figures.map((figure) => [figure.thing, figure]));
  const revised = latestFigures(card.outlets).flatMap((now) => {
    const previous = was.get(now.thing);
    return previous && !shown.has(now.sentence) && revisedFigure(now, previous)
      ? [{ now, was: previous }]
      : [];
  });
  if (facts.length === 0 && newOutlets.length === 0 && revised.length === 0) return undefined;
  return { newOutlets, sentences: facts, revised };
}
