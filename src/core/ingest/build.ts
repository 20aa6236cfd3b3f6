import type { Item, SourceDocument, Topic } from '../model.js';
import { TopicCatalogue } from '../topics.js';
import { buildItems, documentFingerprint } from './items.js';
import { IngestLimitError, type IngestLimits } from './limits.js';
import { type ParseProblem, parseBriefing } from './parse.js';

/** One file to turn into items: everything a worker thread needs, as plain data. */
export interface BuildTask {
  origin: string;
  bytes: Uint8Array;
  topics: readonly Topic[];
  /** The stored document's fingerprint, when there is one: unchanged files are not built again. */
  storedId?: string | undefined;
  limits: IngestLimits;
}

export type BuildOutcome =
  | { kind: 'built'; document: SourceDocument; items: Item[] }
  | { kind: 'unchanged' }
  | { kind: 'problem'; problem: ParseProblem };

let cached: TopicCatalogue | undefined;

/** The catalogue a task names, built once per catalogue rather than once per file. */
function catalogueOf(topics: readonly Topic[]): TopicCatalogue {
  const candidate = new TopicCatalogue(topics);
  if (cached?.fingerprint !== candidate.fingerprint) cached = candidate;
  return cached;
}

/**
 * Parse, check and build one file inside its own boundary: whatever goes wrong with it is a problem
 * naming the file and line, never an exception that stops the files after it.
 */
export function buildFile(task: BuildTask): BuildOutcome {
  try {
    const parsed = parseBriefing(task.origin, task.bytes, task.limits);
    if (!parsed.ok) return { kind: 'problem', problem: parsed.problem };
    const catalogue = catalogueOf(task.topics);
    if (task.storedId === documentFingerprint(parsed.document, catalogue)) return { kind: 'unchanged' };
    return { kind: 'built', ...buildItems(parsed.document, catalogue, task.limits.maxSentences) };
  } catch (error) {
    const message = (error as Error).message;
    return {
      kind: 'problem',
      problem: {
        origin: task.origin,
        line: 1,
        message: error instanceof IngestLimitError ? message : `could not be ingested: ${message}`,
      },
    };
  }
}
