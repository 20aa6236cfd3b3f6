import { remember } from '../memo.js';
import {
  candidatesFrom,
  datesBetween,
  type MemberVector,
  type StoryCandidate,
  type StoryProbe,
} from '../stories/cluster.js';

/** A story member as the candidate index keeps it. */
export interface RecentMember extends MemberVector {
  storyId: string;
  /** The terms the member is indexed under. */
  indexTerms: readonly string[];
}

export interface StoryFacts {
  names: readonly string[];
  numbers: readonly string[];
}

/** Where the window's days are read from when they are not held yet: the store's own tables. */
export interface RecentMembersSource {
  /** Every member dated `day` (YYYY-MM-DD), with the terms it is indexed under. */
  membersOn(day: string): RecentMember[];
  /** How many members are dated within [from, to]. */
  membersBetween(from: string, to: string): number;
  /** The names and numbers of these stories. */
  storyFacts(ids: readonly string[]): Map<string, StoryFacts>;
}

/** Consecutive days held at most: a probe's week, and a week more for items that arrive out of date order. */
const KEEP_DAYS = 14;
/**
 * Members held at most, some 25 MB of weights: a week's window of about 1,100 items a day. A window
 * holding more is answered by the store's index.
 */
const MAX_MEMBERS = 8_192;
/** Probes near each other but away from the held days after which those days are read instead. */
const MOVE_AFTER = 8;
/** Stories whose names and numbers are held; the first held go first. */
const MAX_STORY_FACTS = 4_096;

type HeldMember = Omit<RecentMember, 'indexTerms'>;

interface Day {
  members: Map<string, HeldMember>;
  indexTerms: Map<string, readonly string[]>;
  /** Term -> the ids of the members indexed under it, in descending byte order as the index keeps them. */
  postings: Map<string, string[]>;
  /** Story id -> its members this day. */
  stories: Map<string, number>;
}

interface Span {
  from: string;
  to: string;
}

/**
 * SQLite compares TEXT by its UTF-8 bytes and JavaScript by UTF-16 code units; the two orders differ
 * only where a surrogate (a code point above U+FFFF) meets a unit from U+E000 to U+FFFF.
 */
export function compareBytes(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let at = 0; at < length; at++) {
    const x = a.charCodeAt(at);
    const y = b.charCodeAt(at);
    if (x === y) continue;
    const rank = (unit: number) => (unit >= 0xd800 && unit < 0xe000 ? unit + 0x2800 : unit);
    return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** Sorts ids in place in byte order, by the plain sort when no id holds a unit where the orders differ. */
function sortBytes(ids: string[]): string[] {
  return ids.some((id) => /[\ud800-\uffff]/.test(id)) ? ids.sort(compareBytes) : ids.sort();
}

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const spanDays = (span: Span) => dayNumber(span.to) - dayNumber(span.from) + 1;
/** Overlapping, or one just after the other. */
const touches = (a: Span, b: Span) =>
  dayNumber(a.from) <= dayNumber(b.to) + 1 && dayNumber(b.from) <= dayNumber(a.to) + 1;

/**
 * The story members of a few recent consecutive days, held in memory with their weights, so that a
 * new item's candidates are found without the store's index: news is filed in date order, so nearly
 * every probe asks for the same week, and its 84 index lookups and 60 rows of weights were most of
 * filing's cost. It answers exactly as the store's index does, or not at all: a probe outside its
 * days, or a window too busy to hold, is left to the store. The store keeps it true by telling it of
 * every member it files or deletes, and drops it when a transaction fails or another connection writes.
 */
export class RecentStoryMembers {
  private readonly days = new Map<string, Day>();
  private held: Span | undefined;
  /** The days of the last run of probes left to the store, and how many there were. */
  private missed: { span: Span; probes: number } | undefined;
  private readonly byItem = new Map<string, string>();
  private readonly facts = new Map<string, StoryFacts>();

  constructor(private readonly source: RecentMembersSource) {}

  /** The probe's candidates, as `storyCandidates` gives them, or undefined when the store must answer. */
  candidates(probe: StoryProbe, limit: number): StoryCandidate[] | undefined {
    if (probe.terms.length === 0) return [];
    if (!this.hold(probe)) return undefined;
    const days = datesBetween(probe.from, probe.to).map((day) => this.days.get(day) as Day);
    const shared = new Map<string, number>();
    for (const term of probe.terms) {
      let left = probe.perTerm;
      for (const day of days) {
        for (const id of day.postings.get(term) ?? []) {
          if (left === 0) break;
          left--;
          shared.set(id, (shared.get(id) ?? 0) + 1);
        }
      }
    }
    const chosen = mostShared(shared, probe.terms.length, limit).map((id) => this.member(id));
    const storyIds = [...new Set(chosen.map((member) => member.storyId))];
    const facts = this.factsOf(storyIds);
    return candidatesFrom(
      chosen,
      storyIds.flatMap((id) => {
        const story = facts.get(id);
        if (!story) return [];
        const membersInWindow = days.reduce((sum, day) => sum + (day.stories.get(id) ?? 0), 0);
        return [{ id, names: story.names, numbers: story.numbers, membersInWindow }];
      }),
    );
  }

  /** A member the store has just filed (or filed again), with its story's names and numbers now. */
  filed(member: RecentMember, story: StoryFacts): void {
    remember(this.facts, member.storyId, story, MAX_STORY_FACTS);
    this.deleted(member.itemId);
    const day = this.days.get(member.published);
    if (!day) return;
    this.keep(day, member);
    for (const term of member.indexTerms) {
      const ids = day.postings.get(term);
      if (!ids) day.postings.set(term, [member.itemId]);
      else ids.splice(insertionPoint(ids, member.itemId), 0, member.itemId);
    }
  }

  /** A member the store has deleted. */
  deleted(itemId: string): void {
    const published = this.byItem.get(itemId);
    const day = published === undefined ? undefined : this.days.get(published);
    const member = day?.members.get(itemId);
    if (!day || !member) return;
    const indexTerms = day.indexTerms.get(itemId) ?? [];
    day.members.delete(itemId);
    day.indexTerms.delete(itemId);
    this.byItem.delete(itemId);
    const left = (day.stories.get(member.storyId) ?? 1) - 1;
    if (left === 0) day.stories.delete(member.storyId);
    else day.stories.set(member.storyId, left);
    for (const term of indexTerms) {
      const ids = day.postings.get(term);
      const at = ids?.indexOf(itemId) ?? -1;
      if (ids && at >= 0) ids.splice(at, 1);
      if (ids?.length === 0) day.postings.delete(term);
    }
  }

  /** Forgets everything: what it held may no longer be what the store holds. */
  clear(): void {
    this.days.clear();
    this.byItem.clear();
    this.facts.clear();
    this.held = undefined;
    this.missed = undefined;
  }

  /** Whether the probe's days are held, reading them if they follow on from the held ones. */
  private hold(probe: StoryProbe): boolean {
    const window: Span = { from: probe.from, to: probe.to };
    const held = this.held;
    if (held && held.from <= window.from && window.to <= held.to) return true;
    let wanted: Span;
    if (held && touches(held, window)) {
      const ends = [held.from, held.to, window.from, window.to].sort();
      wanted = { from: ends[0] as string, to: ends[3] as string };
      // Days farthest from the probe go first.
      const days = datesBetween(wanted.from, wanted.to);
      while (spanDays(wanted) > KEEP_DAYS) {
        const dropNewest =
          dayNumber(wanted.to) - dayNumber(window.to) > dayNumber(window.from) - dayNumber(wanted.from);
        if (dropNewest) days.shift();
        else days.pop();
        wanted = { from: days[days.length - 1] as string, to: days[0] as string };
      }
    } else {
      // A run of probes near each other, away from the held days: the news has moved on (a backfill,
      // or a gap in the news), and the held days follow once the run is long enough. Items in random
      // date order, and a document's few items, are left to the store rather than move them each time.
      const run = this.missed && touches(this.missed.span, window) ? this.missed : undefined;
      const ends = [window.from, window.to, ...(run ? [run.span.from, run.span.to] : [])].sort();
      const span = { from: ends[0] as string, to: ends[ends.length - 1] as string };
      const probes = run && spanDays(span) <= KEEP_DAYS ? run.probes + 1 : 1;
      this.missed = { span: probes === 1 ? window : span, probes };
      if (probes < MOVE_AFTER) return false;
      wanted = window;
    }
    if (this.source.membersBetween(wanted.from, wanted.to) > MAX_MEMBERS) {
      wanted = window;
      if (this.source.membersBetween(window.from, window.to) > MAX_MEMBERS) {
        this.dropDaysOutside(undefined);
        return false;
      }
    }
    this.dropDaysOutside(wanted);
    for (const day of datesBetween(wanted.from, wanted.to)) if (!this.days.has(day)) this.load(day);
    this.held = wanted;
    this.missed = undefined;
    return true;
  }

  private dropDaysOutside(span: Span | undefined): void {
    for (const [date, day] of this.days) {
      if (span && span.from <= date && date <= span.to) continue;
      for (const id of day.members.keys()) this.byItem.delete(id);
      this.days.delete(date);
    }
    if (!span) this.held = undefined;
  }

  private load(date: string): void {
    const day: Day = { members: new Map(), indexTerms: new Map(), postings: new Map(), stories: new Map() };
    this.days.set(date, day);
    for (const member of this.source.membersOn(date)) {
      this.keep(day, member);
      for (const term of member.indexTerms) {
        const ids = day.postings.get(term);
        if (ids) ids.push(member.itemId);
        else day.postings.set(term, [member.itemId]);
      }
    }
    for (const ids of day.postings.values()) sortBytes(ids).reverse();
  }

  private keep(day: Day, { indexTerms, ...member }: RecentMember): void {
    day.members.set(member.itemId, member);
    day.indexTerms.set(member.itemId, indexTerms);
    this.byItem.set(member.itemId, member.published);
    day.stories.set(member.storyId, (day.stories.get(member.storyId) ?? 0) + 1);
  }

  private member(id: string): HeldMember {
    return this.days.get(this.byItem.get(id) as string)?.members.get(id) as HeldMember;
  }

  private factsOf(ids: readonly string[]): Map<string, StoryFacts> {
    const found = new Map<string, StoryFacts>();
    const missing: string[] = [];
    for (const id of ids) {
      const story = this.facts.get(id);
      if (story) found.set(id, story);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const [id, story] of this.source.storyFacts(missing)) {
      remember(this.facts, id, story, MAX_STORY_FACTS);
      found.set(id, story);
    }
    return found;
  }
}

/**
 * The `limit` ids sharing most terms, ties in byte order as the index breaks them. Most ids share one
 * term, so only the groups that reach into the first `limit` are sorted.
 */
function mostShared(shared: ReadonlyMap<string, number>, most: number, limit: number): string[] {
  const groups: string[][] = Array.from({ length: most + 1 }, () => []);
  for (const [id, count] of shared) groups[count]?.push(id);
  const chosen: string[] = [];
  for (let count = most; count > 0 && chosen.length < limit; count--) {
    const group = groups[count] as string[];
    sortBytes(group);
    chosen.push(...group.slice(0, limit - chosen.length));
  }
  return chosen;
}

/** Where `id` goes in ids kept in descending byte order. */
function insertionPoint(ids: readonly string[], id: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareBytes(ids[middle] as string, id) > 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
