/**
 * How sources look in chat: `/brief sources` (Discord `/sources`) through the real Bolt app and the
 * real discord.js client against their emulators, and a feed failing for an hour reported once to the
 * channels that follow its topics, and once when it is back, through the Slack emulator.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness as DiscordHarness, startHarness } from './emulators/discord/harness.js';
import { CHANNEL, type SlackHarness, startSlackHarness } from './emulators/slack/harness.js';
import type { RecordedCall } from './emulators/slack/server.js';
import { type FeedServer, startFeedServer } from './servers/feed-server.js';
import { briefingsFolder, scratchDir, startCore } from './support/core.js';

const SKY = '/feeds/sample-feeds-real-world/sky-news.xml';
const BROKEN = '/feeds/gone/wire-down.xml';

let server: FeedServer | undefined;
let slack: SlackHarness | undefined;
let discord: DiscordHarness | undefined;
afterEach(async () => {
  await slack?.close();
  await discord?.stop();
  await server?.close();
  slack = discord = server = undefined;
});

function sourcesYaml(base: string): string {
  return [
    'feeds:',
    `  - url: ${base}${SKY}`,
    '    name: Sky News',
    '    every: 10m',
    '    topics: [gaza]',
    `  - url: ${base}${BROKEN}`,
    '    name: Wire Down',
    '    every: 5m',
    '    topics: [gaza]',
    '',
  ].join('\n');
}

const texts = (call: RecordedCall) => JSON.stringify([call.body.text, call.body.blocks]);

describe('/brief sources', () => {
  it('in Slack lists each source with its last success, last error, items in the last 24 h and next poll', async () => {
    server = await startFeedServer();
    server.fail(BROKEN, 500);
    const now = new Date('2022-04-06T08:00:00.000Z');
    const core = await startCore(
      briefingsFolder({ 'sources.yaml': sourcesYaml(server.base) }),
      undefined,
      () => now,
    );
    await core.feeds.pollDue();
    slack = await startSlackHarness({ bot: core.bot });
    const start = slack.emulator.calls.length;
    const ack = await slack.command('sources');
    expect(ack.status).toBe(200);
    const answer = await slack.emulator.waitFor((e) =>
      e.calls.slice(start).find((call) => call.path === new URL(ack.responseUrl).pathname),
    );
    expect(answer.body.response_type).toBe('ephemeral');
    const shown = texts(answer);
    expect(shown).toContain('Sources (3)');
    expect(shown).toContain('1 failing');
    expect(shown).toMatch(
      /Sky News \(feed\).*Last success: Wed 6 Apr, 08:00 UTC, 0 s ago.*Last error: none.*10 new feed items in the last 24 h.*Next poll: Wed 6 Apr, 08:10 UTC, in 10 min/,
    );
    expect(shown).toMatch(
      /Wire Down \(feed\).*Last success: never yet.*Last error: HTTP 500 Internal Server Error.*Failing since Wed 6 Apr, 08:00 UTC, 1 try in a row.*0 new feed items/,
    );
    // The folder: the seed briefing, read on every change.
    expect(shown).toMatch(/briefings \(folder\).*1 new file in the last 24 h.*Read on every change/);
  });

  it('in Discord, /sources answers the requester alone with the same list', async () => {
    server = await startFeedServer();
    discord = await startHarness({ files: { 'sources.yaml': sourcesYaml(server.base) } });
    await discord.core.feeds.pollDue();
    const interaction = discord.emulator.command('sources');
    const message = await discord.emulator.waitFor(
      () => interaction.originalMessageId && discord?.emulator.messages.get(interaction.originalMessageId),
      'the source list',
    );
    expect(message.flags & 64).toBe(64);
    const shown = JSON.stringify(message.embeds);
    expect(shown).toContain('Sky News (feed)');
    expect(shown).toContain('10 new feed items in the last 24 h');
    expect(shown).toContain('Wire Down (feed)');
    expect(discord.emulator.violations).toEqual([]);
  });
});

describe('a feed failing for an hour', () => {
  it('is reported once to the channels that follow its topics, and once when it is back, across a restart', async () => {
    server = await startFeedServer();
    server.fail(SKY, 500);
    const dir = briefingsFolder({
      'sources.yaml': `feeds:\n  - url: ${server.base}${SKY}\n    name: Sky News\n    every: 5m\n    topics: [rafah]\n`,
    });
    const database = join(scratchDir(), 'briefbot.db');
    const started = Date.parse('2022-04-06T08:00:00.000Z');
    let now = new Date(started);
    const clock = () => now;
    const first = await startCore(dir, database, clock, undefined, { instanceId: 'one' });
    slack = await startSlackHarness({ bot: first.bot });
    const { emulator } = slack;
    first.sourceReports.attach([slack.adapter]);
    // #news follows gaza, of which rafah is a part; #sport follows nothing the feed is about.
    await first.store.saveSubscription({
      id: 'news',
      platform: 'slack',
      channelId: CHANNEL,
      topics: ['gaza'],
      time: '08:00',
      timezone: 'UTC',
      quiet: false,
      createdBy: 'U1',
      createdAt: now.toISOString(),
    });
    await first.store.saveSubscription({
      id: 'sport',
      platform: 'slack',
      channelId: 'C0SPORT',
      topics: ['us-diplomacy'],
      time: '08:00',
      timezone: 'UTC',
      quiet: false,
      createdBy: 'U1',
      createdAt: now.toISOString(),
    });
    const posts = (pattern: RegExp) =>
      emulator.calls.filter((call) => call.method === 'chat.postMessage' && pattern.test(texts(call)));
    const url = `${server.base}${SKY}`;
    /** Polls whenever the feed is due until the clock passes `until`: at most 40 polls. */
    const pollUntil = async (core: typeof first, until: number) => {
      for (let polls = 0; polls < 40 && now.getTime() < until; polls++) {
        await core.feeds.pollDue();
        const [state] = await core.store.feedPolls([url]);
        now = new Date(Math.max(now.getTime() + 60_000, Date.parse(state?.nextPoll ?? '')));
      }
    };

    await pollUntil(first, started + 55 * 60_000);
    expect(posts(/Source failing/)).toEqual([]);
    await pollUntil(first, started + 3 * 3_600_000);
    const failing = await emulator.waitFor(() => posts(/Source failing/)[0]);
    expect(failing.body.channel).toBe(CHANNEL);
    expect(texts(failing)).toContain('Sky News');
    expect(texts(failing)).toContain('HTTP 500 Internal Server Error');
    expect(texts(failing)).toContain('/brief sources');

    // A restart on the same database (another instance id) does not say it again.
    await first.close();
    const second = await startCore(dir, database, clock, undefined, { instanceId: 'two' });
    second.sourceReports.attach([slack.adapter]);
    await pollUntil(second, now.getTime() + 3 * 3_600_000);
    expect(posts(/Source failing/)).toHaveLength(1);

    server.fail(SKY, undefined);
    await pollUntil(second, now.getTime() + 7 * 3_600_000);
    const back = await emulator.waitFor(() => posts(/Source back/)[0]);
    expect(back.body.channel).toBe(CHANNEL);
    expect(texts(back)).toContain('Sky News');
    // Answering (then 304s) for a while more: still one report each, and none in #sport.
    await pollUntil(second, now.getTime() + 3_600_000);
    expect(posts(/Source failing/)).toHaveLength(1);
    expect(posts(/Source back/)).toHaveLength(1);
    expect(emulator.calls.filter((call) => call.body.channel === 'C0SPORT')).toEqual([]);
    expect((await second.store.feedPolls([url]))[0]).toMatchObject({ failures: 0 });
    expect((await second.store.feedPolls([url]))[0]?.failureReported).toBeUndefined();
  });
});
