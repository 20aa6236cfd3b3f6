import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOpml } from '../src/sources/opml-import.js';
import { parseSourcesFile } from '../src/sources/sources-file.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { runScript } from './support/process.js';

const SOURCES = `# Feeds the desk follows. Keep the wires first.
feeds:
  # Reuters world, polled often
  - url: https://wire.example/world.xml
    name: Wire World
    every: 5m
    topics: [gaza]
`;

const OPML = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Reader export</title></head>
  <body>
    <outline text="News">
      <outline type="rss" text="UN News" title="UN News" xmlUrl="https://news.un.example/rss.xml" htmlUrl="https://news.un.example/"/>
      <outline type="rss" text="Wire again" xmlUrl="HTTPS://WIRE.example/world.xml"/>
    </outline>
    <outline type="rss" text="Aid Monitor" xmlUrl="https://aid.example/feed.json"/>
    <outline type="rss" text="UN News (again)" xmlUrl="https://news.un.example/rss.xml"/>
    <outline type="rss" text="Old gopher" xmlUrl="gopher://old.example/feed"/>
    <outline text="A note, not a feed"/>
  </body>
</opml>`;

describe('importing an OPML file into sources.yaml', () => {
  it('adds its feeds after the entries and comments already there, and reports duplicates and what it skipped', () => {
    const result = importOpml(OPML, SOURCES, 'briefings/sources.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { report } = result;
    expect(report.text.startsWith(SOURCES)).toBe(true);
    expect(report.added).toEqual([
      { url: 'https://news.un.example/rss.xml', name: 'UN News' },
      { url: 'https://aid.example/feed.json', name: 'Aid Monitor' },
    ]);
    expect(report.duplicates).toEqual([
      { url: 'https://wire.example/world.xml', line: 4 },
      { url: 'https://news.un.example/rss.xml', line: 0 },
    ]);
    expect(report.skipped).toEqual([
      { text: 'Old gopher', reason: 'gopher://old.example/feed is not an http(s) address' },
      { text: 'A note, not a feed', reason: 'no xmlUrl: not a feed' },
    ]);
    const parsed = parseSourcesFile(report.text);
    expect(parsed.ok && parsed.feeds.map((feed) => [feed.url, feed.name, feed.topics])).toEqual([
      ['https://wire.example/world.xml', 'Wire World', ['gaza']],
      ['https://news.un.example/rss.xml', 'UN News', []],
      ['https://aid.example/feed.json', 'Aid Monitor', []],
    ]);
  });

  it('refuses to touch a sources.yaml that is already broken, naming its line', () => {
    expect(importOpml(OPML, 'feeds:\n  - url: ftp://x.example/feed\n', 'briefings/sources.yaml')).toEqual({
      ok: false,
      problems: ['briefings/sources.yaml:2: url: url must be an http(s) address'],
    });
  });

  it('npm run sources -- import feeds.opml writes the file and says what it did', async () => {
    const dir = briefingsFolder({ 'sources.yaml': SOURCES }, false);
    const opml = join(scratchDir(), 'feeds.opml');
    writeFileSync(opml, OPML);
    const result = await runScript(['src/cli/briefbot.ts', 'sources', 'import', opml], '', {
      BRIEFINGS_DIR: dir,
      DATABASE_PATH: join(scratchDir(), 'unused.db'),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const sourcesPath = join(dir, 'sources.yaml');
    expect(result.stdout).toContain(`2 feeds added to ${sourcesPath}`);
    expect(result.stdout).toContain(`= https://wire.example/world.xml (${sourcesPath}:4)`);
    expect(result.stdout).toContain('= https://news.un.example/rss.xml (listed twice in the OPML)');
    expect(result.stdout).toContain('- Old gopher: gopher://old.example/feed is not an http(s) address');
    const written = readFileSync(sourcesPath, 'utf8');
    expect(written).toContain('# Reuters world, polled often');
    expect(written).toContain('name: Aid Monitor');
  });
});
