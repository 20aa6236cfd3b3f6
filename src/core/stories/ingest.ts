import type { Item } from '../model.js';
import type { StoryStore } from '../store/store.js';
import { assignStory, STORY_THRESHOLDS, type StoryAssignment } from './cluster.js';
import { type StoryInput, type StorySignature, signatureOf } from './signature.js';

/** A document's title heads its first item; later items are headed by their own headline. */
export function itemTitle(item: Pick<Item, 'position' | 'documentTitle' | 'headline'>): string {
  return item.position === 0 && item.documentTitle.trim() !== '' ? item.documentTitle : item.headline;
}

export function storyInput(item: Item): StoryInput {
  return {
    itemId: item.id,
    documentId: item.documentId,
    outlet: item.source,
    published: item.published,
    title: itemTitle(item),
    text: item.sentences.map((sentence) => sentence.text).join(' '),
    entities: item.entities,
  };
}

/** What filing compares each item by: pure work, done where the items are built (a worker thread). */
export function storySignatures(items: readonly Item[]): StorySignature[] {
  return items.map((item) => signatureOf(storyInput(item)));
}

/**
 * Puts a stored document's new items into stories, one at a time so a document's own items can meet
 * each other. Items that kept their id through an edit keep their story. `signatures`, when given,
 * are storySignatures(items).
 */
export async function clusterItems(
  store: StoryStore,
  items: readonly Item[],
  at: string,
  signatures?: readonly StorySignature[],
): Promise<StoryAssignment[]> {
  const assignments: StoryAssignment[] = [];
  for (const [index, item] of items.entries()) {
    if ((await store.storyOf(item.id)) !== undefined) continue;
    const input = storyInput(item);
    const signature = signatures?.[index] ?? signatureOf(input);
    assignments.push(await assignStory(store, input, at, STORY_THRESHOLDS, signature));
  }
  return assignments;
}
