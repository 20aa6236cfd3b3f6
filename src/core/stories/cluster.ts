import { cosine, type Vector } from '../ingest/vectors.js';
import { type StoryInput, type StorySignature, signatureOf } from './signature.js';

/**
 * When an item joins a story. Fitted on the development split of allsides-probe by
 * `npm run bench -- stories` (docs/performance.md has the sweep that chose them).
 */
export interface StoryThresholds {
  /** TF-IDF cosine to the story's centroid above which an item from a new outlet joins it. */
  merge: number;
  /** Lower bar when the item and the story share a proper name or a number. */
  confirmed: number;
  /** Bar for an item from an outlet already in the story: a revision is nearly the same text. */
  revision: number;
  /** Stories whose dates lie this many days or more from the item's are not candidates. */
  windowDays: number;
}

export const STORY_THRESHOLDS: StoryThresholds = { merge: 0.5, confirmed: 0.3, revision: 0.5, windowDays: 3 };

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
export function joinThreshold(thresholds: StoryThresholds, sameOutlet: boolean, shared: number): number {
  if (sameOutlet) return thresholds.revision;
  return shared > 0 ? thresholds.confirmed : thresholds.merge;
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
  let best: { candidate: StoryCandidate; similarity: number } | undefined;
  for (const candidate of candidates) {
    const fit = storyFit(signature, vector, candidate, idf);
    const sameOutlet = candidate.outlets.includes(input.outlet);
    if (fit.similarity < joinThreshold(thresholds, sameOutlet, fit.shared)) continue;
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
