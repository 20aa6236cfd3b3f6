import type { Item, SourceDocument } from '../model.js';
import type { ItemStore, StoryStore } from '../store/store.js';
import { clusterItems } from '../stories/ingest.js';
import type { TopicCatalogue } from '../topics.js';
import { buildItems, documentFingerprint } from './items.js';
import type { ParsedDocument } from './parse.js';

export interface BuiltDocument {
  document: SourceDocument;
  items: Item[];
}

/** Parsed document -> document and items; the one place a worker pool would take over building. */
export type ItemBuilder = (
  parsed: ParsedDocument,
  catalogue: TopicCatalogue,
  sourceId: string,
) => BuiltDocument | Promise<BuiltDocument>;

export type PutOutcome = 'added' | 'updated' | 'unchanged';

/**
 * Where every source hands its documents to the core: a source puts what it has and removes what it
 * no longer has, and only ever touches its own documents.
 */
export class SourceIngest {
  constructor(
    private readonly store: ItemStore & StoryStore,
    private readonly catalogue: TopicCatalogue,
    private readonly clock: () => Date = () => new Date(),
    private readonly build: ItemBuilder = buildItems,
  ) {}

  /** The source's documents now stored: origin -> fingerprint. */
  known(sourceId: string): Promise<Map<string, string>> {
    return this.store.sourceDocuments(sourceId);
  }

  /** Topics among `slugs` that the catalogue lacks (a typo in front matter, or a topic not yet added). */
  unknownTopics(slugs: readonly string[]): string[] {
    return slugs.filter((slug) => !this.catalogue.get(slug));
  }

  /** Whether `stored` (a fingerprint from `known`) already is this parsed document: nothing to build. */
  isCurrent(parsed: ParsedDocument, stored: string | undefined): boolean {
    return stored === documentFingerprint(parsed, this.catalogue);
  }

  /**
   * Stores a parsed document of the source unless the stored one has the same fingerprint.
   * `stored` is the fingerprint the caller already read (from `known`), to save a query per document.
   */
  async put(
    sourceId: string,
    parsed: ParsedDocument,
    stored: string | undefined,
  ): Promise<{ outcome: PutOutcome; items: number }> {
    if (this.isCurrent(parsed, stored)) return { outcome: 'unchanged', items: 0 };
    const { document, items } = await this.build(parsed, this.catalogue, sourceId);
    const at = this.clock().toISOString();
    await this.store.replaceDocument(document, items, at);
    await clusterItems(this.store, items, at);
    return { outcome: stored === undefined ? 'added' : 'updated', items: items.length };
  }

  remove(sourceId: string, origin: string): Promise<boolean> {
    return this.store.removeDocument(sourceId, origin);
  }
}
