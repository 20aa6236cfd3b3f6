import { documentIdentity, type Item, type SourceDocument } from '../model.js';
import type { ItemStore, StoryStore } from '../store/store.js';
import { clusterItems } from '../stories/ingest.js';
import type { TopicCatalogue } from '../topics.js';
import { buildFingerprint, buildItems, documentFingerprint, storedContentId } from './items.js';
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

  /**
   * Builds again, from what is stored, the source's documents that an older topic catalogue or pipeline
   * built: a feed that answers 304 gives no text to build from, and its items must still be tagged with
   * the topics of today's catalogue. Keeps each document's text part of the fingerprint, so the entry's
   * next full answer is recognised as unchanged. Returns how many were built again.
   */
  async rebuildStale(sourceId: string, known?: Map<string, string>): Promise<number> {
    const current = buildFingerprint(this.catalogue);
    let rebuilt = 0;
    for (const [origin, fingerprint] of known ?? (await this.known(sourceId))) {
      if (fingerprint.endsWith(`:${current}`)) continue;
      const stored = await this.store.getDocument(documentIdentity(sourceId, origin));
      if (!stored) continue;
      const parsed = {
        id: storedContentId(fingerprint),
        origin,
        title: stored.title,
        source: stored.source,
        published: stored.published,
        body: stored.body,
        topics: stored.topics,
        ...(stored.url ? { url: stored.url } : {}),
      };
      if ((await this.put(sourceId, parsed, fingerprint)).outcome !== 'unchanged') rebuilt++;
    }
    return rebuilt;
  }

  remove(sourceId: string, origin: string): Promise<boolean> {
    return this.store.removeDocument(sourceId, origin);
  }
}
