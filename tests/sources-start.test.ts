/**
 * The whole bot as an operator starts it: `npm start` (src/main.ts as a child process, console mode)
 * with sources.yaml naming a feed on a loopback server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type FeedServer, startFeedServer } from './servers/feed-server.js';
import { briefingsFolder, scratchDir } from './support/core.js';
import { type Started, startScript } from './support/process.js';

const SKY = '/feeds/sample-feeds-real-world/sky-news.xml';

let server: FeedServer | undefined;
const children: Started[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.child.kill('SIGKILL');
  await server?.close();
  server = undefined;
});

/** Waits for `check` to hold, looking every 250 ms, at most `ms`. */
async function until(what: string, check: () => boolean, ms = 45_000): Promise<void> {
  for (let waited = 0; !check(); waited += 250) {
    if (waited >= ms) throw new Error(`not seen within ${ms / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('npm start with a feed in sources.yaml', () => {
  it('ingests the feed, /brief shows its items with outlet and link, and the next poll gets 304 and ingests nothing', async () => {
    server = await startFeedServer();
    const dir = briefingsFolder(
      {
        'sources.yaml': `feeds:\n  - url: ${server.base}${SKY}\n    name: Sky News\n    every: 10m\n    topics: [ukraine]\n`,
      },
      false,
    );
    writeFileSync(
      join(dir, 'topics.yaml'),
      'topics:\n  - slug: ukraine\n    label: Ukraine\n    aliases: [Kyiv]\n    keywords: [Russia, Russian]\n',
    );
    const database = join(scratchDir(), 'briefbot.db');
    const env = { BRIEFINGS_DIR: dir, DATABASE_PATH: database, WATCH_BRIEFINGS: 'false' };
    const feedAnswers = (status: number) =>
      server?.log.filter((entry) => entry.path === SKY && entry.status === status).length ?? 0;

    const first = startScript(['src/main.ts'], env, 110_000);
    children.push(first);
    await until('the feed fetched', () => feedAnswers(200) === 1);
    // Ingest follows the fetch: /sources says when the feed's items are in.
    const ingested =
      /Sky News \(feed\)\s+Last success: [\s\S]*? ago\.\s+Last error:\s+none\.\s+10\s+new\s+feed/;
    for (let asked = 0; asked < 60 && !ingested.test(first.stdout()); asked++) {
      const answers = first.stdout().split('Sources (').length;
      first.child.stdin.write('/sources\n');
      await until('an answer to /sources', () => first.stdout().split('Sources (').length > answers);
      if (!ingested.test(first.stdout())) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(first.stdout()).toMatch(ingested);
    const mark = first.stdout().length;
    first.child.stdin.end('/brief ukraine\n');
    expect(await first.exited).toBe(0);
    const briefing = first.stdout().slice(mark);
    expect(briefing).toContain('Briefing: Ukraine');
    expect(briefing).toContain('Sky News');
    expect(briefing).toContain('https://news.sky.com/story/');

    // Time passes: the feed is due again when the bot next starts.
    const db = new Database(database);
    db.prepare("UPDATE feed_polls SET next_poll = '2000-01-01T00:00:00.000Z'").run();
    const documents = () =>
      db.prepare('SELECT count(*) AS n, max(updated_at) AS last FROM documents').get() as {
        n: number;
        last: string;
      };
    const before = documents();
    expect(before.n).toBe(10);

    const second = startScript(['src/main.ts'], env, 110_000);
    children.push(second);
    await until('the second poll', () => feedAnswers(304) === 1);
    second.child.stdin.end('/sources\n');
    expect(await second.exited).toBe(0);
    expect(server.log.filter((entry) => entry.path === SKY).map((entry) => entry.status)).toEqual([200, 304]);
    expect(documents()).toEqual(before);
    db.close();
  }, 240_000);
});
