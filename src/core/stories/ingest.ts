import type { Item } from '../model.js';
import type { StoryStore } from '../store/store.js';
import { assignStory, type StoryAssignment } from './cluster.js';
import type { StoryInput } from './signature.js';

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

/**
 * Puts a stored document's new items into stories, one at a time so a document's own items can meet
 * each other. Items that kept their id through an edit keep their story.
 */
export async function clusterItems(
  store: StoryStore,
  items: readonly Item[],
  at: string,
): Promise<StoryAssignment[]> {
  const assignments: StoryAssignment[] = [];
  for (const item of items) {
    if ((await store.storyOf(item.id)) !== undefined) continue;
    assignments.push(await assignStory(store, storyInput(item), at));
  }
  return assignments;
}
