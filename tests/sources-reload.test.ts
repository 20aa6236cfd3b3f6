/**
 * topics.yaml and sources.yaml edited while the bot runs: a good catalogue re-tags the briefings, a
 * bad one is reported with file and line and the old one kept; the same for sources.yaml; a topic in
 * front matter that the catalogue lacks is named with its file and line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../src/core/logger.js';
import { type FeedServer, startFeedServer } from './servers/feed-server.js';
import { brief, briefingsFolder, REPO_BRIEFINGS, startCore } from './support/core.js';

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function memoryLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => {};
  return { warnings, debug: ignore, info: ignore, error: ignore, warn: (message) => warnings.push(message) };
}

const CATALOGUE = readFileSync(join(REPO_BRIEFINGS, 'topics.yaml'), 'utf8');
const CROSSINGS = `${CATALOGUE.trimEnd()}\n  - slug: crossings\n    label: Border crossings\n    keywords: [crossings, crossing, humanitarian assistance]\n`;

describe('topics.yaml edited while the bot runs', () => {
  it('a good catalogue re-tags the briefings at the next pass; a bad one is reported with file and line and the old one kept', async () => {
    const logger = memoryLogger();
    const dir = briefingsFolder();
    const core = await startCore(dir, undefined, undefined, undefined, { logger });
    expect(core.catalogue.get('crossings')).toBeUndefined();

    writeFileSync(join(dir, 'topics.yaml'), CROSSINGS);
    await core.folder.sync();
    expect(core.catalogue.get('crossings')?.label).toBe('Border crossings');
    expect((await core.store.topicCounts()).get('crossings')).toBeGreaterThan(0);
    const crossings = await brief(core, 'crossings');
    expect(crossings.kind).toBe('briefing');
    expect(crossings.title).toBe('Briefing: Border crossings');

    const broken = CROSSINGS.replace('  - slug: crossings', '  - slug: Border Crossings');
    writeFileSync(join(dir, 'topics.yaml'), broken);
    await core.folder.sync();
    const line = broken.split('\n').findIndex((text) => text.includes('Border Crossings')) + 1;
    expect(logger.warnings.join('\n')).toContain(`${join(dir, 'topics.yaml')}:${line}: topics.`);
    expect(logger.warnings.join('\n')).toContain('the topics loaded before stay in use');
    expect(core.catalogue.get('crossings')).toBeDefined();
    expect((await brief(core, 'crossings')).kind).toBe('briefing');
    // Said once, not at every pass.
    const said = logger.warnings.length;
    await core.folder.sync();
    expect(logger.warnings.length).toBe(said);
  });

  it('a feed answering 304 is tagged with the new catalogue all the same, its items keeping their ids and first-seen times', async () => {
    server = await startFeedServer();
    const feedUrl = `${server.base}/feeds/sample-feeds-real-world/sky-news.xml`;
    const dir = briefingsFolder({ 'sources.yaml': `feeds:\n  - url: ${feedUrl}\n    every: 10m\n` }, false);
    const ukraine =
      'topics:\n  - slug: ukraine\n    label: Ukraine\n    aliases: [Kyiv]\n    keywords: [Ukraine, Ukrainian]\n';
    writeFileSync(join(dir, 'topics.yaml'), ukraine);
    let now = new Date('2022-04-06T08:00:00.000Z');
    const core = await startCore(dir, undefined, () => now);
    expect(await core.feeds.pollDue()).toMatchObject({ polled: 1, added: 10 });
    const times = async () =>
      (await core.store.getItems((await core.store.findItems({}, 1000)).map(({ item }) => item.id)))
        .map((item) => `${item.id} ${item.ingestedAt} ${item.updatedAt}`)
        .sort();
    const before = await times();
    expect(await core.store.countItems({ topics: ['russia'] })).toBe(0);

    writeFileSync(
      join(dir, 'topics.yaml'),
      `${ukraine}  - slug: russia\n    label: Russia\n    keywords: [Russia, Russian, Kremlin, Moscow]\n`,
    );
    await core.folder.sync();
    now = new Date('2022-04-06T08:11:00.000Z');
    expect(await core.feeds.pollDue()).toMatchObject({ polled: 1, notModified: 1, added: 0, updated: 0 });
    expect(server.log.at(-1)?.status).toBe(304);
    expect(await core.store.countItems({ topics: ['russia'] })).toBeGreaterThan(0);
    expect((await brief(core, 'russia')).title).toBe('Briefing: Russia');
    // Re-tagged, not new nor updated: the next digest does not offer them again.
    expect(await times()).toEqual(before);
  });

  it('a front-matter topic the catalogue lacks is named with its file and line', async () => {
    const logger = memoryLogger();
    const dir = briefingsFolder({
      'aid.md':
        '---\ntitle: Aid convoys\ndate: 2024-04-30\ntopics: [gaza, crossingz]\n---\nAid convoys reached the crossing at Kerem Shalom on Tuesday.\n',
    });
    await startCore(dir, undefined, undefined, undefined, { logger });
    expect(logger.warnings).toContainEqual(
      expect.stringMatching(/^aid\.md:4: topic "crossingz" not in topics\.yaml/),
    );
    expect(logger.warnings.join('\n')).not.toContain('"gaza"');
  });
});

describe('sources.yaml edited while the bot runs', () => {
  it('new feeds are polled from the next round; a bad file is reported with its line and the feeds kept', async () => {
    const logger = memoryLogger();
    const dir = briefingsFolder({ 'sources.yaml': 'feeds:\n  - url: https://a.example/rss\n' });
    const core = await startCore(dir, undefined, undefined, undefined, { logger });
    expect(core.feeds.feeds.map((feed) => feed.url)).toEqual(['https://a.example/rss']);

    writeFileSync(
      join(dir, 'sources.yaml'),
      'feeds:\n  - url: https://a.example/rss\n  - url: https://b.example/rss\n    topics: [gaza]\n',
    );
    await core.folder.sync();
    expect(core.feeds.feeds.map((feed) => feed.url)).toEqual([
      'https://a.example/rss',
      'https://b.example/rss',
    ]);

    writeFileSync(
      join(dir, 'sources.yaml'),
      'feeds:\n  - url: https://a.example/rss\n  - url: https://c.example/rss\n    every: 5s\n',
    );
    await core.folder.sync();
    expect(logger.warnings.join('\n')).toContain(
      `${join(dir, 'sources.yaml')}:4: every: every must be at least 1m`,
    );
    expect(core.feeds.feeds.map((feed) => feed.url)).toEqual([
      'https://a.example/rss',
      'https://b.example/rss',
    ]);
  });
});
