import type { Reply, ReplySection } from '../../reply.js';
import { itemSection } from '../briefing.js';
import type { Item } from '../model.js';
import type { ItemStore, StoredItem } from '../store/store.js';
import type { Subscription } from '../store/subscriptions.js';
import type { TopicCatalogue } from '../topics.js';
import { formatLocal } from './local-time.js';

/** Items a digest shows; renderers may cut further to fit a platform and say how many. */
export const DIGEST_SIZE = 10;
/** Items considered per digest: a day's news on a few topics, with room to spare. */
const CANDIDATES = 300;
/** A first digest looks back this far. */
export const FIRST_DIGEST_LOOKBACK_MS = 24 * 3_600_000;

export interface DigestDeps {
  store: ItemStore;
  catalogue: TopicCatalogue;
}

export interface DigestWindow {
  /** Items ingested at or after this instant (ISO 8601)... */
  since: string;
  /** ...and before this one: the next digest starts here, so nothing is shown twice or lost. */
  until: string;
  /** When the digest was due, if it is posted late (after a restart). */
  lateFor?: string;
}

/** Where a subscription's next digest starts: its last digest's end, or a day back for the first. */
export async function digestWindowStart(
  store: { lastDigestWindowEnd(id: string): Promise<string | undefined> },
  subscription: Subscription,
  until: Date,
): Promise<string> {
  const last = await store.lastDigestWindowEnd(subscription.id);
  return last ?? new Date(until.getTime() - FIRST_DIGEST_LOOKBACK_MS).toISOString();
}

export function topicLabels(catalogue: TopicCatalogue, topics: readonly string[]): string {
  return topics.map((slug) => catalogue.get(slug)?.label ?? slug).join(', ');
}

/**
 * The digest a subscription gets for a window: new items grouped by topic, newest first, with a
 * thread for follow-ups. Nothing new gives one line, or undefined for a quiet subscription.
 */
export async function composeDigest(
  deps: DigestDeps,
  subscription: Subscription,
  window: DigestWindow,
): Promise<Reply | undefined> {
  return digestReply(deps, subscription, window, await freshItems(deps.store, subscription.topics, window));
}

function digestReply(
  deps: DigestDeps,
  subscription: Subscription,
  window: DigestWindow,
  fresh: StoredItem[],
  /** How many items are new, when `fresh` holds only those that can be shown (`showable`). */
  total = fresh.length,
): Reply | undefined {
  const { topics, timezone } = subscription;
  const labels = topicLabels(deps.catalogue, topics);
  const since = `${formatLocal(new Date(window.since), timezone)} (${timezone})`;
  const late = window.lateFor ? `Late (was due ${formatLocal(new Date(window.lateFor), timezone)}). ` : '';
  if (fresh.length === 0) {
    if (subscription.quiet) return undefined;
    return {
      kind: 'digest',
      audience: 'channel',
      title: `${late}No new developments on ${labels} since ${since}`,
      sections: [],
    };
  }
  const groups = groupByTopic(deps.catalogue, fresh, topics);
  const shown = fairShare(groups, DIGEST_SIZE);
  const grouped = groups.size > 1;
  const sections: ReplySection[] = [...shown].flatMap(([slug, items]) =>
    items.map((item) => {
      const section = itemSection(item);
      const label = deps.catalogue.get(slug)?.label ?? slug;
      return grouped ? { ...section, heading: `${label} · ${section.heading}` } : section;
    }),
  );
  const count = `${total} new ${total === 1 ? 'item' : 'items'}`;
  return {
    kind: 'digest',
    audience: 'channel',
    title: `Daily digest: ${labels}`,
    intro: `${late}${count} since ${since}`,
    sections,
    ...(total > sections.length
      ? { more: { count: total - sections.length, hint: `{/brief ${topics[0]}} for more` } }
      : {}),
    thread: {
      itemIds: sections.flatMap((section) => section.itemId ?? []),
      ...(topics.length === 1 && topics[0] ? { topic: topics[0] } : {}),
    },
  };
}

/** The window's items on the topics, newest first, one per story. */
async function freshItems(
  store: ItemStore,
  topics: readonly string[],
  window: DigestWindow,
): Promise<StoredItem[]> {
  const hits = await store.findItems({ topics: [...topics], ingestedSince: window.since }, CANDIDATES);
  // The SQLite and PostgreSQL stores return whole stored rows, ingestion time included: read once.
  // A store whose hits lack it has them read again by id.
  const missing = hits.filter((hit) => !isStored(hit.item)).map((hit) => hit.item.id);
  const reread = new Map((await store.getItems(missing)).map((item) => [item.id, item]));
  const stored = hits.flatMap((hit) => (isStored(hit.item) ? [hit.item] : (reread.get(hit.item.id) ?? [])));
  // The store filters by ingestion time from below only; the upper bound keeps an item ingested
  // while this digest is composed for the next one rather than in both.
  return onePerStory(stored.filter((item) => item.ingestedAt < window.until).sort(newestFirst));
}

function isStored(item: Item): item is StoredItem {
  return typeof (item as Partial<StoredItem>).ingestedAt === 'string';
}

/**
 * Compositions kept for sharing: the most recent ones, since the subscriptions that share one are due
 * together; the cap keeps a firing of thousands of different topic sets from holding every reply.
 */
const SHARED_COMPOSITIONS = 2_048;

function remember<V>(memo: Map<string, V>, key: string, value: V): void {
  memo.set(key, value);
  if (memo.size > SHARED_COMPOSITIONS) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
}

/**
 * Shares compositions among the subscriptions of one firing: those with the same topics, window,
 * zone and quiet flag get the same reply object (posting stays per channel), composed once. Entries
 * are kept while any composition is under way and dropped once the batch is over (`clear`).
 */
export class DigestComposer {
  private readonly memo = new Map<string, Promise<Reply | undefined>>();
  /**
   * The items of a topics+window, shared across zones and quiet flags (which only change the wording);
   * only those a digest can show are kept, so a firing's memo stays small however many items are new.
   */
  private readonly items = new Map<string, Promise<{ shown: StoredItem[]; total: number }>>();
  /** How many compositions actually ran (the rest were shared): for tests and logs. */
  composed = 0;

  constructor(private readonly deps: DigestDeps) {}

  compose(subscription: Subscription, window: DigestWindow): Promise<Reply | undefined> {
    const key = JSON.stringify([
      subscription.topics,
      window.since,
      window.until,
      window.lateFor ?? null,
      subscription.timezone,
      subscription.quiet,
    ]);
    let reply = this.memo.get(key);
    if (!reply) {
      this.composed += 1;
      const itemsKey = JSON.stringify([subscription.topics, window.since, window.until]);
      let items = this.items.get(itemsKey);
      if (!items) {
        items = freshItems(this.deps.store, subscription.topics, window).then((fresh) => ({
          shown: showable(this.deps.catalogue, fresh, subscription.topics),
          total: fresh.length,
        }));
        items.catch(() => this.items.delete(itemsKey));
        remember(this.items, itemsKey, items);
      }
      reply = items.then(({ shown, total }) => digestReply(this.deps, subscription, window, shown, total));
      // A failed composition is not shared with later subscriptions: they try again.
      reply.catch(() => this.memo.delete(key));
      remember(this.memo, key, reply);
    }
    return reply;
  }

  /** Ends the batch: later compositions read the store afresh. */
  clear(): void {
    this.memo.clear();
    this.items.clear();
  }
}

function newestFirst(a: StoredItem, b: StoredItem): number {
  return (
    b.published.localeCompare(a.published) ||
    b.ingestedAt.localeCompare(a.ingestedAt) ||
    a.documentId.localeCompare(b.documentId) ||
    a.position - b.position
  );
}

/** The same development from several sources is shown once. */
function onePerStory(items: StoredItem[]): StoredItem[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.storyKey) && seen.add(item.storyKey));
}

/**
 * Each item under the most specific subscribed topic it is tagged with (an aid item also carries its
 * parent "gaza", but belongs under aid), the strongest tag if several. Groups in the order typed.
 */
function groupByTopic(
  catalogue: TopicCatalogue,
  items: StoredItem[],
  topics: readonly string[],
): Map<string, StoredItem[]> {
  const groups = new Map<string, StoredItem[]>(topics.map((slug) => [slug, []]));
  for (const item of items) {
    const tagged = item.topics.filter((topic) => groups.has(topic));
    const specific = tagged.filter(
      (slug) => !tagged.some((other) => catalogue.ancestors(other).includes(slug)),
    );
    groups.get(specific[0] ?? topics[0] ?? '')?.push(item);
  }
  for (const [slug, members] of groups) if (members.length === 0) groups.delete(slug);
  return groups;
}

/** The items a digest on `topics` can show: the first DIGEST_SIZE of each topic group, in order. */
function showable(catalogue: TopicCatalogue, fresh: StoredItem[], topics: readonly string[]): StoredItem[] {
  const kept = new Set(
    [...groupByTopic(catalogue, fresh, topics).values()].flatMap((g) => g.slice(0, DIGEST_SIZE)),
  );
  return fresh.filter((item) => kept.has(item));
}

/** At most `size` items, taken a round at a time so one busy topic cannot crowd out the others. */
function fairShare(groups: Map<string, StoredItem[]>, size: number): Map<string, StoredItem[]> {
  const taken = new Map<string, StoredItem[]>([...groups.keys()].map((slug) => [slug, []]));
  for (let round = 0, total = 0; total < size; round++) {
    let progressed = false;
    for (const [slug, items] of groups) {
      const item = items[round];
      if (item && total < size) {
        taken.get(slug)?.push(item);
        total++;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return taken;
}
