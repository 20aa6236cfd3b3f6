import type { Topic } from '../model.js';
import { storySignatures } from '../stories/ingest.js';
import { TopicCatalogue } from '../topics.js';
import { buildItems } from './items.js';
import { IngestLimitError } from './limits.js';
import type { ParsedDocument } from './parse.js';
import type { BuiltDocument } from './source-ingest.js';

/** One parsed document to turn into items: everything a worker thread needs, as plain data. */
export interface BuildTask {
  parsed: ParsedDocument;
  topics: readonly Topic[];
  /** The catalogue's fingerprint, so a thread builds its catalogue only when the topics change. */
  catalogue: string;
  sourceId: string;
  maxSentences: number;
}

export type BuildOutcome =
  | ({ kind: 'built' } & BuiltDocument)
  /** `limit`: the document is past one of the ingest limits, and the message names its variable. */
  | { kind: 'failed'; message: string; limit: boolean };

let cached: TopicCatalogue | undefined;

/** The catalogue a task names, built once per catalogue rather than once per file. */
function catalogueOf(task: BuildTask): TopicCatalogue {
  if (cached?.fingerprint !== task.catalogue) cached = new TopicCatalogue(task.topics);
  return cached;
}

/** Builds one document inside its own boundary: what goes wrong comes back as a message, never thrown. */
export function buildTask(task: BuildTask): BuildOutcome {
  try {
    const built = buildItems(task.parsed, catalogueOf(task), task.sourceId, task.maxSentences);
    // Made here, off the main thread, which files the items into stories while threads build.
    return { kind: 'built', ...built, signatures: storySignatures(built.items) };
  } catch (error) {
    return { kind: 'failed', message: (error as Error).message, limit: error instanceof IngestLimitError };
  }
}
