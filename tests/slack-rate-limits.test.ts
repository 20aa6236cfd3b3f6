/**
 * Slack saying "not now" (429 + Retry-After) or failing (500): messages are delayed or rerouted, never
 * lost and never doubled. Also the digest poster the scheduler uses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateMessage } from './emulators/slack/blockkit.js';
import { CHANNEL, type SlackHarness, startSlackHarness } from './emulators/slack/harness.js';
import { gazaBriefing } from './emulators/slack/seed.js';
import type { RecordedCall } from './emulators/slack/server.js';

let h: SlackHarness;
let mark = 0;

beforeAll(async () => {
  h = await startSlackHarness({ requestTimeoutMs: 2_000 });
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.bot.reset();
  mark = h.emulator.calls.length;
});

function since(method: string): RecordedCall[] {
  return h.emulator.calls.slice(mark).filter((call) => call.method === method);
}

function accepted(): RecordedCall[] {
  return since('chat.postMessage').filter((call) => (call.response as { ok?: boolean }).ok);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('Slack rate limits and failures', () => {
  it('waits out a 429 with Retry-After: 1 and posts the briefing exactly once', async () => {
    h.emulator.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const ack = await h.command('gaza');
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(3_000);

    const post = await h.emulator.waitFor(() => accepted()[0], 10_000);
    const attempts = since('chat.postMessage');
    expect(attempts.map((call) => call.status)).toEqual([429, 200]);
    expect(post.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(JSON.stringify(post.body.blocks)).toContain('over 1.5 million civilians');
    expect(validateMessage(post.body)).toEqual([]);

    await sleep(300);
    expect(accepted()).toHaveLength(1);
    expect(since('response_url')).toHaveLength(0);
    expect(h.bot.remembered).toHaveLength(1);
  });

  it('retries a Slack 500 and posts the briefing once', async () => {
    h.emulator.failNext('chat.postMessage', { status: 500 });
    await h.command('gaza');
    await h.emulator.waitFor(() => accepted()[0]);
    expect(since('chat.postMessage').map((call) => call.status)).toEqual([500, 200]);
    await sleep(200);
    expect(accepted()).toHaveLength(1);
    expect(since('response_url')).toHaveLength(0);
  });

  it('delivers the briefing through response_url when Slack keeps failing chat.postMessage', async () => {
    h.emulator.failNext('chat.postMessage', { status: 500 }, 3);
    await h.command('gaza');
    const fallback = await h.emulator.waitFor(() => since('response_url')[0]);
    expect(since('chat.postMessage').map((call) => call.status)).toEqual([500, 500, 500]);
    expect(fallback.body.response_type).toBe('in_channel');
    expect(JSON.stringify(fallback.body.blocks)).toContain('over 1.5 million civilians');
    expect(accepted()).toHaveLength(0);
  });
});

describe('digest posting for the scheduler', () => {
  it('posts a digest to a channel and remembers its thread for follow-ups', async () => {
    const digest = { ...gazaBriefing(), kind: 'digest' as const, title: 'Daily digest: Gaza' };
    const posted = await h.adapter.postToChannel(CHANNEL, digest);
    expect(accepted()).toHaveLength(1);
    const call = accepted()[0]!;
    const ts = (call.response as { ts: string }).ts;
    expect(posted).toEqual({ platform: 'slack', channelId: CHANNEL, threadId: `slack:${CHANNEL}:${ts}` });
    expect(h.bot.remembered).toEqual([{ key: posted, reply: digest }]);
    expect(validateMessage(call.body)).toEqual([]);
  });

  it('posts a rate-limited digest once, after Retry-After', async () => {
    h.emulator.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = performance.now();
    const posted = await h.adapter.postToChannel(CHANNEL, gazaBriefing());
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(since('chat.postMessage').map((call) => call.status)).toEqual([429, 200]);
    expect(accepted()).toHaveLength(1);
    expect(posted.threadId).toMatch(/^slack:C0NEWS:\d+\.\d+$/);
  });

  it('paces digests to one channel at least 1 s apart, and other channels meanwhile', async () => {
    await sleep(1_100); // the previous test's post to CHANNEL
    const started = performance.now();
    const posts = await Promise.all([
      h.adapter.postToChannel(CHANNEL, gazaBriefing()),
      h.adapter.postToChannel(CHANNEL, gazaBriefing()),
      h.adapter.postToChannel('C0OTHER', gazaBriefing()),
      h.adapter.postToChannel(CHANNEL, gazaBriefing()),
    ]);
    expect(new Set(posts.map((p) => p.threadId)).size).toBe(4);
    const inChannel = accepted().filter((call) => call.body.channel === CHANNEL);
    expect(inChannel).toHaveLength(3);
    for (let i = 1; i < inChannel.length; i++) {
      expect(inChannel[i]!.at - inChannel[i - 1]!.at).toBeGreaterThanOrEqual(1_000);
    }
    const other = accepted().find((call) => call.body.channel === 'C0OTHER');
    expect(other!.at - inChannel[0]!.at).toBeLessThan(500);
    expect(performance.now() - started).toBeLessThan(3_500);
    expect(since('chat.postMessage').every((call) => call.status === 200)).toBe(true);
  });

  it('waits exactly Retry-After on a digest 429, not the client backoff, and posts it once', async () => {
    await sleep(1_100);
    h.emulator.failNext('chat.postMessage', { status: 429, retryAfter: 2 }, 2);
    const started = performance.now();
    await h.adapter.postToChannel(CHANNEL, gazaBriefing());
    const elapsed = performance.now() - started;
    // Two waits of 2 s; the client's own retries would add exponential backoff on top.
    expect(elapsed).toBeGreaterThanOrEqual(3_900);
    expect(elapsed).toBeLessThan(5_500);
    expect(since('chat.postMessage').map((call) => call.status)).toEqual([429, 429, 200]);
    expect(accepted()).toHaveLength(1);
  }, 10_000);

  it('never sends a digest again when Slack took it but its answer never came: the next attempt finds it in the channel', async () => {
    const channel = 'C0SLOWNET';
    const run = { runId: 'sub-slow/2025-01-15', due: new Date(Date.now() - 60_000), lookFirst: false };
    const digest = { ...gazaBriefing(), kind: 'digest' as const, title: 'Daily digest: Gaza' };
    h.emulator.holdNext('chat.postMessage', 'accept');
    await expect(h.adapter.postToChannel(channel, digest, run)).rejects.toThrow(/timeout|abort/i);
    // One request: the client did not resend it after the timeout, so Slack shows it once.
    const sent = () => since('chat.postMessage').filter((call) => call.body.channel === channel);
    expect(sent()).toHaveLength(1);
    expect(h.emulator.posted().filter((call) => call.body.channel === channel)).toHaveLength(1);

    // The scheduler's next attempt looks in the channel first, finds the digest there and sends nothing.
    const again = await h.adapter.postToChannel(channel, digest, { ...run, lookFirst: true });
    expect(again.alreadyPosted).toBe(true);
    expect(sent()).toHaveLength(1);
    expect(since('conversations.history').length).toBeGreaterThan(0);
  }, 15_000);

  it('fails loudly when Slack refuses a digest, so the scheduler can record it', async () => {
    h.emulator.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(h.adapter.postToChannel('C0GONE', gazaBriefing())).rejects.toThrow(/channel_not_found/);
    expect(h.bot.remembered).toHaveLength(0);
  });
});
