import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceIngest } from '../src/core/ingest/source-ingest.js';
import { silentLogger } from '../src/core/logger.js';
import { PrometheusMetrics } from '../src/metrics.js';
import { parseFeedBytes } from '../src/sources/feeds/parse.js';
import { FeedPoller } from '../src/sources/feeds/poller.js';
import { parseSourcesFile } from '../src/sources/sources-file.js';
import { FEEDS_DIR, type FeedServer, startFeedServer } from './servers/feed-server.js';
import { brief, briefingsFolder, startCore } from './support/core.js';

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const SKY = '/feeds/sample-feeds-real-world/sky-news.xml';

describe('a feed named in sources.yaml', () => {
  it('is polled and its items briefed with outlet and link; the second poll gets 304 and ingests nothing', async () => {
    server = await startFeedServer();
    const dir = briefingsFolder(
      {
        'sources.yaml': `feeds:\n  - url: ${server.base}/redirect/2${SKY}\n    name: Sky News\n    every: 10m\n    topics: [ukraine]\n`,
      },
      false,
    );
    writeFileSync(
      join(dir, 'topics.yaml'),
      'topics:\n  - slug: ukraine\n    label: Ukraine\n    aliases: [Kyiv]\n    keywords: [Russia, Russian]\n',
    );
    let now = new Date('2022-04-06T08:00:00.000Z');
    const metrics = new PrometheusMetrics();
    const core = await startCore(dir, undefined, () => now, metrics);
    const first = await core.feeds.pollDue();
    expect(first).toMatchObject({ polled: 1, failed: 0, notModified: 0, added: 10 });
    expect(await metrics.registry.metrics()).toContain('briefbot_feed_polls_total{outcome="fetched"} 1');
    expect(server.log.at(-1)?.userAgent).toMatch(/^briefbot\//);

    const reply = await brief(core, 'ukraine');
    const text = JSON.stringify(reply);
    expect(text).toContain('Sky News');
    expect(text).toContain('https://news.sky.com/story/');
    expect(await core.store.countItems({ topics: ['ukraine'] })).toBeGreaterThanOrEqual(10);

    // Not due yet: no request at all.
    const requests = server.log.length;
    expect(await core.feeds.pollDue()).toMatchObject({ polled: 0 });
    expect(server.log.length).toBe(requests);

    now = new Date('2022-04-06T08:11:00.000Z');
    const second = await core.feeds.pollDue();
    expect(second).toMatchObject({ polled: 1, notModified: 1, added: 0, updated: 0 });
    expect(server.log.at(-1)).toMatchObject({ path: SKY, status: 304 });
    expect(await metrics.registry.metrics()).toContain('briefbot_feed_polls_total{outcome="not_modified"} 1');
    expect(await core.store.feedPolls([`${server.base}/redirect/2${SKY}`])).toEqual([
      expect.objectContaining({ failures: 0, lastSuccess: now.toISOString(), etag: expect.any(String) }),
    ]);
  });

  it('a failing feed backs off, and Retry-After is honoured', async () => {
    server = await startFeedServer();
    const url = `${server.base}${SKY}`;
    const dir = briefingsFolder({ 'sources.yaml': `feeds:\n  - url: ${url}\n    every: 1m\n` });
    let now = new Date('2022-04-06T08:00:00.000Z');
    const core = await startCore(dir, undefined, () => now);
    server.fail(SKY, 500);
    expect(await core.feeds.pollDue()).toMatchObject({ polled: 1, failed: 1 });
    const [failed] = await core.store.feedPolls([url]);
    expect(failed).toMatchObject({ failures: 1, lastError: 'HTTP 500 Internal Server Error' });
    server.fail(SKY, 429, '600');
    now = new Date(Date.parse(failed!.nextPoll));
    await core.feeds.pollDue();
    const [limited] = await core.store.feedPolls([url]);
    expect(limited).toMatchObject({ failures: 2, failingSince: failed!.failingSince });
    expect(Date.parse(limited!.nextPoll) - now.getTime()).toBe(600_000);
    server.fail(SKY, undefined);
    now = new Date(Date.parse(limited!.nextPoll));
    expect(await core.feeds.pollDue()).toMatchObject({ polled: 1, failed: 0, added: 10 });
    expect((await core.store.feedPolls([url]))[0]).toMatchObject({ failures: 0 });
  });
});

describe('many feeds due at once', () => {
  it('are polled a bounded number at a time, whatever their hosts, so memory does not grow with them', async () => {
    const body = readFileSync(join(FEEDS_DIR, SKY.slice('/feeds/'.length)));
    let inFlight = 0;
    let most = 0;
    const slow = createServer((_request, response) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
      }, 30);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(slow.address() as { port: number }).port}`;
    try {
      const core = await startCore(briefingsFolder({}, false));
      const feeds = Array.from({ length: 12 }, (_, n) => ({
        id: `feed:${base}/${n}.xml`,
        url: `${base}/${n}.xml`,
        intervalMs: 600_000,
        topics: [],
        fullText: false,
      }));
      const poller = new FeedPoller({
        store: core.store,
        ingest: new SourceIngest(core.store, core.catalogue),
        feeds,
        logger: silentLogger,
        instanceId: 'bounded',
        userAgent: 'briefbot-test',
        perHost: 12,
        pollsAtOnce: 3,
      });
      expect(await poller.pollDue()).toMatchObject({ polled: 12, failed: 0 });
      expect(most).toBe(3);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});

describe('sources.yaml', () => {
  it('reports every bad entry with its line, and a feed named twice', () => {
    const parsed = parseSourcesFile(
      'feeds:\n  - url: https://a.example/rss\n  - url: ftp://b.example/rss\n  - url: https://c.example/rss\n    every: 10s\n  - url: https://a.example/rss\n',
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [
        { line: 3, message: 'url: url must be an http(s) address' },
        { line: 5, message: 'every: every must be at least 1m: feeds are polled politely' },
        { line: 6, message: expect.stringContaining('same feed as line 2') },
      ],
    });
  });
});

describe('feed parsing', () => {
  it('reads RSS, Atom, RSS 1.0 and JSON Feed entries with links, dates and plain text; a broken feed is a reason', async () => {
    const { readFileSync } = await import('node:fs');
    const { FEEDS_DIR } = await import('./servers/feed-server.js');
    const read = (file: string) =>
      parseFeedBytes(readFileSync(join(FEEDS_DIR, file)), 'https://feeds.example/', '2024-01-01');
    const atom = read('feed-rs/atom_example_2.xml');
    expect(atom).toMatchObject({ ok: true, format: 'atom' });
    if (atom.ok) expect(atom.entries[0]?.text).not.toMatch(/<h4>|<p>/);
    expect(read('feed-rs/jsonfeed_example_1.json')).toMatchObject({ ok: true, format: 'json' });
    expect(read('feed-rs/rss_1.0_spec_1.xml')).toMatchObject({ ok: true, format: 'rdf' });
    const latin1 = read('feed-rs/rss_0.91_missing_id.xml');
    expect(latin1.ok && latin1.entries[0]?.text).toMatch(/Diputación|Valencia|[áéíóñ]/i);
    expect(read('gofeed/json_invalid_invalid.json')).toMatchObject({ ok: false });
    expect(read('gofeed/universal_empty_feed.xml')).toMatchObject({ ok: false });
  });

  it('reads a JSON feed that writes its version as a bare number instead of the spec URL', async () => {
    const { FEEDS_DIR } = await import('./servers/feed-server.js');
    for (const file of ['gofeed/universal_json10_feed.json', 'gofeed/universal_json11_feed.json']) {
      const parsed = parseFeedBytes(
        readFileSync(join(FEEDS_DIR, file)),
        'https://feeds.example/',
        '2024-01-01',
      );
      expect(parsed, file).toMatchObject({ ok: true, format: 'json' });
      if (parsed.ok) expect(parsed.entries).toHaveLength(1);
    }
    const notAFeed = new TextEncoder().encode(JSON.stringify({ version: '1.1', title: 'Settings' }));
    expect(parseFeedBytes(notAFeed, 'https://feeds.example/', '2024-01-01')).toMatchObject({ ok: false });
  });
});

describe('feed dates', () => {
  it('an entry dated 9999 or 30 February is dated the day it was read, so it cannot rank first forever', () => {
    const feed = {
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Wire',
      items: [
        {
          id: 'a',
          title: 'Far future',
          content_text: 'Aid trucks crossed.',
          date_published: '9999-12-31T00:00:00Z',
        },
        {
          id: 'b',
          title: 'Rolled over',
          content_text: 'Aid trucks crossed.',
          date_published: '2024-02-30T10:00:00Z',
        },
        {
          id: 'c',
          title: 'Real',
          content_text: 'Aid trucks crossed.',
          date_published: '2024-02-29T10:00:00Z',
        },
      ],
    };
    const parsed = parseFeedBytes(
      new TextEncoder().encode(JSON.stringify(feed)),
      'https://wire.example/feed.json',
      '2024-05-01',
      'application/feed+json',
    );
    expect(parsed.ok && parsed.entries.map((entry) => [entry.key, entry.published])).toEqual([
      ['a', '2024-05-01'],
      ['b', '2024-05-01'],
      ['c', '2024-02-29'],
    ]);
  });
});
