import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { documentIdentity } from '../src/core/model.js';
import { ArticleExtractor } from '../src/sources/articles/extractor.js';
import { ARTICLES_DIR, type ArticleServer, startArticleServer } from './servers/article-server.js';
import { briefingsFolder, startCore } from './support/core.js';

let server: ArticleServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const LONG_SUMMARY = Array.from(
  { length: 16 },
  (_, index) => `Paragraph ${index + 1} of the feed's own full text says what happened in Tunisia.`,
).join(' ');

const ITEMS = [
  {
    guid: 'sudan',
    title: 'United States to Lift Sudan Sanctions',
    link: '/articles/nytimes-1',
    description: 'The Obama administration plans to lift trade sanctions on Sudan.',
  },
  {
    guid: 'gone',
    title: 'A story whose page is gone',
    link: '/articles/no-such-page',
    description: 'Aid convoys reached the border on Friday.',
  },
  { guid: 'long', title: 'Attack in North Africa', link: '/articles/wapo-1', description: LONG_SUMMARY },
];

async function feedCore(options: string) {
  server = await startArticleServer(ITEMS.map((item) => ({ ...item })));
  const url = `${server.base}/feed.xml`;
  const dir = briefingsFolder(
    { 'sources.yaml': `feeds:\n  - url: ${url}\n    every: 10m\n${options}` },
    false,
  );
  let now = new Date('2017-01-13T12:00:00.000Z');
  const core = await startCore(dir, undefined, () => now);
  const body = async (guid: string) =>
    (await core.store.getDocument(documentIdentity(`feed:${url}`, guid)))?.body ?? '';
  const later = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };
  return { core, body, later };
}

describe('full text of a feed item that is only a teaser', () => {
  it('is the article extracted from its page; a page that is gone keeps the teaser; a full entry is not fetched', async () => {
    const { core, body, later } = await feedCore('');
    expect(await core.feeds.pollDue()).toMatchObject({ polled: 1, failed: 0, added: 3 });
    const sudan = await body('sudan');
    expect(sudan).toContain('After nearly 20 years of hostile relations');
    expect(sudan).toContain('Sudan is one of the poorest');
    // The page's chrome is not the article.
    expect(sudan).not.toMatch(/Subscribe|Advertisement|Log In/);
    expect(await body('gone')).toBe('Aid convoys reached the border on Friday.');
    expect(await body('long')).toBe(LONG_SUMMARY);
    expect(server?.log.filter((path) => path.startsWith('/articles/')).sort()).toEqual([
      '/articles/no-such-page',
      '/articles/nytimes-1',
    ]);

    // The next poll finds the same entries: no page is fetched again, nothing changes.
    later(11);
    const pages = server?.log.length ?? 0;
    expect(await core.feeds.pollDue()).toMatchObject({ polled: 1, added: 0, updated: 0 });
    expect(server?.log.slice(pages)).toEqual(['/feed.xml']);
  });

  it('is left alone for a feed with fullText: false', async () => {
    const { core, body } = await feedCore('    fullText: false\n');
    expect(await core.feeds.pollDue()).toMatchObject({ polled: 1, added: 3 });
    expect(await body('sudan')).toBe('The Obama administration plans to lift trade sanctions on Sudan.');
    expect(server?.log).toEqual(['/feed.xml']);
  });
});

describe('the article extractor', () => {
  it('gives up on a page that takes longer than its time limit, and extracts the next one on a fresh thread', async () => {
    const extractor = new ArticleExtractor(500);
    try {
      // About 2 s of Readability on a quiet 2-core machine: four times the limit, so a fast machine fails it too.
      const heavy = readFileSync(join(ARTICLES_DIR, 'yahoo-2', 'source.html'), 'utf8').repeat(40);
      expect(await extractor.extract(heavy)).toEqual({
        ok: false,
        reason: 'extraction took longer than 0.5 s',
      });
      const paragraph = 'Aid trucks crossed into the north of Gaza on Sunday, officials said. ';
      const small = `<html><body><nav>Home News</nav><article><h1>Aid</h1><p>${paragraph.repeat(12)}</p><p>${paragraph.repeat(8)}</p></article></body></html>`;
      const result = await extractor.extract(small);
      expect(result).toMatchObject({ ok: true, text: expect.stringContaining('Aid trucks crossed') });
    } finally {
      await extractor.close();
    }
  });
});
