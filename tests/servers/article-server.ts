import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { SHARED_DATA } from './feed-server.js';

/** The shared news pages, read in place (never copied into the project). */
export const ARTICLES_DIR = join(SHARED_DATA, 'article-pages');

export interface FeedItem {
  guid: string;
  title: string;
  /** A path on this server, or an absolute URL. */
  link: string;
  description: string;
}

export interface ArticleServer {
  base: string;
  /** Paths requested, in order. */
  log: string[];
  /** What `/feed.xml` lists (RSS 2.0). */
  items: FeedItem[];
  close(): Promise<void>;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A news site on 127.0.0.1: `/articles/<name>` is ../shared/data/article-pages/<name>/source.html as
 * saved, `/feed.xml` an RSS feed of `items` (teasers, as most news feeds give), anything else 404.
 */
export async function startArticleServer(items: FeedItem[] = []): Promise<ArticleServer> {
  const log: string[] = [];
  const state: ArticleServer = { base: '', log, items, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    log.push(path);
    if (path === '/feed.xml') {
      const entries = state.items.map(
        (item) =>
          `<item><guid>${escapeXml(item.guid)}</guid><title>${escapeXml(item.title)}</title><link>${escapeXml(new URL(item.link, state.base).toString())}</link><pubDate>Fri, 13 Jan 2017 10:00:00 GMT</pubDate><description>${escapeXml(item.description)}</description></item>`,
      );
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      response.end(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback News</title><link>${state.base}</link><description>test</description>${entries.join('')}</channel></rss>`,
      );
      return;
    }
    const article = /^\/articles\/([\w-]+)$/.exec(path);
    let page: Buffer | undefined;
    try {
      page = article ? readFileSync(join(ARTICLES_DIR, article[1] ?? '', 'source.html')) : undefined;
    } catch {
      page = undefined;
    }
    if (!page) {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<html><body><p>Not found</p></body></html>');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  state.base = `http://127.0.0.1:${port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
