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
});
