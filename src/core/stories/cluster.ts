import { norm, type Vector } from '../ingest/vectors.js';
import { type StoryInput, type StorySignature, signatureOf } from './signature.js';

/** The bars an item must clear to join a story, for one length of text. */
export interface JoinBars {
  /** The story's fit (storyFit) at or above which an item joins it. */
  merge: number;
  /** Lower bar when the item and the story share a proper name or a number. */
  confirmed: number;
}

/**
 * When an item joins a story. Two texts about one development share fewer of their words the shorter
 * they are (a headline) and the longer they are (a whole article, which brings background of its own),
 * so the bars depend on the item's length: `short` at SHORT_TERMS distinct terms or fewer, the main bars
 * at LEAD_TERMS (an article's lead), `whole` at WHOLE_TERMS or more, and in between they move linearly
 * in the logarithm of the length. Fitted on the development halves of story-clusters by
 * `npm run bench -- stories` (docs/performance.md has the sweep that chose them).
 */
export interface StoryThresholds extends JoinBars {
  short: JoinBars;
  whole: JoinBars;
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
  merge: 0.22,
  confirmed: 0.22,
  short: { merge: 0.03, confirmed: 0.03 },
  whole: { merge: 0.1, confirmed: 0.1 },
  windowDays: 3,
  dayPenalty: 0.15,
  revision: 0.5,
};

/** Distinct terms of a headline-only item, at most. */
export const SHORT_TERMS = 10;
/** Distinct terms of an article's title and lead paragraphs. */
export const LEAD_TERMS = 20;
/** Distinct terms from which an item counts as a whole article. */
export const WHOLE_TERMS = 160;

/** The bars for an item of `terms` distinct terms. */
export function barsFor(thresholds: StoryThresholds, terms: number): JoinBars {
  const length = Math.log(Math.max(terms, 1));
  const [from, to, lower, upper] =
    terms <= LEAD_TERMS
      ? [thresholds.short, thresholds as JoinBars, SHORT_TERMS, LEAD_TERMS]
      : [thresholds as JoinBars, thresholds.whole, LEAD_TERMS, WHOLE_TERMS];
  const along = Math.min(1, Math.max(0, (length - Math.log(lower)) / (Math.log(upper) - Math.log(lower))));
  const between = (a: number, b: number) => a + (b - a) * along;
  return { merge: between(from.merge, to.merge), confirmed: between(from.confirmed, to.confirmed) };
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
 * Members each probe term brings at most, the newest in the window: a term a running story has made
 * common would otherwise make every probe read all its members, and the probe's cost grow with the
 * store.
 */
const POSTINGS_PER_TERM = 100;
/** Names and numbers a story keeps for confirming matches; the first members' matter most. */
const MAX_FACTS = 80;

/** A stored member as the clusterer compares it. */
export interface MemberVector {
  itemId: string;
  documentId: string;
  outlet: string;
  /** YYYY-MM-DD */
  published: string;
  /** Term -> TF-IDF weight of the member's weightiest terms, as weighed when it was filed. */
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
}

/** What a story store keeps so that clustering can find candidates through its indexes. */
export interface StoryIndex {
  /** How many clustered items have each term, and how many there are in all. */
  termFrequencies(terms: readonly string[]): Promise<{ total: number; counts: Map<string, number> }>;
  /**
   * The stories of the members indexed under any of the terms and dated within [from, to]
   * (YYYY-MM-DD), each term bringing at most its `perTerm` newest members: at most `limit` members,
   * those sharing most terms first, grouped by story.
   */
  storyCandidates(probe: StoryProbe, limit: number): Promise<StoryCandidate[]>;
  addStoryMember(member: StoryMembership): Promise<void>;
}

export interface StoryProbe {
  terms: readonly string[];
  from: string;
  to: string;
  perTerm: number;
}

export interface StoryMembership {
  storyId: string;
  input: StoryInput;
  /**
   * The member's weightiest terms with their TF-IDF weights, compared with later items. The weights
   * are fixed when the member is filed (incremental IDF, as on-line topic detection does): comparing
   * then needs the frequencies of the new item's terms only, not of every candidate's.
   */
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

/** The days from `from` to `to` (YYYY-MM-DD), both included, newest first. */
export function datesBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = to; day >= from; day = shiftDate(day, -1)) days.push(day);
  return days;
}

const daysApart = (a: string, b: string) => Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;

/** The vector's terms, weightiest first. */
function rankedTerms(vector: Vector, weightOf: (term: string, count: number) => number): string[] {
  return [...vector]
    .map(([term, weight]) => ({ term, score: weightOf(term, weight) }))
    .sort((a, b) => b.score - a.score || a.term.localeCompare(b.term))
    .map((entry) => entry.term);
}

/** Cosine of a vector of length `vectorNorm` with a member's stored weights. */
function cosineTo(vector: Vector, vectorNorm: number, terms: Vector): number {
  let dot = 0;
  let squares = 0;
  for (const [term, weight] of terms) {
    squares += weight * weight;
    const other = vector.get(term);
    if (other !== undefined) dot += weight * other;
  }
  return squares === 0 || vectorNorm === 0 ? 0 : dot / (vectorNorm * Math.sqrt(squares));
}

/**
 * A story's fit is the item's mean cosine to all the story's members within the window (average link,
 * built up one item at a time). Members the probe did not bring share none of the item's rarest terms
 * and count as 0. The mean to the closest few members let one look-alike headline chain a second story
 * in: on UCI's headlines 148 "iOS 7.1" items and 113 "Game of Thrones" ones became one story.
 */
function storyFit(similarities: readonly number[], membersInWindow: number): number {
  const total = similarities.reduce((sum, similarity) => sum + Math.max(0, similarity), 0);
  return total / Math.max(1, membersInWindow, similarities.length);
}

/**
 * Puts one new item into a story, incrementally: candidate members come from the index by the item's
 * rarest terms within the time window (never all items), each candidate story is scored by the item's
 * mean TF-IDF cosine to its members (storyFit), and the best joins when it clears the bar; otherwise the item
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
  const idf = (term: string) => Math.log((total + 1) / ((counts.get(term) ?? 0) + 1)) + 1;
  const byWeight = (term: string, count: number) => count * idf(term);
  const ranked = rankedTerms(signature.terms, byWeight);
  const candidates = await index.storyCandidates(
    {
      terms: ranked.slice(0, PROBE_TERMS),
      from: shiftDate(input.published, -thresholds.windowDays),
      to: shiftDate(input.published, thresholds.windowDays),
      perTerm: POSTINGS_PER_TERM,
    },
    CANDIDATE_MEMBERS,
  );
  const vector: Vector = new Map([...signature.terms].map(([term, count]) => [term, byWeight(term, count)]));
  const vectorNorm = Math.sqrt(norm(vector));
  const bars = barsFor(thresholds, signature.terms.size);
  let best: { candidate: StoryCandidate; fit: number; similarities: number[] } | undefined;
  for (const candidate of candidates) {
    // Segmentation cut the document where its developments change: its items never share a story.
    if (candidate.members.some((member) => member.documentId === input.documentId)) continue;
    const similarities = candidate.members.map(
      (member) =>
        cosineTo(vector, vectorNorm, member.terms) -
        thresholds.dayPenalty * daysApart(member.published, input.published),
    );
    const fit = storyFit(similarities, candidate.membersInWindow);
    // Shared facts matter only to a fit between the two bars; most candidates are far below both.
    const clears =
      fit >= bars.merge ||
      (fit >= bars.confirmed &&
        (signature.names.some((name) => candidate.names.includes(name)) ||
          signature.numbers.some((number) => candidate.numbers.includes(number))));
    if (!clears) continue;
    if (!best || fit > best.fit) best = { candidate, fit, similarities };
  }
  const storyId = best?.candidate.id ?? input.itemId;
  const kept = ranked.slice(0, MEMBER_TERMS);
  await index.addStoryMember({
    storyId,
    input,
    // Four significant digits are plenty for a cosine, and half the size of a double's seventeen in the
    // row every later probe reads.
    terms: new Map(kept.map((term) => [term, Number((vector.get(term) ?? 0).toPrecision(4))])),
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
