import type { StoredDocument } from '../model.js';

/** A documents row as either driver returns it: SQLite gives text, PostgreSQL Dates and parsed JSON. */
export interface DocumentRow {
  id: string;
  source_id: string;
  origin: string;
  fingerprint: string;
  title: string;
  source: string;
  url: string | null;
  published: string;
  body: string;
  topics: string | string[];
  first_seen: string | Date;
  updated_at: string | Date;
}

export function isoTime(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

export function toDocument(row: DocumentRow): StoredDocument {
  return {
    id: row.id,
    sourceId: row.source_id,
    origin: row.origin,
    fingerprint: row.fingerprint,
    title: row.title,
    source: row.source,
    published: row.published,
    body: row.body,
    topics: typeof row.topics === 'string' ? JSON.parse(row.topics) : row.topics,
    firstSeen: isoTime(row.first_seen),
    updatedAt: isoTime(row.updated_at),
    ...(row.url ? { url: row.url } : {}),
  };
}
