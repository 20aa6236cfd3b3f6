import { parseFeed } from 'feedsmith';
import { isCalendarDate } from '../../core/model.js';
import { htmlToText } from '../html-text.js';
import { decodeText } from './decode.js';

/** One entry of a feed, as the core will see it once it is a document. */
export interface FeedEntry {
  /** Identity within the feed: GUID / Atom id / JSON id, else link, else title + date (as MonitoRSS). */
  key: string;
  title: string;
  url?: string;
  /** YYYY-MM-DD; the day it was fetched when the feed gives no date. */
  published: string;
  /** Plain text of the entry's fullest body (content, else description or summary). */
  text: string;
}

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

export type FeedParse =
  | { ok: true; format: FeedFormat; title: string | undefined; entries: FeedEntry[] }
  | { ok: false; reason: string };

type Loose = Record<string, unknown>;

/** A field's text, whether the parser gives it as a string or as `{ value }` (Atom text constructs). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object' && 'value' in value) return textOf((value as Loose).value);
  return undefined;
}

function field(object: unknown, ...path: string[]): unknown {
  let at = object;
  for (const key of path) at = at && typeof at === 'object' ? (at as Loose)[key] : undefined;
  return at;
}

function absolute(url: string | undefined, base: string): string | undefined {
  if (!url) return undefined;
  try {
    const resolved = new URL(url, base);
    return /^https?:$/.test(resolved.protocol) ? resolved.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** A feed's date as a day, or the day it was read when the feed gives none or an impossible one. */
function isoDay(value: string | undefined, fallback: string): string {
  // Date.parse rolls 2024-02-30 over to 1 March: an ISO date must name a real day as written.
  const written = value && /^\d{4}-\d{2}-\d{2}/.exec(value.trim())?.[0];
  if (written && !isCalendarDate(written)) return fallback;
  const time = value ? Date.parse(value) : Number.NaN;
  const day = Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 10);
  return day && isCalendarDate(day) ? day : fallback;
}

/** The fields every format has, read from that format's names for them. */
function entryFields(format: FeedFormat, item: unknown) {
  switch (format) {
    case 'rss':
    case 'rdf':
      return {
        id: textOf(field(item, 'guid')) ?? textOf(field(item, 'rdf', 'about')),
        title: textOf(field(item, 'title')),
        link: textOf(field(item, 'link')),
        date: textOf(field(item, 'pubDate')) ?? textOf(field(item, 'dc', 'date')),
        bodies: [field(item, 'content', 'encoded'), field(item, 'description')],
      };
    case 'atom': {
      const links = (field(item, 'links') as Loose[] | undefined) ?? [];
      const alternate = links.find((link) => !link.rel || link.rel === 'alternate') ?? links[0];
      return {
        id: textOf(field(item, 'id')),
        title: textOf(field(item, 'title')),
        link: textOf(alternate?.href),
        date: textOf(field(item, 'published')) ?? textOf(field(item, 'updated')),
        bodies: [field(item, 'content'), field(item, 'summary')],
      };
    }
    case 'json':
      return {
        id: textOf(field(item, 'id')),
        title: textOf(field(item, 'title')),
        link: textOf(field(item, 'url')) ?? textOf(field(item, 'external_url')),
        date: textOf(field(item, 'date_published')) ?? textOf(field(item, 'date_modified')),
        bodies: [field(item, 'content_html'), field(item, 'content_text'), field(item, 'summary')],
      };
  }
}

/**
 * Some JSON feeds write their version as a bare number ("1.1") instead of the spec's URL, and feedsmith
 * then refuses the whole feed. A JSON object with an items array is read as the JSON Feed version it names.
 */
function jsonFeedLike(json: unknown): unknown {
  const version = field(json, 'version');
  if (typeof version !== 'string' || version.includes('jsonfeed.org/version/')) return json;
  if (!Array.isArray(field(json, 'items'))) return json;
  const bare = /^\s*1(?:\.(\d+))?\s*$/.exec(version);
  if (!bare) return json;
  const minor = bare[1] && bare[1] !== '0' ? `.${bare[1]}` : '';
  return { ...(json as Loose), version: `https://jsonfeed.org/version/1${minor}` };
}

/**
 * Parses feed bytes (RSS 0.9x/1.0/2.0, Atom, JSON Feed) with feedsmith into entries with plain text.
 * A feed that cannot be read is `ok: false` with the parser's reason, never an exception.
 */
export function parseFeedBytes(
  bytes: Uint8Array,
  feedUrl: string,
  today: string,
  contentType?: string | null,
): FeedParse {
  const text = decodeText(bytes, contentType).replace(/^\s+/, '');
  if (text === '') return { ok: false, reason: 'empty response: no feed in it' };
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(text.startsWith('{') ? jsonFeedLike(JSON.parse(text) as unknown) : text);
  } catch (error) {
    return { ok: false, reason: `not a feed: ${(error as Error).message}` };
  }
  const format = parsed.format;
  const feed = parsed.feed as unknown;
  const items = ((format === 'atom' ? field(feed, 'entries') : field(feed, 'items')) as unknown[]) ?? [];
  const entries: FeedEntry[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const fields = entryFields(format, item);
    const url = absolute(
      fields.link ?? (fields.id && /^https?:|^\//.test(fields.id) ? fields.id : undefined),
      feedUrl,
    );
    const body = fields.bodies.map((value) => textOf(value)).find((value) => value !== undefined);
    const plain = body ? htmlToText(body) : '';
    const title = fields.title ? htmlToText(fields.title) : plain.split(/(?<=[.!?])\s/)[0]?.slice(0, 120);
    if (!title) continue;
    const published = isoDay(fields.date, today);
    const key = fields.id ?? url ?? `${title}|${published}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push({ key, title, published, text: plain || title, ...(url ? { url } : {}) });
  }
  return { ok: true, format, title: textOf(field(feed, 'title')), entries };
}
