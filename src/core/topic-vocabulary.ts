import { z } from 'zod';
import type { TopicCatalogue } from './topics.js';

// Chosen on the BBC set and checked on the AllSides roundups (docs/performance.md, "Topic tags").
/** A topic is weighed only once the rules have tagged this many items with it. */
const MIN_EXAMPLES = 3;
/** An untagged item takes a topic its wording gives this share of the likelihood to, if it resembles it. */
const FILL_SHARE = 0.9;
/**
 * How many tokens of all items' wording a topic's counts are smoothed with, when an item is compared
 * with the topic and with all items: a word the topic's items lack then counts against it.
 */
const BACKGROUND_PRIOR = 1_000;
/** Laplace smoothing: an unseen term counts as if seen once. */
const SMOOTHING = 1;
/** Terms kept per topic, so a vocabulary a year of news has fed stays a few megabytes. */
const MAX_TERMS = 5_000;
/** Terms kept of all items' wording, which an untagged item is compared with. */
const MAX_BACKGROUND_TERMS = 20_000;

const CountsSchema = z.object({
  items: z.number().nonnegative(),
  tokens: z.number().nonnegative(),
  terms: z.array(z.tuple([z.string(), z.number().nonnegative()])),
});

/** A vocabulary as the store keeps it: version 1. */
const SnapshotSchema = z.object({
  version: z.literal(1),
  all: CountsSchema,
  topics: z.record(z.string(), CountsSchema),
});

/** Shares of an item tagged with three topics do not need more than this in a snapshot. */
const round = (value: number) => Math.round(value * 1000) / 1000;

/** How often each term occurs in the items of one topic (or of all items). */
class TermCounts {
  items = 0;
  tokens = 0;
  readonly terms = new Map<string, number>();

  constructor(private readonly limit: number) {}

  static from(limit: number, saved: z.infer<typeof CountsSchema>): TermCounts {
    const counts = new TermCounts(limit);
    counts.items = saved.items;
    counts.tokens = saved.tokens;
    for (const [term, count] of saved.terms) counts.terms.set(term, count);
    return counts;
  }

  toJSON(): z.infer<typeof CountsSchema> {
    return {
      items: round(this.items),
      tokens: round(this.tokens),
      terms: [...this.terms].map(([term, count]) => [term, round(count)]),
    };
  }

  add(terms: ReadonlyMap<string, number>, share: number): void {
    this.items += share;
    for (const [term, count] of terms) {
      this.terms.set(term, (this.terms.get(term) ?? 0) + count * share);
      this.tokens += count * share;
    }
    if (this.terms.size > this.limit) this.forgetRarest();
  }

  /** Natural log of P(terms | these items), each term smoothed against a vocabulary of `size`. */
  logLikelihood(terms: ReadonlyMap<string, number>, size: number): number {
    let sum = 0;
    const denominator = Math.log(this.tokens + SMOOTHING * size);
    for (const [term, count] of terms)
      sum += count * (Math.log((this.terms.get(term) ?? 0) + SMOOTHING) - denominator);
    return sum;
  }

  /** Drops the rarer half: rare terms say least of a topic, and the counts must not grow without end. */
  private forgetRarest(): void {
    const rarest = [...this.terms].sort((a, b) => a[1] - b[1]).slice(0, Math.floor(this.terms.size / 2));
    for (const [term] of rarest) this.terms.delete(term);
  }
}

/**
 * What each topic's items are worded like, learned as items are stored (naive Bayes over their story
 * terms), with the catalogue's rules as the only teacher: it learns from the rules' tags, never from
 * its own. It mends the rules where a keyword misleads:
 * - an item the rules tag with several topics keeps the likeliest, and those others whose items it
 *   resembles more than all items ("the striker shares the league lead" stays under football, not
 *   markets);
 * - an item the rules leave untagged, since it names no keyword, takes the topic its wording is most
 *   likely under, if it resembles that topic's items more than all items. An item about nothing in the
 *   catalogue resembles none, and stays untagged.
 * Held in memory by the process that stores items, and kept in the store (`snapshot`) so that a
 * restart does not begin again from nothing.
 */
export class TopicVocabulary {
  private topics = new Map<string, TermCounts>();
  private all = new TermCounts(MAX_BACKGROUND_TERMS);
  private learnedItems = 0;

  constructor(private readonly catalogue: TopicCatalogue) {}

  /** Items learned from since this process began: how a caller knows the snapshot it holds is old. */
  get learned(): number {
    return this.learnedItems;
  }

  /** Everything learned so far, as JSON. */
  snapshot(): string {
    const topics = Object.fromEntries([...this.topics].map(([slug, counts]) => [slug, counts.toJSON()]));
    return JSON.stringify({ version: 1, all: this.all.toJSON(), topics });
  }

  /**
   * Takes up what a snapshot holds, in place of what is learned. A snapshot that does not parse is
   * left alone (it is only ever learned again), and the reason is returned.
   */
  restore(snapshot: string): string | undefined {
    let parsed: z.infer<typeof SnapshotSchema>;
    try {
      parsed = SnapshotSchema.parse(JSON.parse(snapshot));
    } catch (error) {
      return error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    }
    this.all = TermCounts.from(MAX_BACKGROUND_TERMS, parsed.all);
    this.topics = new Map(
      Object.entries(parsed.topics).map(([slug, counts]) => [slug, TermCounts.from(MAX_TERMS, counts)]),
    );
    return undefined;
  }

  /**
   * The item's topics, strongest first, given the rules' tags (`tagged`, with their ancestors),
   * those its author assigned (`assigned`, never dropped) and its story terms. Then learns from it.
   */
  retag(
    tagged: readonly string[],
    assigned: readonly string[],
    terms: ReadonlyMap<string, number>,
  ): string[] {
    const shares = this.shares(terms);
    const result = shares.size < 2 ? [...tagged] : this.judge(tagged, assigned, terms, shares);
    this.learn(tagged, terms);
    return result;
  }

  private judge(
    tagged: readonly string[],
    assigned: readonly string[],
    terms: ReadonlyMap<string, number>,
    shares: ReadonlyMap<string, number>,
  ): string[] {
    if (tagged.length === 0) {
      const [best, share] = [...shares].reduce((a, b) => (b[1] > a[1] ? b : a));
      if (share < FILL_SHARE || !this.resembles(best, terms)) return [];
      return [best, ...this.catalogue.ancestors(best)];
    }
    if (tagged.length === 1) return [...tagged];
    const likeliest = tagged.reduce((a, b) => ((shares.get(b) ?? 0) > (shares.get(a) ?? 0) ? b : a));
    // Naive Bayes is sure of one topic for nearly any text, so the others are judged on resemblance,
    // which keeps topics that overlap (an item on a Gaza ceasefire reads like Gaza and Israel items).
    const kept = tagged.filter(
      (slug) =>
        slug === likeliest || assigned.includes(slug) || !shares.has(slug) || this.resembles(slug, terms),
    );
    const withAncestors = new Set([...kept, ...kept.flatMap((slug) => this.catalogue.ancestors(slug))]);
    return tagged.filter((slug) => withAncestors.has(slug));
  }

  /** Each topic with enough examples and still in the catalogue -> its share of the likelihood. */
  private shares(terms: ReadonlyMap<string, number>): Map<string, number> {
    const size = this.all.terms.size + 1;
    const scores: [string, number][] = [];
    for (const [slug, counts] of this.topics) {
      if (counts.items < MIN_EXAMPLES || !this.catalogue.get(slug)) continue;
      scores.push([slug, Math.log(counts.items) + counts.logLikelihood(terms, size)]);
    }
    const top = Math.max(...scores.map(([, score]) => score));
    const total = scores.reduce((sum, [, score]) => sum + Math.exp(score - top), 0);
    return new Map(scores.map(([slug, score]) => [slug, Math.exp(score - top) / total]));
  }

  /** Whether the item's words are likelier in the topic's items than in all items. */
  private resembles(slug: string, terms: ReadonlyMap<string, number>): boolean {
    const counts = this.topics.get(slug);
    if (!counts) return false;
    let ratio = 0;
    for (const [term, count] of terms) {
      const seen = this.all.terms.get(term);
      // A word new to the bot says nothing of either.
      if (seen === undefined) continue;
      const everywhere = seen / this.all.tokens;
      const inTopic =
        ((counts.terms.get(term) ?? 0) + BACKGROUND_PRIOR * everywhere) / (counts.tokens + BACKGROUND_PRIOR);
      ratio += count * Math.log(inTopic / everywhere);
    }
    return ratio > 0;
  }

  /** An item tagged with several topics counts a share towards each. */
  private learn(tagged: readonly string[], terms: ReadonlyMap<string, number>): void {
    this.learnedItems++;
    this.all.add(terms, 1);
    for (const slug of tagged) {
      const counts = this.topics.get(slug) ?? new TermCounts(MAX_TERMS);
      this.topics.set(slug, counts);
      counts.add(terms, 1 / tagged.length);
    }
  }
}
