import type { Item } from '../model.js';

/** An item the store held for a document before this revision of it. */
export interface PreviousItem {
  id: string;
  /** First seen (ISO 8601). */
  ingestedAt: string;
  updatedAt: string;
  /** Its sentences' text, joined. */
  text: string;
}

export interface ItemTimes {
  /** When the development was first seen: digests count an item as new only from here. */
  ingestedAt: string;
  /** When its text last changed. */
  updatedAt: string;
}

/**
 * Share of words an edited item must keep to count as the same development revised rather than a
 * new one: a one-word edit of a long paragraph keeps nearly all, a new paragraph shares only the
 * topic's vocabulary.
 */
const SAME_ITEM_WORD_SHARE = 0.5;

/**
 * First-seen and updated times for a document's items after an edit. An item whose sentences did not
 * change keeps its id and both times; an item whose words mostly survive is the same development
 * revised: it keeps its first-seen time and is updated now; anything else is new.
 */
export function reviseItemTimes(
  previous: readonly PreviousItem[],
  items: readonly Item[],
  now: string,
): Map<string, ItemTimes> {
  const times = new Map<string, ItemTimes>();
  const unmatched = new Map(previous.map((item) => [item.id, item]));
  for (const item of items) {
    const same = unmatched.get(item.id);
    if (!same) continue;
    times.set(item.id, { ingestedAt: same.ingestedAt, updatedAt: same.updatedAt });
    unmatched.delete(item.id);
  }
  const rest = items.filter((item) => !times.has(item.id));
  // A new document has no predecessors to compare words with: the main thread's commonest case.
  const pairs = (unmatched.size === 0 ? [] : rest).flatMap((item) => {
    const words = wordSet(item.sentences.map((sentence) => sentence.text).join(' '));
    return [...unmatched.values()].map((old) => ({ item, old, share: jaccard(words, wordSet(old.text)) }));
  });
  // Best pairs first, each side used once: two edited paragraphs do not both claim one predecessor.
  pairs.sort((a, b) => b.share - a.share);
  for (const { item, old, share } of pairs) {
    if (share < SAME_ITEM_WORD_SHARE) break;
    if (times.has(item.id) || !unmatched.has(old.id)) continue;
    times.set(item.id, { ingestedAt: old.ingestedAt, updatedAt: now });
    unmatched.delete(old.id);
  }
  for (const item of rest) if (!times.has(item.id)) times.set(item.id, { ingestedAt: now, updatedAt: now });
  return times;
}

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}
