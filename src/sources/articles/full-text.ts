import { decodeText } from '../feeds/decode.js';
import { type FetchLimits, fetchFeed } from '../feeds/fetch.js';
import type { ArticleExtractor } from './extractor.js';

/** A feed entry with fewer words than this is a teaser: most news feeds give a sentence or two. */
export const TEASER_WORDS = 120;
/** An extraction with fewer words than this (or than the teaser) found no article worth the swap. */
const MIN_ARTICLE_WORDS = 60;

const PAGE_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5';

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function isTeaser(text: string): boolean {
  return words(text) < TEASER_WORDS;
}

export type FullText = { kind: 'extracted'; text: string } | { kind: 'teaser'; reason: string };

/**
 * The article behind a teaser: its page fetched with the feed's limits (time, size, redirects,
 * User-Agent) and its text extracted by Readability in a worker. The teaser stays (with the reason)
 * when the page cannot be fetched, Readability fails or times out, or it finds less than the teaser.
 */
export async function fetchFullText(
  url: string,
  teaser: string,
  limits: FetchLimits,
  extractor: ArticleExtractor,
): Promise<FullText> {
  const page = await fetchFeed({ url, accept: PAGE_ACCEPT }, limits);
  if (page.kind === 'failed') return { kind: 'teaser', reason: `article page: ${page.reason}` };
  if (page.kind === 'not-modified') return { kind: 'teaser', reason: 'article page: 304 to a plain GET' };
  const extraction = await extractor.extract(decodeText(page.bytes, page.contentType));
  if (!extraction.ok) return { kind: 'teaser', reason: extraction.reason };
  const found = words(extraction.text);
  if (found < MIN_ARTICLE_WORDS || found <= words(teaser))
    return { kind: 'teaser', reason: `the page gave only ${found} words of article` };
  return { kind: 'extracted', text: extraction.text };
}
