/**
 * `/brief` through the real Bolt app: signed HTTP requests in, Web API calls out to the emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../src/reply.js';
import { messageTexts, unescapedMarkup, validateMessage } from './emulators/slack/blockkit.js';
import {
  CHANNEL,
  SIGNING_SECRET,
  type SlackHarness,
  startSlackHarness,
  USER,
} from './emulators/slack/harness.js';
import type { RecordedCall } from './emulators/slack/server.js';
import { eventCallback, JSON_TYPE, postSigned } from './emulators/slack/sign.js';

let h: SlackHarness;
let mark = 0;

beforeAll(async () => {
  h = await startSlackHarness();
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.bot.reset();
  mark = h.emulator.calls.length;
});

/** Calls received since the test began. */
function since(method?: string): RecordedCall[] {
  return h.emulator.calls.slice(mark).filter((call) => !method || call.method === method);
}

function postedSince(): RecordedCall[] {
  return since('chat.postMessage').filter((call) => (call.response as { ok?: boolean }).ok);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('/brief in Slack', () => {
  it('acknowledges /brief gaza within 3 s, then posts the three items in the channel as valid Block Kit', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.bot.onCommand = async (request, inner) => {
      await gate;
      return inner.command(request);
    };

    const ack = await h.command('gaza');
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(3_000);
    // Acknowledged while the bot was still working: nothing posted yet.
    expect(postedSince()).toHaveLength(0);
    release();

    const post = await h.emulator.waitFor(() => postedSince()[0]);
    expect(post.body.channel).toBe(CHANNEL);
    expect(validateMessage(post.body)).toEqual([]);
    expect(h.emulator.violations()).toEqual([]);
    const items = (post.body.blocks as { type: string; text?: { text: string } }[]).filter(
      (block) => block.type === 'section' && block.text?.text.startsWith('*'),
    );
    expect(items).toHaveLength(3);
    const blocks = JSON.stringify(post.body.blocks);
    expect(blocks).toContain('Egypt, Qatar, and the United States');
    expect(blocks).toContain('new northern crossings');
    expect(blocks).toContain('over 1.5 million civilians');
    expect(blocks).toContain('2024-04-29-biden-netanyahu-call.txt · 2024-04-29');
    expect(String(post.body.text)).toContain('Briefing: Gaza');
    expect(post.headers.authorization).toBe(`Bearer ${h.emulator.botToken}`);

    expect(h.bot.commandCalls).toEqual([
      {
        platform: 'slack',
        workspaceId: 'T0EMU',
        channelId: CHANNEL,
        userId: USER,
        name: 'brief',
        input: { text: 'gaza' },
      },
    ]);
    const ts = (post.response as { ts: string }).ts;
    await expect
      .poll(() => h.bot.remembered.map((r) => r.key))
      .toEqual([{ platform: 'slack', channelId: CHANNEL, threadId: `slack:${CHANNEL}:${ts}` }]);
    expect(since('response_url')).toHaveLength(0);
  });

  it('shows usage only to the user for /brief and /brief help', async () => {
    for (const text of ['', 'help']) {
      const start = h.emulator.calls.length;
      const ack = await h.command(text);
      expect(ack.status).toBe(200);
      const answer = await h.emulator.waitFor((e) =>
        e.calls.slice(start).find((c) => c.path === new URL(ack.responseUrl).pathname),
      );
      expect(answer.body.response_type).toBe('ephemeral');
      expect(JSON.stringify(answer.body.blocks)).toContain('e.g. /brief gaza');
      expect(validateMessage(answer.body)).toEqual([]);
    }
    expect(postedSince()).toHaveLength(0);
  });

  it('tells the user privately when the topic is unknown', async () => {
    const ack = await h.command('atlantis');
    const answer = await h.emulator.waitFor(() => since('response_url')[0]);
    expect(answer.path).toBe(new URL(ack.responseUrl).pathname);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.body.blocks)).toContain('atlantis');
    expect(postedSince()).toHaveLength(0);
  });

  it('rejects a forged signature and a stale timestamp, and posts nothing', async () => {
    const forged = await h.command('gaza', { signature: `v0=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
    const wrongSecret = await h.command('gaza', { secret: 'not-the-signing-secret' });
    expect(wrongSecret.status).toBe(401);
    const stale = await h.command('gaza', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const event = JSON.stringify(
      eventCallback({
        type: 'message',
        channel: CHANNEL,
        user: USER,
        text: 'hi',
        ts: '1.1',
        thread_ts: '1.0',
      }),
    );
    const forgedEvent = await postSigned(h.eventsUrl, event, { secret: 'wrong', contentType: JSON_TYPE });
    expect(forgedEvent.status).toBe(401);

    await sleep(300);
    expect(h.bot.commandCalls).toHaveLength(0);
    expect(h.bot.followUpCalls).toHaveLength(0);
    expect(since()).toEqual([]);
  });

  it('answers Slack’s URL verification challenge', async () => {
    const body = JSON.stringify({ token: 't', challenge: 'challenge-123', type: 'url_verification' });
    const result = await postSigned(h.eventsUrl, body, { secret: SIGNING_SECRET, contentType: JSON_TYPE });
    expect(result.status).toBe(200);
    expect(result.body).toContain('challenge-123');
  });

  it('still delivers the briefing through response_url when the bot is not in the channel, promising no follow-ups', async () => {
    h.emulator.notMemberOf.add('C0PRIVATE');
    const ack = await h.command('gaza', { channel: 'C0PRIVATE' });
    expect(ack.status).toBe(200);
    const fallback = await h.emulator.waitFor(() => since('response_url')[0]);
    expect(fallback.body.response_type).toBe('in_channel');
    expect(validateMessage(fallback.body)).toEqual([]);
    const blocks = JSON.stringify(fallback.body.blocks);
    expect(blocks).toContain('over 1.5 million civilians');
    expect(blocks).toContain('Add me to this channel to ask follow-up questions about these items.');
    expect(blocks).not.toContain('Reply in the thread');
    expect(since('chat.postMessage').map((c) => c.response)).toEqual([
      { ok: false, error: 'not_in_channel' },
    ]);
    expect(h.bot.remembered).toHaveLength(0);
  });

  it('apologises to the user instead of going silent when the bot fails', async () => {
    const errorsBefore = h.logger.errors().length;
    h.bot.onCommand = async () => {
      throw new Error('store unavailable');
    };
    await h.command('gaza');
    const apology = await h.emulator.waitFor(() => since('response_url')[0]);
    expect(apology.body.response_type).toBe('ephemeral');
    expect(String(apology.body.text)).toContain('Sorry');
    expect(postedSince()).toHaveLength(0);
    const logged = h.logger.errors().slice(errorsBefore);
    expect(logged.map((line) => line.message)).toContain('could not deliver a reply');
  });

  it('posts document text holding <!channel>, <@U123> and a disguised link inert', async () => {
    const hostile: Reply = {
      kind: 'briefing',
      audience: 'channel',
      title: 'Breaking <!here>',
      sections: [
        {
          heading: 'Statement <!channel>',
          text: 'Ping <@U123> and <!subteam^S0TEAM>, then <https://evil.example|click here> & <http://x|y>.',
          quotes: ['<!everyone> look'],
          source: { name: 'Wire <@U123>', url: 'https://news.example/story?a=1&b=2', date: '2024-04-29' },
        },
      ],
    };
    h.bot.onCommand = async () => hostile;
    await h.command('gaza');
    const post = await h.emulator.waitFor(() => postedSince()[0]);
    const raw = JSON.stringify(post.body);
    for (const danger of [
      '<!channel>',
      '<!here>',
      '<@U123>',
      '<!subteam',
      '<https://evil',
      '<http://x',
      '<!everyone>',
    ]) {
      expect(raw).not.toContain(danger);
    }
    expect(raw).toContain('&lt;!channel&gt;');
    expect(raw).toContain('&lt;@U123&gt;');
    for (const text of messageTexts(post.body)) expect(unescapedMarkup(text)).toEqual([]);
    expect(raw).toContain('<https://news.example/story?a=1&amp;b=2|Wire &lt;@U123&gt;>');
    expect(validateMessage(post.body)).toEqual([]);
  });
});
