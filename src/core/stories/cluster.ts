import { cosine, type Vector } from '../ingest/vectors.js';
import { type StoryInput, type StorySignature, signatureOf } from './signature.js';

/** The bars an item must clear to join a story, for one length of text. */
export interface JoinBars {
  /** Mean TF-IDF cosine to the story's closest members above which an item joins it. */
  merge: number;
  /** Lower bar when the item and the story share a proper name or a number. */
  confirmed: number;
}

/**
 * When an item joins a story. A headline shares fewer words with its story than an article does, so
 * the bars depend on the item's length: `short` at SHORT_TERMS distinct terms or fewer, the main bars
 * at LONG_TERMS or more, and in between they move linearly in the logarithm of the length. Fitted on
 * the development halves of story-clusters by `npm run bench -- stories` (docs/performance.md has the
 * sweep that chose them).
 */
export interface StoryThresholds extends JoinBars {
  short: JoinBars;
  /** Members dated this many days or more from the item's are not compared with it. */
  windowDays: number;
  /**
   * What each day between the item and a member takes off their cosine: the same development is
   * reported within a day or two, a similar one a week on is news of its own.
   */
  dayPenalty: number;
  /** An item from an outlet the story has is a revision of that outlet's member at this cosine or more. */
  revision: number;
}

export const STORY_THRESHOLDS: StoryThresholds = {
  merge: 0.2,
  confirmed: 0.2,
  short: { merge: 0.15, confirmed: 0.15 },
  windowDays: 3,
  dayPenalty: 0.15,
  revision: 0.5,
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
  };
}

/** Rare terms of the item looked up in the member index: enough to find its story, few enough to be cheap. */
const PROBE_TERMS = 12;
/** Terms a member is indexed under. */
const INDEX_TERMS = 25;
/** Terms of a member kept for comparing: its weightiest, so long articles stay cheap to compare. */
const MEMBER_TERMS = 80;
/** Members compared with each new item, those sharing most probe terms first. */
const CANDIDATE_MEMBERS = 60;
/**
 * A story's fit is the mean cosine to its CLOSEST_MEMBERS closest members (fewer when it has fewer):
 * one look-alike member does not chain unrelated news in, as single link would, and a large story is
 * not held back by its far members, as a centroid or an average over all members would.
 */
const CLOSEST_MEMBERS = 3;
/** Names and numbers a story keeps for confirming matches; the first members' matter most. */
const MAX_FACTS = 80;

/** A stored member as the clusterer compares it. */
export interface MemberVector {
  itemId: string;
  documentId: string;
  outlet: string;
  /** YYYY-MM-DD */
  published: string;
  /** Term -> count, the member's weightiest terms. */
  terms: Vector;
}

export interface StoryCandidate {
  id: string;
  /** The story's members that share probe terms with the item, within the window. */
  members: MemberVector[];
  /** How many members the story has within the window, found by the probe or not. */
  membersInWindow: number;
  names: readonly string[];
  numbers: readonly string[];
  outlets: readonly string[];
}

/** What a story store keeps so that clustering can find candidates through its indexes. */
export interface StoryIndex {
  /** How many clustered items have each term, and how many there are in all. */
  termFrequencies(terms: readonly string[]): Promise<{ total: number; counts: Map<string, number> }>;
  /**
   * The stories of the members indexed under any of the terms and dated within [from, to]
   * (YYYY-MM-DD): at most `limit` members, those sharing most terms first, grouped by story.
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
  /** The member's weightiest terms with their counts, compared with later items. */
  terms: Vector;
  /** The story's names and numbers with the item's added. */
  names: string[];
  numbers: string[];
  /** Terms to index the member under. */
  indexTerms: string[];
  /** The item's distinct terms, counted into the document frequencies. */
  itemTerms: string[];
  addedAt: string;
}

export interface StoryAssignment {
  storyId: string;
  created: boolean;
  /** The story had a member from the item's outlet and the item is nearly its text. */
  revision: boolean;
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const daysApart = (a: string, b: string) => Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;

function topTerms(
  vector: Vector,
  count: number,
  weightOf: (term: string, count: number) => number,
): string[] {
  return [...vector]
    .map(([term, weight]) => ({ term, score: weightOf(term, weight) }))
    .sort((a, b) => b.score - a.score || a.term.localeCompare(b.term))
    .slice(0, count)
    .map((entry) => entry.term);
}

/** Mean of the `count` largest values, over `count` (missing ones count as 0). */
function meanOfLargest(values: readonly number[], count: number): number {
  if (count <= 0) return 0;
  const largest = [...values].sort((a, b) => b - a).slice(0, count);
  return largest.reduce((sum, value) => sum + value, 0) / count;
}

/**
 * Puts one new item into a story, incrementally: candidate members come from the index by the item's
 * rarest terms within the time window (never all items), each candidate story is scored by the item's
 * TF-IDF cosine to its closest members, and the best joins when it clears the bar; otherwise the item
 * starts a story of its own.
 */
export async function assignStory(
  index: StoryIndex,
  input: StoryInput,
  addedAt: string,
  thresholds: StoryThresholds = STORY_THRESHOLDS,
  signature: StorySignature = signatureOf(input),
): Promise<StoryAssignment> {
  const itemTerms = [...signature.terms.keys()];
  const { total, counts } = await index.termFrequencies(itemTerms);
  const idfOf = (frequencies: Map<string, number>) => (term: string) =>
    Math.log((total + 1) / ((frequencies.get(term) ?? 0) + 1)) + 1;
  const itemIdf = idfOf(counts);
  const byWeight = (term: string, count: number) => count * itemIdf(term);
  const candidates = await index.storyCandidates(
    {
      terms: topTerms(signature.terms, PROBE_TERMS, byWeight),
      from: shiftDate(input.published, -thresholds.windowDays),
      to: shiftDate(input.published, thresholds.windowDays),
    },
    CANDIDATE_MEMBERS,
  );
  // Members bring terms the item lacks: their frequencies are needed for the cosine's norm.
  const missing = new Set<string>();
  for (const candidate of candidates)
    for (const member of candidate.members)
      for (const term of member.terms.keys()) if (!counts.has(term)) missing.add(term);
  const all = new Map(counts);
  if (missing.size > 0)
    for (const [term, count] of (await index.termFrequencies([...missing])).counts) all.set(term, count);
  const idf = idfOf(all);
  const tfidf = (terms: Vector): Vector =>
    new Map([...terms].map(([term, count]) => [term, count * idf(term)]));
  const vector = tfidf(signature.terms);
  const bars = barsFor(thresholds, signature.terms.size);
  let best: { candidate: StoryCandidate; fit: number; similarities: number[] } | undefined;
  for (const candidate of candidates) {
    // Segmentation cut the document where its developments change: its items never share a story.
    if (candidate.members.some((member) => member.documentId === input.documentId)) continue;
    const similarities = candidate.members.map(
      (member) =>
        cosine(vector, tfidf(member.terms)) -
        thresholds.dayPenalty * daysApart(member.published, input.published),
    );
    const closest = Math.min(CLOSEST_MEMBERS, Math.max(candidate.membersInWindow, candidate.members.length));
    const fit = meanOfLargest(similarities, closest);
    const names = new Set(candidate.names);
    const numbers = new Set(candidate.numbers);
    const confirmed =
      signature.names.some((name) => names.has(name)) || signature.numbers.some((n) => numbers.has(n));
    if (fit < (confirmed ? bars.confirmed : bars.merge)) continue;
    if (!best || fit > best.fit) best = { candidate, fit, similarities };
  }
  const storyId = best?.candidate.id ?? input.itemId;
  const kept = topTerms(signature.terms, MEMBER_TERMS, byWeight);
  await index.addStoryMember({
    storyId,
    input,
    terms: new Map(kept.map((term) => [term, signature.terms.get(term) ?? 0])),
    names: [...new Set([...(best?.candidate.names ?? []), ...signature.names])].slice(0, MAX_FACTS),
    numbers: [...new Set([...(best?.candidate.numbers ?? []), ...signature.numbers])].slice(0, MAX_FACTS),
    indexTerms: kept.slice(0, INDEX_TERMS),
    itemTerms,
    addedAt,
  });
  const revision =
    best?.candidate.members.some(
      (member, at) => member.outlet === input.outlet && (best?.similarities[at] ?? 0) >= thresholds.revision,
    ) ?? false;
  return { storyId, created: !best, revision };
}

/** Candidate members grouped under their stories, in the order the members came (best first). */
export function candidatesFrom(
  members: readonly (MemberVector & { storyId: string })[],
  stories: readonly Omit<StoryCandidate, 'members'>[],
): StoryCandidate[] {
  const byId = new Map(stories.map((story) => [story.id, { ...story, members: [] as MemberVector[] }]));
  const ordered = new Map<string, StoryCandidate>();
  for (const { storyId, ...member } of members) {
    const story = byId.get(storyId);
    if (!story) continue;
    story.members.push(member);
    ordered.set(storyId, story);
  }
  return [...ordered.values()];
}
