/** The Slack digest pacer on its own: workspace rate, per-channel turns, Retry-After. */
import { describe, expect, it, vi } from 'vitest';
import { PostPacer } from '../src/adapters/slack/post.js';

describe('PostPacer', () => {
  it('keeps posts across channels to the workspace rate, and no slower', async () => {
    // On a fake clock, so what is measured is the pacer's choice, not how late a loaded machine runs
    // the callback after it: under CI load that lateness alone took a 50 ms gap to 44.9.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const pacer = new PostPacer({ perChannelMs: 0, workspacePerSecond: 20 });
      const starts: number[] = [];
      const posted = Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          pacer.run(`C${i}`, async () => {
            starts.push(performance.now());
          }),
        ),
      );
      await vi.advanceTimersByTimeAsync(1_000);
      await posted;
      expect(starts).toHaveLength(8);
      for (let i = 1; i < starts.length; i++) {
        const gap = starts[i]! - starts[i - 1]!;
        expect(gap).toBeGreaterThanOrEqual(50);
        expect(gap).toBeLessThanOrEqual(51);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('resends the same message after exactly Retry-After, and passes other errors on', async () => {
    const pacer = new PostPacer({ perChannelMs: 0 });
    let calls = 0;
    const started = performance.now();
    const result = await pacer.run('C1', async () => {
      calls += 1;
      if (calls === 1)
        throw Object.assign(new Error('limited'), {
          code: 'slack_webapi_rate_limited_error',
          retryAfter: 0.3,
        });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await expect(pacer.run('C1', () => Promise.reject(new Error('channel_not_found')))).rejects.toThrow(
      'channel_not_found',
    );
  });

  it("says when a channel's next post is about to be free, so the next digest is made just in time", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const pacer = new PostPacer({ perChannelMs: 400 });
      /** How long after the call the channel's turn is announced, on the fake clock. */
      const announced = async (channel: string, leadMs?: number) => {
        const asked = performance.now();
        let at = Number.NaN;
        const soon = pacer.turnSoon(channel, leadMs).then(() => (at = performance.now()));
        await vi.advanceTimersByTimeAsync(1_000);
        await soon;
        return at - asked;
      };
      // Nothing posted there yet: its turn is now.
      expect(await announced('C1')).toBe(0);
      await pacer.run('C1', async () => 'first');
      // 400 ms after the post, less the 100 ms asked for.
      const waited = await announced('C1', 100);
      expect(waited).toBeGreaterThanOrEqual(300);
      expect(waited).toBeLessThanOrEqual(301);
      // Another channel is not held by this one.
      await pacer.run('C1', async () => 'second');
      expect(await announced('C2')).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps up with a high budget while the event loop is busy, and never goes beyond it', async () => {
    // 1,000 posts a second across many channels, while other work holds the loop 5 ms a turn: a strict
    // 1 ms gap let about one post out a turn (under 200 a second) and starved the posts that lost.
    const created = performance.now();
    const pacer = new PostPacer({ perChannelMs: 0, workspacePerSecond: 1_000 });
    const busy = setInterval(() => {
      const until = performance.now() + 5;
      while (performance.now() < until);
    }, 0);
    const starts: number[] = [];
    try {
      await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          pacer.run(`C${i}`, async () => {
            starts.push(performance.now());
          }),
        ),
      );
    } finally {
      clearInterval(busy);
    }
    expect(starts).toHaveLength(400);
    // 50 at once, then 1 a ms: about 350 ms; one post a 5 ms turn would take 2 s.
    expect(starts.at(-1)! - created).toBeLessThan(1_000);
    // By any post, no more have started than the 50 the budget holds plus 1 a ms since it was made.
    starts.forEach((start, index) => {
      expect(index + 1).toBeLessThanOrEqual(50 + Math.floor(start - created) + 1);
    });
  });
});
