import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Reply } from '../src/reply.js';
import type { ApiMessage } from './emulators/discord/fixtures.js';
import { user } from './emulators/discord/fixtures.js';
import { type Harness, startHarness } from './emulators/discord/harness.js';

let h: Harness;

const LEAK = [
  '---',
  'title: Leaked evacuation memo',
  'date: 2024-04-30',
  'source: Leaks Weekly @here',
  'url: https://example.com/leak',
  '---',
  'A leaked memo told @everyone in the camp to evacuate by noon. The memo was addressed to <@&123> and @here, and was signed by <@456>.',
  '',
].join('\n');

beforeAll(async () => {
  h = await startHarness({ files: { '2024-04-30-leak.md': LEAK } });
});

afterAll(async () => {
  await h?.stop();
});

afterEach(() => {
  // Every message the bot sent was within Discord's limits and could ping no one; no unknown routes.
  expect(h.emulator.violations).toEqual([]);
  expect(h.emulator.unhandled).toEqual([]);
});

const byBot = (m: ApiMessage) => m.author.id === h.emulator.botUser.id;
const embedText = (m: ApiMessage) => JSON.stringify(m.embeds);
const footerOf = (m: ApiMessage) =>
  (m.embeds.at(-1) as { footer?: { text: string } } | undefined)?.footer?.text;

/** Runs /brief as a user and waits for the answer and the thread on it. */
async function brief(topic: string) {
  const interaction = h.emulator.command('brief', { topic });
  const thread = await h.emulator.waitFor(
    () => interaction.originalMessageId && h.emulator.threadOn(interaction.originalMessageId),
    `a thread on the /brief ${topic} answer`,
  );
  const message = h.emulator.messages.get(interaction.originalMessageId!)!;
  return { interaction, message, thread };
}

/** Asks in a thread and waits for the bot's next message there. */
async function ask(threadId: string, question: string): Promise<ApiMessage> {
  const before = h.emulator.messagesIn(threadId).filter(byBot).length;
  h.emulator.say(threadId, question);
  return h.emulator.waitFor(
    () => h.emulator.messagesIn(threadId).filter(byBot)[before],
    `an answer to "${question}"`,
  );
}

describe('/brief in Discord', () => {
  test('typing "ga" offers gaza', async () => {
    const interaction = h.emulator.autocomplete('brief', { topic: 'ga' }, 'topic');
    const choices = await h.emulator.waitFor(() => interaction.choices, 'autocomplete choices');
    expect(choices).toContainEqual({ name: 'Gaza (gaza)', value: 'gaza' });
    expect(interaction.ackedAt! - interaction.dispatchedAt).toBeLessThan(3000);
  });

  test('/brief gaza answers within 3 s with the three stories as embeds and opens a "gaza" thread on it', async () => {
    const { interaction, message, thread } = await brief('gaza');
    expect(interaction.callbackType).toBe(4);
    expect(interaction.ackedAt! - interaction.dispatchedAt).toBeLessThan(3000);

    expect(message.content).toBe('**Briefing: Gaza**\n3 stories · 1 outlet · latest 2024-04-29');
    expect(message.embeds).toHaveLength(3);
    const text = embedText(message);
    expect(text).toMatch(/Egypt, Qatar, and the United States/);
    expect(text).toMatch(/northern crossings/);
    expect(text).toMatch(/1\.5 million civilians/);
    expect(footerOf(message)).toBe(
      '/brief topic:gaza more for the key points. Reply in the thread to ask about these items.',
    );
    expect(h.emulator.payloads.get(message.id)).toMatchObject({ allowed_mentions: { parse: [] } });

    expect(thread).toMatchObject({ id: message.id, name: 'gaza', parent_id: h.emulator.channelId });
  });

  test('a question in that thread gets the 1.5 million answer, with its source, in the thread', async () => {
    const { thread } = await brief('gaza');
    const answer = await ask(thread.id, 'How many civilians are in Rafah?');
    expect(answer.channel_id).toBe(thread.id);
    expect(embedText(answer)).toContain('over 1.5 million civilians');
    expect(embedText(answer)).toContain('2024-04-29-biden-netanyahu-call.txt');
    expect(h.emulator.payloads.get(answer.id)).toMatchObject({ allowed_mentions: { parse: [] } });
  });

  test("a bot's message in the thread gets nothing, and the bot does not answer itself", async () => {
    const { thread } = await brief('gaza');
    h.emulator.say(
      thread.id,
      'How many civilians are in Rafah?',
      user('999000111222333444', 'otherbot', true),
    );
    const answer = await ask(thread.id, 'Who has mediated between the sides?');
    expect(embedText(answer)).toContain('Egypt');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // One answer: none for the other bot, none for the bot's own answer echoed back by the gateway.
    expect(h.emulator.messagesIn(thread.id).filter(byBot)).toHaveLength(1);
  });

  test('a thread the bot did not open gets nothing', async () => {
    const foreign = h.emulator.openThreadAs(h.emulator.human, 'chat about rafah');
    h.emulator.say(foreign.id, 'How many civilians are in Rafah?');
    const { thread } = await brief('gaza');
    await ask(thread.id, 'How many civilians are in Rafah?');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.emulator.messagesIn(foreign.id).filter(byBot)).toEqual([]);
  });

  test('a follow-up in a thread the client never saw (e.g. after a restart) is still answered', async () => {
    const hidden = h.emulator.openThreadAs(h.emulator.botUser, 'gaza', { silent: true });
    const threadId = `discord:${h.emulator.guildId}:${h.emulator.channelId}:${hidden.id}`;
    await h.bot.rememberThread(
      { platform: 'discord', channelId: h.emulator.channelId, threadId },
      {
        kind: 'briefing',
        audience: 'channel',
        title: 'Gaza',
        sections: [],
        thread: { topic: 'gaza', itemIds: ['gaza-rafah'] },
      },
    );
    const answer = await ask(hidden.id, 'How many civilians are in Rafah?');
    expect(embedText(answer)).toContain('1.5 million');
    expect(h.emulator.requestsTo('channel.get').map((r) => r.path)).toContain(`/channels/${hidden.id}`);
  });

  test('a document with @everyone and <@&123> produces messages whose allowed_mentions parse nothing', async () => {
    const { message, thread } = await brief('leaked memo');
    const answer = await ask(thread.id, 'Who was the memo addressed to?');
    for (const sent of [message, answer]) {
      expect(h.emulator.payloads.get(sent.id)).toMatchObject({ allowed_mentions: { parse: [] } });
      const shown = `${sent.content} ${embedText(sent)}`;
      expect(shown).not.toMatch(/@(everyone|here)/);
      expect(shown).not.toMatch(/(?<!\\)<@/);
    }
    expect(embedText(message)).toContain('evacuate');
  });

  test('a slow answer is deferred within 3 s, then shown, with its thread', async () => {
    h.bot.commandDelayMs = 1300;
    try {
      const { interaction, message } = await brief('gaza');
      expect(interaction.callbackType).toBe(5);
      expect(interaction.ackedAt! - interaction.dispatchedAt).toBeLessThan(3000);
      const edits = h.emulator.requestsTo('original.patch');
      expect(edits).toHaveLength(1);
      expect(edits[0]?.rawPath).toMatch(/\/messages\/%40original$/);
      expect(message.embeds).toHaveLength(3);
    } finally {
      h.bot.commandDelayMs = 0;
    }
  });

  test('when the core fails, the user gets a short apology, not silence', async () => {
    h.bot.failNext = true;
    const interaction = h.emulator.command('brief', { topic: 'gaza' });
    const message = await h.emulator.waitFor(
      () => interaction.originalMessageId && h.emulator.messages.get(interaction.originalMessageId),
      'the apology',
    );
    expect(message.content).toBe('**Sorry, something went wrong**');
    // Only the requester sees it, as in Slack.
    expect(message.flags & 64).toBe(64);
    expect(h.logger.at('error')).toContain('could not deliver a reply');
    h.logger.lines.length = 0;
  });

  test('/brief typed inside a thread answers in that thread, opens no other, and a question there is answered', async () => {
    const thread = h.emulator.openThreadAs(h.emulator.human, 'our notes');
    const interaction = h.emulator.command('brief', { topic: 'gaza' }, thread.id);
    const briefing = await h.emulator.waitFor(
      () => interaction.originalMessageId && h.emulator.messages.get(interaction.originalMessageId),
      'the briefing in the thread',
    );
    expect(briefing.channel_id).toBe(thread.id);
    expect(footerOf(briefing)).toBe(
      '/brief topic:gaza more for the key points. Ask about these items here in this thread.',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.emulator.requestsTo('threads.post').filter((r) => r.path.includes(briefing.id))).toEqual([]);
    const answer = await ask(thread.id, 'How many civilians are in Rafah?');
    expect(embedText(answer)).toContain('over 1.5 million civilians');
  });

  test('a question that mentions the bot is answered without the raw mention in its heading', async () => {
    const { thread } = await brief('gaza');
    const answer = await ask(thread.id, `<@${h.emulator.botUser.id}> how many civilians are in Rafah?`);
    expect(embedText(answer)).toContain('over 1.5 million civilians');
    expect(`${answer.content} ${embedText(answer)}`).not.toMatch(/<@|\\<@/);
    expect(answer.content).toContain('how many civilians are in Rafah?');
  });

  test('an error reply is ephemeral: only the requester sees it, even after a defer', async () => {
    const wrong = h.emulator.command('subscribe', { topics: 'gaza', time: '25:00', timezone: 'UTC' });
    const refused = await h.emulator.waitFor(
      () => wrong.originalMessageId && h.emulator.messages.get(wrong.originalMessageId),
      'the refusal',
    );
    expect(refused.flags & 64).toBe(64);
    expect(embedText(refused)).toContain('is not a time');

    h.bot.commandDelayMs = 1300;
    try {
      const slow = h.emulator.command('subscribe', { topics: 'gaza', time: '25:00', timezone: 'UTC' });
      const followUp = await h.emulator.waitFor(
        () => slow.followUpIds[0] && h.emulator.messages.get(slow.followUpIds[0]),
        'the refusal after the defer',
      );
      expect(slow.callbackType).toBe(5);
      expect(slow.deletedOriginal).toBe(true);
      expect(followUp.flags & 64).toBe(64);
      expect(embedText(followUp)).toContain('is not a time');
    } finally {
      h.bot.commandDelayMs = 0;
    }
  });

  test('/topics lists topics and opens no thread', async () => {
    const interaction = h.emulator.command('topics');
    const message = await h.emulator.waitFor(
      () => interaction.originalMessageId && h.emulator.messages.get(interaction.originalMessageId),
      'the topic list',
    );
    expect(embedText(message)).toContain('gaza: Gaza');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.emulator.threadOn(message.id)).toBeUndefined();
  });
});

describe('digests', () => {
  const digest: Reply = {
    kind: 'digest',
    audience: 'channel',
    title: 'Daily digest: Gaza',
    sections: [
      {
        heading: 'Fears grow over an offensive in Rafah',
        text: 'Over 1.5 million civilians are sheltering in Rafah.',
        source: {
          name: 'BBC News',
          url: 'https://www.bbc.co.uk/news/world-middle-east-rafah',
          date: '2024-04-29',
        },
        itemId: 'gaza-rafah',
      },
    ],
    thread: { topic: 'gaza', itemIds: ['gaza-rafah'] },
  };

  test('post to a channel, open a thread on the post, and answer follow-ups there', async () => {
    const posted = await h.adapter.postToChannel(h.emulator.channelId, digest);
    const [message] = h.emulator
      .messagesIn(h.emulator.channelId)
      .filter((m) => embedText(m).includes('Daily') || m.content.includes('Daily'));
    expect(message).toBeDefined();
    expect(posted).toEqual({
      platform: 'discord',
      channelId: h.emulator.channelId,
      threadId: `discord:${h.emulator.guildId}:${h.emulator.channelId}:${message!.id}`,
    });
    const thread = h.emulator.threadOn(message!.id);
    expect(thread?.name).toBe('gaza');
    const answer = await ask(thread!.id, 'How many civilians are in Rafah?');
    expect(embedText(answer)).toContain('1.5 million');
  });

  test('posting to a channel that does not exist fails loudly', async () => {
    await expect(h.adapter.postToChannel('123456789012345678', digest)).rejects.toThrow(/Unknown Channel/);
  });
});

describe('the connection', () => {
  test('asks only for the intents it needs: Guilds, GuildMessages and MessageContent', () => {
    expect(h.emulator.identifies[0]?.intents).toBe((1 << 0) | (1 << 9) | (1 << 15));
  });
});
