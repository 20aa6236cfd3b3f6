/** Many digests due at once go out as a stream: per channel, each claimed and composed only in its turn. */
import { describe, expect, it } from 'vitest';
import type { PostedMessage } from '../src/core/index.js';
import type { Subscription } from '../src/core/store/subscriptions.js';
import type { Reply } from '../src/reply.js';
import { openDigestCore, startScheduler } from './support/digest.js';

/** An adapter whose posts wait until the test lets them through, one call at a time. */
class HeldPoster {
  readonly platform = 'slack' as const;
  readonly posted: { channelId: string; title: string }[] = [];
  private readonly held: (() => void)[] = [];

  async postToChannel(channelId: string, reply: Reply): Promise<PostedMessage> {
    await new Promise<void>((resolve) => this.held.push(resolve));
    this.posted.push({ channelId, title: reply.title });
    return { platform: 'slack', channelId, threadId: `slack:${channelId}:${this.posted.length}.0` };
  }

  get waiting(): number {
    return this.held.length;
  }

  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }
}

const TOPICS = [['gaza'], ['rafah'], ['humanitarian-aid'], ['gaza', 'rafah']];

async function subscribe(
  core: Awaited<ReturnType<typeof openDigestCore>>,
  channel: string,
  topics: string[],
) {
  const { subscription } = await core.store.saveSubscription({
    id: `${channel}-${topics.join('+')}`,
    platform: 'slack',
    channelId: channel,
    topics,
    time: '08:00',
    timezone: 'UTC',
    quiet: false,
    createdBy: 'U1',
    createdAt: '2024-04-28T00:00:00.000Z',
  });
  return subscription!;
}

describe('a minute with many digests due', () => {
  it('claims and composes each channel’s next digest only once the one before it is posted', async () => {
    const core = await openDigestCore();
    const subscriptions: Subscription[] = [];
    for (const channel of ['C1', 'C2', 'C3'])
      for (const topics of TOPICS) {
        const { subscription } = await core.store.saveSubscription({
          id: `${channel}-${topics.join('+')}`,
          platform: 'slack',
          channelId: channel,
          topics,
          time: '08:00',
          timezone: 'UTC',
          quiet: false,
          createdBy: 'U1',
          createdAt: '2024-04-28T00:00:00.000Z',
        });
        subscriptions.push(subscription!);
      }
    const poster = new HeldPoster();
    const scheduler = startScheduler(core, [poster]);
    const due = new Date();
    const runs = subscriptions.map((s) => scheduler.runDue(s.id, due, s.timezone));
    const periodKey = due.toISOString().slice(0, 10);
    const claimed = async () => {
      const found = await Promise.all(
        subscriptions.map((s) => core.store.getDigestRun({ subscriptionId: s.id, periodKey })),
      );
      return found.filter(Boolean).length;
    };

    for (let round = 1; round <= TOPICS.length; round++) {
      // One digest per channel is at the platform; the rest of the minute is not even claimed yet.
      await expect.poll(() => poster.waiting).toBe(3);
      expect(await claimed()).toBe(3 * round);
      poster.releaseAll();
    }
    expect((await Promise.all(runs)).every((outcome) => outcome === 'posted')).toBe(true);
    expect(poster.posted).toHaveLength(12);
    for (const channel of ['C1', 'C2', 'C3'])
      expect(poster.posted.filter((p) => p.channelId === channel)).toHaveLength(TOPICS.length);
  });

  it('a digest whose channel is still waiting at the platform is neither claimed nor composed', async () => {
    const core = await openDigestCore();
    const subscription = await subscribe(core, 'C1', ['gaza']);
    const turns: (() => void)[] = [];
    const poster = Object.assign(new HeldPoster(), {
      channelTurn: () => new Promise<void>((resolve) => turns.push(resolve)),
    });
    const scheduler = startScheduler(core, [poster]);
    const due = new Date();
    const run = scheduler.runDue(subscription.id, due, subscription.timezone);
    await expect.poll(() => turns.length).toBe(1);
    const key = { subscriptionId: subscription.id, periodKey: due.toISOString().slice(0, 10) };
    expect(await core.store.getDigestRun(key)).toBeUndefined();
    turns[0]!();
    await expect.poll(() => poster.waiting).toBe(1);
    expect((await core.store.getDigestRun(key))?.status).toBe('claimed');
    poster.releaseAll();
    expect(await run).toBe('posted');
  });

  it('the first digest of a wave leaves for the platform before the rest of the wave is composed', async () => {
    const core = await openDigestCore();
    const channels = Array.from({ length: 30 }, (_, i) => `C${i}`);
    const subscriptions = await Promise.all(channels.map((channel) => subscribe(core, channel, ['gaza'])));
    // Every composition reads what its channel was shown.
    let compositions = 0;
    const store = new Proxy(core.store, {
      get(target, property, receiver) {
        if (property === 'seenVersionDigests')
          return (...args: Parameters<typeof target.seenVersionDigests>) => {
            compositions += 1;
            return target.seenVersionDigests(...args);
          };
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    // What a platform client does: the request is written out on a later turn of the event loop.
    const composedWhenSent: number[] = [];
    const poster = {
      platform: 'slack' as const,
      async postToChannel(channelId: string): Promise<PostedMessage> {
        await new Promise((resolve) => setImmediate(resolve));
        composedWhenSent.push(compositions);
        return { platform: 'slack', channelId, threadId: `slack:${channelId}:1.0` };
      },
    };
    const scheduler = startScheduler(core, [poster], { store });
    const due = new Date();
    const outcomes = await Promise.all(subscriptions.map((s) => scheduler.runDue(s.id, due, s.timezone)));
    expect(outcomes.every((outcome) => outcome === 'posted')).toBe(true);
    expect(composedWhenSent[0]).toBeLessThan(channels.length / 2);
  });
});
