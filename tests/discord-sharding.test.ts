import { afterEach, describe, expect, test, vi } from 'vitest';
import { type ApiMessage, shardOf } from './emulators/discord/fixtures.js';
import { type Harness, startHarness } from './emulators/discord/harness.js';
import { configProblems } from './support/config.js';

/**
 * Discord requires sharding from 2,500 guilds: each gateway connection (shard) gets only the events of
 * the guilds whose id maps to it. Real discord.js against the emulator, which routes every guild's
 * events to its shard and checks the `shard` field of IDENTIFY.
 */

const running: Harness[] = [];
afterEach(async () => {
  // The harness that made the emulator closes it, so it goes last.
  for (const h of running.splice(0).reverse()) await h.stop();
});

async function start(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  running.push(h);
  return h;
}

/** Runs /brief in `channelId` and waits for the bot's answer. */
async function briefIn(h: Harness, channelId: string): Promise<ApiMessage> {
  const interaction = h.emulator.command('brief', { topic: 'gaza' }, channelId);
  return h.emulator.waitFor(
    () => interaction.originalMessageId && h.emulator.messages.get(interaction.originalMessageId),
    `the /brief answer in ${channelId}`,
    15_000,
  );
}

describe('Discord sharding', () => {
  test('two instances each run one of two shards, and each guild is served by the instance that owns it', async () => {
    const first = await start({ emulator: { recommendedShards: 2 }, shards: { shards: [0], shardCount: 2 } });
    const emulator = first.emulator;
    const second = await start({ on: emulator, shards: { shards: [1], shardCount: 2 } });
    const mainShard = shardOf(emulator.guildId, 2);
    const other = emulator.addGuild([1 - mainShard, 2]);
    const owner = (shard: number) => (shard === 0 ? first : second);
    const notOwner = (shard: number) => (shard === 0 ? second : first);

    expect(emulator.identifies.map((identify) => identify.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const asked = new Map([first, second].map((h) => [h, vi.spyOn(h.bot, 'command')]));
    const followUps = new Map([first, second].map((h) => [h, vi.spyOn(h.bot, 'followUp')]));

    const inMain = await briefIn(first, emulator.channelId);
    expect(JSON.stringify(inMain.embeds)).toContain('Rafah');
    expect(asked.get(owner(mainShard))).toHaveBeenCalledTimes(1);
    expect(asked.get(notOwner(mainShard))).not.toHaveBeenCalled();

    const inOther = await briefIn(first, other.channelId);
    expect(JSON.stringify(inOther.embeds)).toContain('Rafah');
    expect(asked.get(owner(1 - mainShard))).toHaveBeenCalledTimes(1);

    // A follow-up in the other guild's thread reaches only the shard of that guild, which answers it.
    const thread = await emulator.waitFor(() => emulator.threadOn(inOther.id), 'the thread on the answer');
    emulator.say(thread.id, 'How many civilians are in Rafah?');
    const answer = await emulator.waitFor(
      () => emulator.messagesIn(thread.id).find((m) => m.author.id === emulator.botUser.id),
      'the answer in the thread',
      15_000,
    );
    expect(JSON.stringify(answer.embeds)).toMatch(/1\.5 million|1\.4 million/);
    expect(followUps.get(owner(1 - mainShard))).toHaveBeenCalledTimes(1);
    expect(followUps.get(notOwner(1 - mainShard))).not.toHaveBeenCalled();
    expect(emulator.violations).toEqual([]);
  });

  test('DISCORD_SHARDS=auto opens as many shards as Discord recommends and serves every guild', async () => {
    const h = await start({ emulator: { recommendedShards: 2 }, shards: { shards: 'auto' } });
    const other = h.emulator.addGuild([1 - shardOf(h.emulator.guildId, 2), 2]);
    expect(h.emulator.shards.sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    for (const channelId of [h.emulator.channelId, other.channelId])
      expect(JSON.stringify((await briefIn(h, channelId)).embeds)).toContain('Rafah');
    expect(h.adapter.client.ws.shards.size).toBe(2);
    expect(h.emulator.violations).toEqual([]);
  });
});

describe('shard settings', () => {
  const discord = { DISCORD_TOKEN: 'token', DISCORD_APPLICATION_ID: '123456789012345678' };

  test('shard ids need the shard count, and must be below it', () => {
    expect(configProblems({ ...discord, DISCORD_SHARDS: '0,1' })).toContain(
      'DISCORD_SHARD_COUNT: missing: DISCORD_SHARDS names shard ids',
    );
    expect(configProblems({ ...discord, DISCORD_SHARDS: '1,4', DISCORD_SHARD_COUNT: '4' })).toContain(
      'DISCORD_SHARDS: shard 4 is not below DISCORD_SHARD_COUNT=4: ids run from 0 to 3',
    );
    expect(configProblems({ ...discord, DISCORD_SHARDS: 'some' })).toContain(
      "DISCORD_SHARDS: must be 'auto' or shard ids such as 0,1",
    );
  });

  test('auto takes the count from Discord, so a count beside it is refused', () => {
    expect(configProblems({ ...discord, DISCORD_SHARDS: 'auto', DISCORD_SHARD_COUNT: '2' })).toContain(
      'DISCORD_SHARD_COUNT: set with DISCORD_SHARDS=auto',
    );
  });
});
