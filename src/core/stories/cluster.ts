import { cosine, type Vector } from '../ingest/vectors.js';
import { type StoryInput, type StorySignature, signatureOf } from './signature.js';

/** The bars an item must clear to join a story, for one length of text. */
export interface JoinBars {
  /** TF-IDF cosine to the story's centroid above which an item from a new outlet joins it. */
  merge: number;
  /** Lower bar when the item and the story share a proper name or a number. */
  confirmed: number;
  /** Bar for an item from an outlet already in the story: a revision is nearly the same text. */
  revision: number;
}

/**
 * When an item joins a story. A headline shares fewer words with its story than an article does, so
 * the bars depend on the item's length: `short` at SHORT_TERMS distinct terms or fewer, the main bars
 * at LONG_TERMS or more, and in between they move linearly in the logarithm of the length. Fitted on
 * the development split of allsides-probe, whole and titles only, by `npm run bench -- stories`
 * (docs/performance.md has the sweep that chose them).
 */
export interface StoryThresholds extends JoinBars {
  short: JoinBars;
  /** Stories whose dates lie this many days or more from the item's are not candidates. */
  windowDays: number;
}

export const STORY_THRESHOLDS: StoryThresholds = {
  merge: 0.3,
  confirmed: 0.3,
  revision: 0.5,
  short: { merge: 0.3, confirmed: 0.3, revision: 0.5 },
  windowDays: 3,
};

/** Distinct terms of a headline-only item, at most. */
export const SHORT_TERMS = 10;
/** Distinct terms from which an item counts as an article. */
export const LONG_TERMS = 40;

/** The bars for an item of `terms` distinct terms. */
export function barsFor(thresholds: StoryThresholds, terms: number): JoinBars {
  const span = Math.log(LONG_TERMS) - Math.log(SHORT_TERMS);
  const along = Math.min(1, Math.max(0, (Math.log(Math.max(terms, 1)) - Math.log(SHORT_TERMS)) / span));
  const between = (short: number, long: number) => short + (long - short) * along;
  return {
    merge: between(thresholds.short.merge, thresholds.merge),
    confirmed: between(thresholds.short.confirmed, thresholds.confirmed),
    revision: between(thresholds.short.revision, thresholds.revision),
  };
}

/** Rare terms of the item looked up in the story index: enough to find its story, few enough to be cheap. */
const PROBE_TERMS = 12;
/** Terms a story is indexed under. */
const INDEX_TERMS = 25;
/** Terms of a story's centroid kept for comparing. */
const CENTROID_TERMS = 150;
const CANDIDATES = 30;
/** Names and numbers a story keeps for confirming matches; the first members' matter most. */
const MAX_FACTS = 80;

export interface StoryCandidate {
  id: string;
  /** Sum of the members' unit-length term-count vectors. */
  centroid: Vector;
  names: readonly string[];
  numbers: readonly string[];
  outlets: readonly string[];
}

/** What a story store keeps so that clustering can find candidates through its indexes. */
export interface StoryIndex {
  /** How many clustered items have each term, and how many there are in all. */
  termFrequencies(terms: readonly string[]): Promise<{ total: number; counts: Map<string, number> }>;
  /**
   * Stories indexed under any of the terms whose dates overlap [from, to] (YYYY-MM-DD), those sharing
   * most terms first.
   */
  storyCandidates(
    probe: { terms: readonly string[]; from: string; to: string },
    limit: number,
  ): Promise<StoryCandidate[]>;
  addStoryMember(member: StoryMembership): Promise<void>;
}

export interface StoryMembership {
  storyId: string;
  input: StoryInput;
  /** The story's new centroid, names and numbers, and the terms to index it under. */
  centroid: Vector;
  names: string[];
  numbers: string[];
  indexTerms: string[];
  /** The item's distinct terms, counted into the document frequencies. */
  itemTerms: string[];
  addedAt: string;
}

export interface StoryAssignment {
  storyId: string;
  created: boolean;
  /** The member of the same outlet this item revises, when the story had one. */
  revision: boolean;
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function unit(vector: Vector): Vector {
  let norm = 0;
  for (const weight of vector.values()) norm += weight * weight;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return new Map([...vector].map(([term, weight]) => [term, weight * scale]));
}

function topTerms(
  vector: Vector,
  count: number,
  weightOf: (term: string, weight: number) => number,
): string[] {
  return [...vector]
    .map(([term, weight]) => ({ term, score: weightOf(term, weight) }))
    .sort((a, b) => b.score - a.score || a.term.localeCompare(b.term))
    .slice(0, count)
    .map((entry) => entry.term);
}

/** How well an item fits a story: cosine, and whether names or numbers confirm it. */
export function storyFit(
  signature: StorySignature,
  vector: Vector,
  candidate: StoryCandidate,
  idf: (term: string) => number,
): { similarity: number; shared: number } {
  const centroid = new Map([...candidate.centroid].map(([term, weight]) => [term, weight * idf(term)]));
  const names = new Set(candidate.names);
  const numbers = new Set(candidate.numbers);
  const shared =
    signature.names.filter((name) => names.has(name)).length +
    signature.numbers.filter((number) => numbers.has(number)).length;
  return { similarity: cosine(vector, centroid), shared };
}

/** The bar an item must clear to join a candidate. */
export function joinThreshold(bars: JoinBars, sameOutlet: boolean, shared: number): number {
  if (sameOutlet) return bars.revision;
  return shared > 0 ? bars.confirmed : bars.merge;
}

/**
 * Puts one new item into a story, incrementally: candidates come from the index by the item's rarest
 * terms within the time window (never all stories), the best by TF-IDF cosine to their centroid joins
 * when it clears the bar, and otherwise the item starts a story of its own.
 */
export async function assignStory(
  index: StoryIndex,
  input: StoryInput,
  addedAt: string,
  thresholds: StoryThresholds = STORY_THRESHOLDS,
): Promise<StoryAssignment> {
  const signature = signatureOf(input);
  const itemTerms = [...signature.terms.keys()];
  const { total, counts } = await index.termFrequencies(itemTerms);
  const idfOf = (frequencies: Map<string, number>) => (term: string) =>
    Math.log((total + 1) / ((frequencies.get(term) ?? 0) + 1)) + 1;
  const itemIdf = idfOf(counts);
  const vector = new Map([...signature.terms].map(([term, count]) => [term, count * itemIdf(term)]));
  const candidates = await index.storyCandidates(
    {
      terms: topTerms(signature.terms, PROBE_TERMS, (term, count) => count * itemIdf(term)),
      from: shiftDate(input.published, -thresholds.windowDays),
      to: shiftDate(input.published, thresholds.windowDays),
    },
    CANDIDATES,
  );
  // Centroids bring terms the item lacks: their frequencies are needed for the cosine's norm.
  const missing = [
    ...new Set(
      candidates.flatMap((candidate) => [...candidate.centroid.keys()].filter((t) => !counts.has(t))),
    ),
  ];
  const all = new Map(counts);
  if (missing.length > 0) {
    for (const [term, count] of (await index.termFrequencies(missing)).counts) all.set(term, count);
  }
  const idf = idfOf(all);
  const bars = barsFor(thresholds, signature.terms.size);
  let best: { candidate: StoryCandidate; similarity: number } | undefined;
  for (const candidate of candidates) {
    const fit = storyFit(signature, vector, candidate, idf);
    const sameOutlet = candidate.outlets.includes(input.outlet);
    if (fit.similarity < joinThreshold(bars, sameOutlet, fit.shared)) continue;
    if (!best || fit.similarity > best.similarity) best = { candidate, similarity: fit.similarity };
  }
  const own = unit(signature.terms);
  const centroid = new Map(best?.candidate.centroid ?? []);
  for (const [term, weight] of own) centroid.set(term, (centroid.get(term) ?? 0) + weight);
  const kept = new Map(
    topTerms(centroid, CENTROID_TERMS, (_, weight) => weight).map((term) => [term, centroid.get(term) ?? 0]),
  );
  const storyId = best?.candidate.id ?? input.itemId;
  await index.addStoryMember({
    storyId,
    input,
    centroid: kept,
    names: [...new Set([...(best?.candidate.names ?? []), ...signature.names])].slice(0, MAX_FACTS),
    numbers: [...new Set([...(best?.candidate.numbers ?? []), ...signature.numbers])].slice(0, MAX_FACTS),
    indexTerms: topTerms(kept, INDEX_TERMS, (term, weight) => weight * idf(term)),
    itemTerms,
    addedAt,
  });
  return {
    storyId,
    created: !best,
    revision: best ? best.candidate.outlets.includes(input.outlet) : false,
  };
}
