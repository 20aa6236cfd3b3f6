/**
 * The topic vocabulary learned from stored items (see topic-vocabulary.ts), kept so that a restart
 * carries on from it. One per database: instances sharing one each save what they learned, the last
 * save standing, as it is a statistic of the same news.
 */
export interface TopicVocabularyStore {
  /** The last snapshot saved, if any. */
  loadTopicVocabulary(): Promise<string | undefined>;
  saveTopicVocabulary(snapshot: string, at: string): Promise<void>;
}

export function topicVocabularyMigration(time: 'TEXT' | 'TIMESTAMPTZ'): string {
  return `CREATE TABLE topic_vocabulary (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     snapshot TEXT NOT NULL,
     saved_at ${time} NOT NULL
   );`;
}

/** Both stores' upsert of the one row, with their own placeholders. */
export function saveTopicVocabularySql(placeholder: (index: number) => string): string {
  return `INSERT INTO topic_vocabulary (id, snapshot, saved_at) VALUES (1, ${placeholder(1)}, ${placeholder(2)})
     ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, saved_at = excluded.saved_at`;
}
