import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDiscordAdapter } from '../src/adapters/discord/index.js';
import { MemoryLogger } from './emulators/discord/harness.js';
import { DiscordEmulator } from './emulators/discord/server.js';
import { CHANNEL, startSlackHarness, USER } from './emulators/slack/harness.js';
import { openDigestCore, startScheduler } from './support/digest.js';

/**
 * Digests end to end: subscribed through the real Bolt app or discord.js client, posted by two
 * scheduler instances racing for the same digest, through the adapter, to the platform emulator.
 * Real timers here (the clients need them), so the runs are triggered with `runDue`.
 */
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const FAST_RETRY = { attempts: 3, firstDelayMs: 10, maxDelayMs: 20 };

describe('digests through the Slack emulator', () => {
  it('a /brief subscribe from Slack gets one digest in the channel, despite a race and 500s, and its thread answers', async () => {
    const core = await openDigestCore();
    const h = await startSlackHarness({ bot: core.bot });
    stops.push(() => h.close());
    await h.command('subscribe gaza 08:00 Europe/London');
    const [subscription] = await vi.waitFor(async () => {
      const found = await core.store.listSubscriptions({ platform: 'slack', channelId: CHANNEL });
      if (found.length !== 1) throw new Error('not subscribed yet');
      return found;
    });
    expect(subscription).toMatchObject({ createdBy: USER, workspaceId: h.emulator.teamId });

    // The digest client resends nothing itself (a post may have landed); the scheduler's own retries,
    // each looking in the channel first, get it through two 500s.
    h.emulator.failNext('chat.postMessage', { status: 500 }, 2);
    const a = startScheduler(core, [h.adapter], { retry: FAST_RETRY });
    const b = startScheduler(core, [h.adapter], { retry: FAST_RETRY, instanceId: 'instance-b' });
    const now = new Date();
    const outcomes = await Promise.all([
      a.runDue(subscription!.id, now, subscription!.timezone),
      b.runDue(subscription!.id, now, subscription!.timezone),
    ]);
    expect(outcomes.sort()).toEqual(['posted', 'taken']);
    const digests = h.emulator.posted().filter((call) => String(call.body.text).startsWith('Daily digest'));
    expect(digests).toHaveLength(1);
    expect(digests[0]?.body.channel).toBe(CHANNEL);
    expect(h.emulator.callsOf('conversations.history')).toHaveLength(2);
    expect(h.emulator.violations()).toEqual([]);

    const ts = (digests[0]!.response as { ts: string }).ts;
    await h.event({
      type: 'message',
      channel: CHANNEL,
      user: USER,
      text: 'how many civilians are in Rafah?',
      ts: '1714390000.000101',
      thread_ts: ts,
      parent_user_id: h.emulator.botUserId,
      client_msg_id: `digest-follow-up-${Date.now()}`,
      channel_type: 'channel',
      event_ts: '1714390000.000101',
    });
    const answer = await h.emulator.waitFor((e) => e.posted().find((call) => call.body.thread_ts === ts));
    expect(JSON.stringify(answer.body.blocks)).toContain('1.5 million');
  }, 30_000);
});

describe('digests through the Discord emulator', () => {
  it('a /subscribe from Discord gets one digest in the channel, with a thread, despite a race and a 429', async () => {
    const core = await openDigestCore();
    const emulator = await DiscordEmulator.start();
    const adapter = createDiscordAdapter({
      bot: core.bot,
      logger: new MemoryLogger(),
      config: { token: emulator.token, applicationId: emulator.applicationId, apiUrl: emulator.apiUrl },
      rest: { retries: 0, timeout: 5000 },
    });
    stops.push(async () => {
      await adapter.stop();
      await emulator.close();
    });
    await adapter.start();
    emulator.command('subscribe', { topics: 'gaza,aid', time: '08:00', timezone: 'Europe/London' });
    const [subscription] = await vi.waitFor(async () => {
      const found = await core.store.listSubscriptions({
        platform: 'discord',
        channelId: emulator.channelId,
      });
      if (found.length !== 1) throw new Error('not subscribed yet');
      return found;
    });
    expect(subscription?.topics).toEqual(['gaza', 'humanitarian-aid']);
    // The confirmation can land after the store write: count from after it.
    await vi.waitFor(() => {
      if (!JSON.stringify(emulator.messagesIn(emulator.channelId)).includes('Subscribed: Gaza'))
        throw new Error('no confirmation yet');
    });
    const before = emulator.messagesIn(emulator.channelId).length;

    emulator.rateLimit('POST', /^\/channels\/\d+\/messages$/, 200);
    const a = startScheduler(core, [adapter], { retry: FAST_RETRY });
    const b = startScheduler(core, [adapter], { retry: FAST_RETRY, instanceId: 'instance-b' });
    const now = new Date();
    const outcomes = await Promise.all([
      a.runDue(subscription!.id, now, subscription!.timezone),
      b.runDue(subscription!.id, now, subscription!.timezone),
    ]);
    expect(outcomes.sort()).toEqual(['posted', 'taken']);
    const posted = emulator.messagesIn(emulator.channelId).slice(before);
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0])).toContain('Daily digest: Gaza, Humanitarian aid');
    expect(emulator.threadOn(posted[0]!.id)).toBeDefined();
    expect(emulator.violations).toEqual([]);
  }, 30_000);
});
