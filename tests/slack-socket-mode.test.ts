/**
 * Socket Mode: the real Bolt app opens a connection through `apps.connections.open` and receives
 * envelopes over a WebSocket on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMessage } from './emulators/slack/blockkit.js';
import { CHANNEL, type SlackHarness, startSlackHarness, USER } from './emulators/slack/harness.js';
import { eventCallback } from './emulators/slack/sign.js';

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ mode: 'socket' });
});

afterAll(async () => {
  await h?.close();
});

describe('Slack in Socket Mode', () => {
  it('connects with the app token and opens no HTTP port', () => {
    const open = h.emulator.callsOf('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.headers.authorization).toBe(`Bearer ${h.emulator.appToken}`);
    expect(h.emulator.socketCount).toBe(1);
    expect(h.adapter.address()).toBeUndefined();
  });

  it('acknowledges a /brief envelope within 3 s and posts the briefing', async () => {
    const ack = await h.emulator.sendEnvelope('slash_commands', h.slashPayload('gaza'));
    expect(ack.elapsedMs).toBeLessThan(3_000);
    const post = await h.emulator.waitFor((e) => e.posted()[0]);
    expect(post.body.channel).toBe(CHANNEL);
    expect(validateMessage(post.body)).toEqual([]);
    expect(JSON.stringify(post.body.blocks)).toContain('over 1.5 million civilians');
  });

  it('answers a thread reply delivered as an events_api envelope', async () => {
    const briefing = h.emulator.posted()[0]!;
    const threadTs = (briefing.response as { ts: string }).ts;
    await expect.poll(() => h.bot.remembered.length).toBe(1);
    await h.emulator.sendEnvelope(
      'events_api',
      eventCallback({
        type: 'message',
        channel: CHANNEL,
        user: USER,
        text: 'how many civilians are in Rafah?',
        ts: '1714390100.000001',
        thread_ts: threadTs,
        client_msg_id: 'socket-msg-1',
      }),
    );
    const answer = await h.emulator.waitFor((e) =>
      e.posted().find((call) => call.body.thread_ts === threadTs),
    );
    expect(JSON.stringify(answer.body.blocks)).toContain('1.5 million');
  });
});
