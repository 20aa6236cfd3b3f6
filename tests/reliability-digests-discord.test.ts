import { afterEach, describe, expect, it } from 'vitest';
import type { DigestMark } from '../src/core/delivery.js';
import type { Reply } from '../src/reply.js';
import { type Harness, startHarness } from './emulators/discord/harness.js';

/**
 * Digests on Discord across a crash, through the real discord.js client against the emulator: a
 * retried post carries the run's nonce (Discord returns the first message), and an attempt after a
 * crash first looks for the run's reference in the channel's recent messages.
 */
const digest: Reply = {
  kind: 'digest',
  audience: 'channel',
  title: 'Daily digest: Gaza',
  sections: [
    {
      heading: 'Fears grow over an offensive in Rafah',
      text: 'Over 1.5 million civilians are sheltering in Rafah.',
      itemId: 'gaza-rafah',
    },
  ],
  thread: { topic: 'gaza', itemIds: ['gaza-rafah'] },
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const mark = (runId: string, lookFirst: boolean): DigestMark => ({
  runId,
  due: new Date(Date.now() - 60_000),
  lookFirst,
});

describe('a Discord digest across a crash', () => {
  it('posted again with the same nonce while Discord remembers it: one message, one thread', async () => {
    h = await startHarness();
    const channel = h.emulator.channelId;
    const first = await h.adapter.postToChannel(channel, digest, mark('sub-1/2026-12-02', false));
    const again = await h.adapter.postToChannel(channel, digest, mark('sub-1/2026-12-02', false));
    expect(again).toEqual({ ...first, alreadyPosted: true });
    expect(h.emulator.messagesIn(channel)).toHaveLength(1);
    const body = h.emulator.requestsTo('messages.post')[0]?.body as {
      nonce?: string;
      enforce_nonce?: boolean;
    };
    expect(body.enforce_nonce).toBe(true);
    expect(body.nonce?.length).toBeLessThanOrEqual(25);
    expect(h.emulator.violations).toEqual([]);
  });

  it('after Discord forgot the nonce, the check of recent messages finds the digest and posts nothing', async () => {
    h = await startHarness({ emulator: { nonceWindowMs: 1 } });
    const channel = h.emulator.channelId;
    const first = await h.adapter.postToChannel(channel, digest, mark('sub-1/2026-12-02', false));
    const [message] = h.emulator.messagesIn(channel);
    expect(JSON.stringify(message?.embeds)).toMatch(/ref [\w-]{12}/);
    await new Promise((resolve) => setTimeout(resolve, 5));

    const taken = await h.adapter.postToChannel(channel, digest, mark('sub-1/2026-12-02', true));
    expect(taken).toEqual({ ...first, alreadyPosted: true });
    expect(h.emulator.messagesIn(channel)).toHaveLength(1);
    expect(h.emulator.requestsTo('messages.get').length).toBeGreaterThan(0);

    // Another run's digest is not mistaken for it.
    await h.adapter.postToChannel(channel, digest, mark('sub-2/2026-12-02', true));
    expect(h.emulator.messagesIn(channel)).toHaveLength(2);
    expect(h.emulator.violations).toEqual([]);
  });
});
