import { documentIdentity } from '../model.js';
import type { DocumentItems, ItemStore, StoryStore } from '../store/store.js';
import type { TopicVocabularyStore } from '../store/topic-vocabularies.js';
import { clusterItems, storySignatures } from '../stories/ingest.js';
import type { StorySignature } from '../stories/signature.js';
import { TopicVocabulary } from '../topic-vocabulary.js';
import type { TopicCatalogue } from '../topics.js';
import { buildFingerprint, buildItems, documentFingerprint, storedContentId } from './items.js';
import type { ParsedDocument } from './parse.js';

/** A document built for storing; `signatures` (storySignatures of its items) when the builder made them. */
export interface BuiltDocument extends DocumentItems {
  signatures?: StorySignature[] | undefined;
}

/** Parsed document -> document and items; the one place a worker pool would take over building. */
export type ItemBuilder = (
  parsed: ParsedDocument,
  catalogue: TopicCatalogue,
  sourceId: string,
) => BuiltDocument | Promise<BuiltDocument>;

export type PutOutcome = 'added' | 'updated' | 'unchanged';

/** A parsed document with the fingerprint stored for it, if any (from `known`). */
export interface StoredAs {
  parsed: ParsedDocument;
  stored: string | undefined;
}

/** What became of one document handed to an IngestBatch. */
export type PutResult = { ok: true; outcome: PutOutcome; items: number } | { ok: false; error: unknown };

/**
 * Documents per write transaction. A commit (SQLite flushes its full-text index at each) costs more
 * than a document's rows: on 1,000 documents, 25 to a transaction took the store's share from 1.5 to
 * 0.9 CPU-seconds, and 100 saved little more.
 */
export const WRITE_BATCH = 25;

/** Items learned from between saves of the topic vocabulary: a save writes it whole. */
const VOCABULARY_SAVE_EVERY = 500;

/**
 * Where every source hands its documents to the core: a source puts what it has and removes what it
 * no longer has, and only ever touches its own documents.
 */
export class SourceIngest {
  /** One for every source, so what a feed teaches also tags the folder's documents. */
  private readonly vocabulary: TopicVocabulary;
  /** What `vocabulary.learned` was at its last save. */
  private vocabularySavedAt = 0;

  constructor(
    private readonly store: ItemStore & StoryStore & TopicVocabularyStore,
    private readonly catalogue: TopicCatalogue,
    private readonly clock: () => Date = () => new Date(),
    private readonly build: ItemBuilder = buildItems,
  ) {
    this.vocabulary = new TopicVocabulary(catalogue);
  }

  /**
   * Carries on from the topic vocabulary the store kept, if any. Returns why a kept one could not be
   * read (it is then learned again from the next items).
   */
  async restoreVocabulary(): Promise<string | undefined> {
    const snapshot = await this.store.loadTopicVocabulary();
    return snapshot === undefined ? undefined : this.vocabulary.restore(snapshot);
  }

  /** Keeps what the topic vocabulary learned since it was last kept. */
  async saveVocabulary(): Promise<void> {
    const learned = this.vocabulary.learned;
    if (learned === this.vocabularySavedAt) return;
    await this.store.saveTopicVocabulary(this.vocabulary.snapshot(), this.clock().toISOString());
    this.vocabularySavedAt = learned;
  }

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
   * Stores the source's documents, in order, each unless the stored one (`stored`, the fingerprint the
   * caller read from `known`) is the same. Every document that can be stored is; then the first
   * failure, if any, is thrown.
   */
  async putAll(
    sourceId: string,
    documents: Iterable<StoredAs> | AsyncIterable<StoredAs>,
  ): Promise<{ added: number; updated: number }> {
    const counts = { added: 0, updated: 0 };
    const failures: unknown[] = [];
    const batch = this.batch(sourceId);
    for await (const { parsed, stored } of documents)
      await batch.put(parsed, stored, (result) => {
        if (!result.ok) failures.push(result.error);
        else if (result.outcome !== 'unchanged') counts[result.outcome]++;
      });
    await batch.flush();
    if (failures.length > 0) throw failures[0];
    return counts;
  }

  /** Puts many documents of one source, building side by side and writing a batch at a time. */
  batch(sourceId: string): IngestBatch {
    return new IngestBatch({
      isCurrent: (parsed, stored) => this.isCurrent(parsed, stored),
      build: (parsed) => this.build(parsed, this.catalogue, sourceId),
      write: (built) => this.write(built),
    });
  }

  /**
   * Builds again, from what is stored, the source's documents that an older topic catalogue or pipeline
   * built: a feed that answers 304 gives no text to build from, and its items must still be tagged with
   * the topics of today's catalogue. Keeps each document's text part of the fingerprint, so the entry's
   * next full answer is recognised as unchanged. Returns how many were built again.
   */
  async rebuildStale(sourceId: string, known?: Map<string, string>): Promise<number> {
    const current = buildFingerprint(this.catalogue);
    const stale = async function* (this: SourceIngest): AsyncGenerator<StoredAs> {
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
        yield { parsed, stored: fingerprint };
      }
    };
    const { added, updated } = await this.putAll(sourceId, stale.call(this));
    return added + updated;
  }

  remove(sourceId: string, origin: string): Promise<boolean> {
    return this.store.removeDocument(sourceId, origin);
  }

  /**
   * Stores built documents in one transaction (one by one if it fails, so a document that cannot be
   * stored fails alone), then files their items into stories, in the order given and in one commit.
   * Returns, per document, what went wrong or undefined.
   */
  private async write(documents: readonly BuiltDocument[]): Promise<unknown[]> {
    const at = this.clock().toISOString();
    // In storing order, on this thread: the vocabulary learns from each item before the next is tagged.
    const built = documents.map((one) => retagged(one, this.vocabulary));
    const errors: unknown[] = built.map(() => undefined);
    try {
      await this.store.replaceDocuments(built, at);
    } catch (error) {
      if (built.length === 1) return [error];
      for (const [index, one] of built.entries())
        await this.store.replaceDocument(one.document, one.items, at).catch((failed: unknown) => {
          errors[index] = failed;
        });
    }
    await this.store.inOneCommit(async () => {
      for (const [index, { items, signatures }] of built.entries()) {
        if (errors[index] !== undefined) continue;
        await clusterItems(this.store, items, at, signatures).catch((failed: unknown) => {
          errors[index] = failed;
        });
      }
    });
    // A failed save is tried again at the next, and at stop, where a failure is reported: the items
    // themselves are stored.
    if (this.vocabulary.learned - this.vocabularySavedAt >= VOCABULARY_SAVE_EVERY)
      await this.saveVocabulary().catch(() => {});
    return errors;
  }
}

/** The document with its items' topics as the vocabulary judges them, and the signatures it read. */
function retagged(built: BuiltDocument, vocabulary: TopicVocabulary): BuiltDocument {
  const signatures = built.signatures ?? storySignatures(built.items);
  const items = built.items.map((item, index) => ({
    ...item,
    topics: vocabulary.retag(item.topics, built.document.topics, signatures[index]?.terms ?? new Map()),
  }));
  return { ...built, items, signatures };
}

interface Pending {
  stored: string | undefined;
  built: Promise<BuiltDocument>;
  settle: (result: PutResult) => void;
}

interface BatchSteps {
  isCurrent(parsed: ParsedDocument, stored: string | undefined): boolean;
  build(parsed: ParsedDocument): BuiltDocument | Promise<BuiltDocument>;
  write(built: readonly BuiltDocument[]): Promise<unknown[]>;
}

/**
 * Documents of one source, in order: each is built as soon as it is put (a worker pool builds several
 * at once), and they are written WRITE_BATCH to a transaction while the next batch builds. `put`
 * resolves when the batch can take another document, so a large folder is never all in memory;
 * `settle` hears what became of the document once it is stored or has failed.
 */
export class IngestBatch {
  private open: Pending[] = [];
  /** Batches handed to writing and not yet written, oldest first. */
  private readonly writing: Promise<void>[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly steps: BatchSteps) {}

  async put(parsed: ParsedDocument, stored: string | undefined, settle: (result: PutResult) => void) {
    if (this.steps.isCurrent(parsed, stored)) {
      settle({ ok: true, outcome: 'unchanged', items: 0 });
      return;
    }
    const built = (async () => this.steps.build(parsed))();
    // Seen by the write step; unobserved until then.
    built.catch(() => {});
    this.open.push({ stored, built, settle });
    if (this.open.length < WRITE_BATCH) return;
    this.close();
    // One batch writing and one building: the next put waits for the older to be written.
    while (this.writing.length > 1) await this.writing[0];
  }

  /** Resolves once every document put so far is stored or has failed. */
  async flush(): Promise<void> {
    if (this.open.length > 0) this.close();
    await this.chain;
  }

  private close(): void {
    const batch = this.open;
    this.open = [];
    // Batches write one after another, in the order they were put. writeBatch settles every document
    // itself, so the chain rejects only if a settle callback throws, and then flush says so.
    const written = this.chain.then(() => this.writeBatch(batch));
    this.chain = written;
    this.writing.push(written);
    void written.then(() => this.writing.splice(this.writing.indexOf(written), 1));
  }

  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    const outcomes = await Promise.allSettled(batch.map((pending) => pending.built));
    const built: BuiltDocument[] = [];
    const builtFrom: Pending[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      const pending = batch[index] as Pending;
      if (outcome.status === 'rejected') pending.settle({ ok: false, error: outcome.reason });
      else {
        built.push(outcome.value);
        builtFrom.push(pending);
      }
    }
    if (built.length === 0) return;
    const errors = await this.steps
      .write(built)
      .catch((error: unknown) => built.map(() => error ?? new Error('writing failed')));
    for (const [index, pending] of builtFrom.entries()) {
      const error = errors[index];
      const document = built[index] as BuiltDocument;
      pending.settle(
        error === undefined
          ? {
              ok: true,
              outcome: pending.stored === undefined ? 'added' : 'updated',
              items: document.items.length,
            }
          : { ok: false, error },
      );
    }
  }
}
