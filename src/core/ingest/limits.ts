/**
 * What one document may cost ingest. A document past a limit is reported with its file and skipped:
 * it never stops the others, nor holds the event loop.
 */
export interface IngestLimits {
  /** INGEST_MAX_FILE_SIZE: bytes read from one file. */
  maxFileBytes: number;
  /** INGEST_MAX_SENTENCES: sentences in one document. */
  maxSentences: number;
  /** INGEST_MAX_YAML_ALIASES: aliases resolved in one front matter (a "billion laughs" bomb has millions). */
  maxYamlAliases: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxFileBytes: 2 * 1024 * 1024,
  maxSentences: 20_000,
  maxYamlAliases: 100,
};

/** A document past one of the limits; its message names the limit's variable. */
export class IngestLimitError extends Error {
  override readonly name = 'IngestLimitError';
}
