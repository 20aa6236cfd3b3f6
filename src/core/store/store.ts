import type { Item, Platform, SourceDocument, StoredDocument, ThreadContext } from '../model.js';
import type { StoryIndex } from '../stories/cluster.js';
import type { DeliveryClaimStore } from './deliveries.js';
import type { FeedPollStore } from './feed-polls.js';
import type { InstanceStore } from './instances.js';
import type { StoryViewStore } from './story-views.js';
import type { SubscriptionStore } from './subscriptions.js';
import type { TopicVocabularyStore } from './topic-vocabularies.js';

export interface ItemQuery {
  /** Items tagged with any of these topic slugs. */
  topics?: string[];
  /** Free text, matched against headlines, summaries and sentences. */
  text?: string;
  /** Only items ingested at or after this instant (ISO 8601). */
  ingestedSince?: string;
}

export interface ItemHit {
  item: Item;
  /** Higher is better: the topic's tag weight, or the text match score. Comparable within one query. */
  relevance: number;
}

export interface SentenceHit {
  itemId: string;
  /** Index into the item's sentences. */
  index: number;
  /** Higher is better. */
  relevance: number;
}

export interface StoredItem extends Item {
  /**
   * When the store first saw this development (ISO 8601); digests use it to tell what is new. An
   * edit that keeps most of the item's words keeps it.
   */
  ingestedAt: string;
  /** When the item's text last changed (ISO 8601). */
  updatedAt: string;
}

/** Source id of documents stored before documents belonged to sources; the folder source adopts them. */
export const LEGACY_SOURCE_ID = 'legacy';

/** A document and the items cut out of it, as ingest hands them to the store. */
export interface DocumentItems {
  document: SourceDocument;
  items: Item[];
}

/** Documents, each owned by the source that brought it, and the items cut out of them. */
export interface ItemStore {
  /** The source's documents: origin -> fingerprint, so unchanged ones are skipped. */
  sourceDocuments(sourceId: string): Promise<Map<string, string>>;
  getDocument(id: string): Promise<StoredDocument | undefined>;
  /**
   * Atomically replaces the document (same id: same source and origin) and its items. The document
   * keeps its first-seen time; items keep theirs by `reviseItemTimes`. `now` stamps what is new or changed.
   */
  replaceDocument(document: SourceDocument, items: Item[], now: string): Promise<void>;
  /**
   * `replaceDocument` for each, in one transaction: all are stored or none (ingest writes a batch at
   * a time, since a commit costs more than a document's rows).
   */
  replaceDocuments(batch: readonly DocumentItems[], now: string): Promise<void>;
  /** Removes one of the source's documents; another source's document of the same origin stays. */
  removeDocument(sourceId: string, origin: string): Promise<boolean>;
  /**
   * Moves documents stored before sources existed (LEGACY_SOURCE_ID) to this source, keeping their
   * times, so the upgrade does not make old items look new. Returns how many moved.
   */
  adoptLegacyDocuments(sourceId: string): Promise<number>;
  /**
   * Candidates for a briefing: newest first, at most `limit`. The caller ranks them; the store only
   * has to make sure the best ones are among the candidates.
   */
  findItems(query: ItemQuery, limit: number): Promise<ItemHit[]>;
  countItems(query: ItemQuery): Promise<number>;
  /** How many distinct stories the items a query selects belong to. */
  countStories(query: ItemQuery): Promise<number>;
  getItems(ids: readonly string[]): Promise<StoredItem[]>;
  /** Sentences matching any of the words, best first; restricted to `itemIds` when given. */
  searchSentences(
    words: readonly string[],
    limit: number,
    itemIds?: readonly string[],
  ): Promise<SentenceHit[]>;
  /** Distinct topic slugs in use, with their item counts. */
  topicCounts(): Promise<Map<string, number>>;
  /** Per source id: how many of its documents the store first saw at or after `since` (ISO 8601). */
  documentsSeenSince(since: string): Promise<Map<string, number>>;
}

export interface ThreadKey {
  platform: Platform;
  channelId: string;
  threadId: string;
}

export interface ThreadStore {
  getThreadContext(key: ThreadKey): Promise<ThreadContext | undefined>;
  saveThreadContext(context: ThreadContext): Promise<void>;
  /** Forgets threads with no post or question since `before` (ISO 8601); returns how many. */
  pruneThreadContexts(before: string): Promise<number>;
}

export interface StoryOutline {
  /** The newest `published` of the story's members. */
  newest: string;
  /** Distinct outlets of its members. */
  outlets: number;
}

/** Stories: items from different outlets about one development, kept across restarts and instances. */
export interface StoryStore extends StoryIndex {
  /** Whether the item already belongs to a story (an unchanged item after an edit keeps its story). */
  storyOf(itemId: string): Promise<string | undefined>;
  /** The stored items of each story, oldest first; stories with no stored item left are absent. */
  storyMembers(storyIds: readonly string[]): Promise<Map<string, StoredItem[]>>;
  /**
   * What ranking a story needs, without reading its members: its newest member's date and how many
   * outlets its members were filed from (members leave with their items). Stories with no member are
   * absent.
   */
  storyOutlines(storyIds: readonly string[]): Promise<Map<string, StoryOutline>>;
  /**
   * Runs `work`, calls on this store, as one commit where the store can: SQLite commits a batch's
   * story filings once instead of once per item (the commit was most of their cost). `work` must
   * await only this store, so nothing else runs inside the transaction; PostgreSQL runs it as it is.
   */
  inOneCommit<T>(work: () => Promise<T>): Promise<T>;
}

export interface Store
  extends ItemStore,
    ThreadStore,
    SubscriptionStore,
    StoryStore,
    StoryViewStore,
    FeedPollStore,
    DeliveryClaimStore,
    InstanceStore,
    TopicVocabularyStore {
  close(): Promise<void>;
}
