import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Years a news document can plausibly carry: outside them a date is a typo, and 9999 would rank first. */
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2100;

/**
 * A YYYY-MM-DD that names a day on the calendar, in the plausible years. Date.parse alone accepts
 * 2024-02-30 (it rolls over to March), so the day must survive the round trip.
 */
export function isCalendarDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) return false;
  const year = Number(value.slice(0, 4));
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}

/** Calendar date as written in sources and shown to users: YYYY-MM-DD. */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine(isCalendarDate, {
    error: (issue) =>
      `${String(issue.input)} is not a day on the calendar between ${EARLIEST_YEAR} and ${LATEST_YEAR}`,
  });

export const TopicSlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'topic slugs are lowercase letters, digits and dashes');

export const TopicSchema = z.object({
  slug: TopicSlugSchema,
  label: z.string().min(1),
  description: z.string().optional(),
  /** Other names users type for the topic; they also tag items that mention them. */
  aliases: z.array(z.string().min(1)).default([]),
  /** Words that tag an item with the topic but that users would not type as its name. */
  keywords: z.array(z.string().min(1)).default([]),
  parent: TopicSlugSchema.optional(),
});
export type Topic = z.infer<typeof TopicSchema>;

export const TopicCatalogueSchema = z.object({ topics: z.array(TopicSchema).min(1) });

export const PlatformSchema = z.enum(['slack', 'discord', 'console']);
export type Platform = z.infer<typeof PlatformSchema>;

/** Where documents come from: the briefings folder, or a feed named in sources.yaml. */
export type SourceKind = 'folder' | 'feed';

export interface Source {
  /** Stable across restarts and instances: `folder:<absolute path>` or `feed:<url>`. */
  id: string;
  kind: SourceKind;
  /** Outlet or folder name as users see it. */
  name: string;
  /** A feed's address: its poll state is kept per address, however many sources share it. */
  url?: string | undefined;
  /** Topics every document of the source is tagged with: their subscribers hear when it fails. */
  topics: string[];
}

/**
 * A source document as read from briefings/ or a feed, before it is cut into items. Its id comes from
 * its source and its identity there, never from its text, so an edit is a revision of the same document.
 */
export interface SourceDocument {
  /** `documentIdentity(sourceId, origin)`. */
  id: string;
  /** The source that brought it; only that source ever replaces or removes it. */
  sourceId: string;
  /** Its identity within the source: a path relative to the briefings folder, or a feed entry's GUID, link, else title + date. */
  origin: string;
  /** Text, topic catalogue and pipeline: the same fingerprint means there is nothing to build again. */
  fingerprint: string;
  title: string;
  /** Outlet display name, as cited under items. */
  source: string;
  url?: string;
  /** Publication date, YYYY-MM-DD. */
  published: string;
  body: string;
  /** Topics the author assigned in front matter; added to every item of the document. */
  topics: string[];
}

/** A document as the store keeps it: when it was first seen, and when its text last changed. */
export interface StoredDocument extends SourceDocument {
  firstSeen: string;
  updatedAt: string;
}

/** A document's id: from its source and its identity there, so the same entry is the same document however it is edited. */
export function documentIdentity(sourceId: string, origin: string): string {
  return createHash('sha256').update(`${sourceId}\n${origin}`).digest('hex').slice(0, 16);
}

/** A sentence of a document with its character offsets in the document body. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

/** One summarised development cut out of a document. */
export interface Item {
  id: string;
  documentId: string;
  /** Items about the same development from different documents share it. */
  storyKey: string;
  /** Order of the item within its document. */
  position: number;
  headline: string;
  summary: string;
  keyPoints: string[];
  /** Topic slugs, strongest first. */
  topics: string[];
  /** Proper names the item mentions (people, places, organisations), most frequent first. */
  entities: string[];
  published: string;
  source: string;
  url?: string;
  documentTitle: string;
  /** Every sentence of the item, in document order: what answers quote from. */
  sentences: Sentence[];
}

export interface ThreadContext {
  platform: Platform;
  channelId: string;
  threadId: string;
  topic?: string;
  itemIds: string[];
  /** The last few exchanges, oldest first, so a follow-up can lean on the one before. */
  turns: { question: string; answer: string }[];
  updatedAt: string;
}
