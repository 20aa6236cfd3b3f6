/**
 * Follow-up questions in a briefing's thread, through the real Bolt app and the emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateMessage } from './emulators/slack/blockkit.js';
import {
  CHANNEL,
  SIGNING_SECRET,
  type SlackHarness,
  startSlackHarness,
  USER,
} from './emulators/slack/harness.js';
import type { RecordedCall } from './emulators/slack/server.js';
import { JSON_TYPE, postSigned } from './emulators/slack/sign.js';

let h: SlackHarness;
/** ts of the briefing whose thread the questions go to. */
let briefingTs: string;
let mark = 0;
let counter = 0;

beforeAll(async () => {
  h = await startSlackHarness();
  await h.command('gaza');
  const post = await h.emulator.waitFor((e) => e.posted()[0]);
  briefingTs = (post.response as { ts: string }).ts;
  await vi.waitFor(() => {
    if (h.bot.remembered.length !== 1) throw new Error('thread not remembered yet');
  });
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.bot.reset();
  mark = h.emulator.calls.length;
});

function threadPosts(threadTs = briefingTs): RecordedCall[] {
  return h.emulator.calls
    .slice(mark)
    .filter((call) => call.method === 'chat.postMessage' && call.body.thread_ts === threadTs);
}

/** A person's reply in a thread, as Slack delivers it. */
function reply(text: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    type: 'message',
    channel: CHANNEL,
    user: USER,
    text,
    ts: `1714390000.${String(counter).padStart(6, '0')}`,
    thread_ts: briefingTs,
    parent_user_id: h.emulator.botUserId,
    client_msg_id: `msg-${counter}-${Date.now()}`,
    channel_type: 'channel',
    event_ts: `1714390000.${String(counter).padStart(6, '0')}`,
    ...overrides,
  };
}

describe('follow-up questions in a Slack thread', () => {
  it('answers a reply in the briefing’s thread in that thread, quoting the 1.5 million sentence', async () => {
    const ack = await h.event(reply(`<@${h.emulator.botUserId}> how many civilians are in Rafah?`));
    expect(ack.status).toBe(200);
    const answer = await h.emulator.waitFor(() => threadPosts()[0]);
    expect(answer.body.thread_ts).toBe(briefingTs);
    expect(answer.body.channel).toBe(CHANNEL);
    expect(validateMessage(answer.body)).toEqual([]);
    const blocks = JSON.stringify(answer.body.blocks);
    expect(blocks).toContain('1.5 million');
    expect(blocks).toContain('> Netanyahu had previously pledged to deploy troops to Rafah');
    expect(blocks).toContain('2024-04-29-biden-netanyahu-call.txt · 2024-04-29');
    expect(h.bot.followUpCalls).toEqual([
      {
        platform: 'slack',
        workspaceId: 'T0EMU',
        channelId: CHANNEL,
        userId: USER,
        threadId: `slack:${CHANNEL}:${briefingTs}`,
        text: 'how many civilians are in Rafah?',
      },
    ]);
  });

  it('gives nothing to messages from bots, including its own', async () => {
    const from = h.logger.lines.length;
    await h.event(reply('automated digest', { subtype: 'bot_message', bot_id: 'B0OTHER', user: undefined }));
    await h.event(reply('another bot, no subtype', { bot_id: 'B0OTHER', user: 'U0OTHERBOT' }));
    await h.event(reply('my own answer', { user: h.emulator.botUserId, bot_id: h.emulator.botId }));
    await h.logger.waitFor(/message ignored/, from);
    await expect
      .poll(() => h.logger.lines.slice(from).filter((l) => /message ignored/.test(l.message)).length)
      .toBe(2);
    // Bolt's ignoreSelf drops the third before it reaches the adapter; either way no bot was asked.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.bot.followUpCalls).toHaveLength(0);
    expect(threadPosts()).toHaveLength(0);
  });

  it('ignores edits, deletions and top-level messages', async () => {
    const from = h.logger.lines.length;
    await h.event(reply('edited', { subtype: 'message_changed', hidden: true }));
    await h.event(reply('gone', { subtype: 'message_deleted', hidden: true }));
    const topLevel = reply('not in a thread');
    await h.event({ ...topLevel, thread_ts: undefined });
    await h.event({ ...topLevel, ts: '1714399999.000001', thread_ts: '1714399999.000001' });
    await expect
      .poll(() => h.logger.lines.slice(from).filter((l) => /message ignored/.test(l.message)).length)
      .toBe(4);
    expect(h.bot.followUpCalls).toHaveLength(0);
    expect(threadPosts()).toHaveLength(0);
  });

  it('answers a retried delivery (X-Slack-Retry-Num) and a duplicate event only once', async () => {
    const message = reply('who is mediating?');
    const first = await h.event(message);
    await h.emulator.waitFor(() => threadPosts()[0]);

    const from = h.logger.lines.length;
    const retry = await postSigned(h.eventsUrl, first.body, {
      secret: SIGNING_SECRET,
      contentType: JSON_TYPE,
      headers: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    // The same message delivered again under a new event id (e.g. a second subscription).
    await h.event(message);
    await expect
      .poll(
        () => h.logger.lines.slice(from).filter((l) => /duplicate delivery ignored/.test(l.message)).length,
      )
      .toBe(2);
    expect(h.bot.followUpCalls).toHaveLength(1);
    expect(threadPosts()).toHaveLength(1);
    expect(JSON.stringify(threadPosts()[0]?.body.blocks)).toContain('Egypt, Qatar');
  });

  it('stays quiet at a reply with no words ("👍", "(((("), rather than answering the last question again', async () => {
    await h.event(reply('how many civilians are in Rafah?'));
    await h.emulator.waitFor(() => threadPosts()[0]);
    await h.event(reply('👍'));
    await h.event(reply('(((('));
    await expect.poll(() => h.bot.followUpCalls.length).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(threadPosts()).toHaveLength(1);
  });

  it('stays quiet in a thread it did not start', async () => {
    await h.event(reply('how many civilians are in Rafah?', { thread_ts: '1714300000.000001' }));
    await expect.poll(() => h.bot.followUpCalls.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(threadPosts('1714300000.000001')).toHaveLength(0);
    expect(h.emulator.calls.slice(mark).filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('apologises in the thread, to the asker alone, when answering fails', async () => {
    h.bot.onFollowUp = async () => {
      throw new Error('index corrupted');
    };
    await h.event(reply('how many civilians are in Rafah?'));
    const apology = await h.emulator.waitFor(() =>
      h.emulator.calls
        .slice(mark)
        .find((call) => call.method === 'chat.postEphemeral' && call.body.thread_ts === briefingTs),
    );
    expect(String(apology.body.text)).toContain('Sorry');
    expect(threadPosts()).toHaveLength(0);
    expect(h.logger.errors().map((l) => l.message)).toContain('could not deliver a reply');
  });
});
