import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Reply } from '../src/reply.js';
import { type Harness, startHarness } from './emulators/discord/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

afterEach(() => {
  // Includes "retried before Retry-After ran out" and any message over a limit.
  expect(h.emulator.violations).toEqual([]);
  expect(h.emulator.unhandled).toEqual([]);
});

async function answered(interaction: { originalMessageId?: string | undefined }) {
  return h.emulator.waitFor(
    () => interaction.originalMessageId && h.emulator.messages.get(interaction.originalMessageId),
    'the answer to a command',
  );
}

describe('when the gateway connection drops', () => {
  test('the bot resumes its session and still answers the next command', async () => {
    await h.emulator.waitFor(() => h.emulator.heartbeats > 0, 'a heartbeat');
    h.emulator.dropConnection({ code: 4000 });
    // Sent while the bot is away: Discord replays it after RESUME.
    const interaction = h.emulator.command('brief', { topic: 'gaza' });
    const message = await answered(interaction);
    expect(message.embeds).toHaveLength(3);
    expect(interaction.ackedAt! - interaction.dispatchedAt).toBeLessThan(3000);
    expect(h.emulator.resumes).toHaveLength(1);
    expect(h.emulator.identifies).toHaveLength(1);
  });

  test('a dead socket is resumed too, and commands after it work', async () => {
    h.emulator.dropConnection({ abrupt: true });
    await h.emulator.waitFor(
      () => h.emulator.resumes.length === 2 && h.emulator.connected,
      'a second resume',
    );
    const message = await answered(h.emulator.command('topics'));
    expect(JSON.stringify(message.embeds)).toContain('gaza: Gaza');
    expect(h.emulator.identifies).toHaveLength(1);
  });
});

describe('when Discord rate-limits the bot', () => {
  const digest: Reply = {
    kind: 'digest',
    audience: 'channel',
    title: 'Daily digest: Gaza (rate-limit test)',
    sections: [
      { heading: 'Aid deliveries rise as new northern crossings open', text: 'More trucks entered.' },
    ],
  };

  test('a 429 delays a digest until Retry-After has passed, and it is posted exactly once', async () => {
    const rule = h.emulator.rateLimit('POST', /^\/channels\/\d+\/messages$/, 600);
    const started = Date.now();
    await h.adapter.postToChannel(h.emulator.channelId, digest);
    const elapsed = Date.now() - started;

    const attempts = h.emulator
      .requestsTo('messages.post')
      .filter((r) => JSON.stringify(r.body).includes('rate-limit test'));
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(rule.hits).toBe(1);
    const posted = h.emulator
      .messagesIn(h.emulator.channelId)
      .filter((m) => m.content.includes('rate-limit test'));
    expect(posted).toHaveLength(1);
    expect(h.logger.at('warn').some((line) => line.includes('rate limited'))).toBe(true);
  });

  test('a 429 on an answer in a thread delays it without dropping or doubling it', async () => {
    const interaction = h.emulator.command('brief', { topic: 'gaza' });
    const thread = await h.emulator.waitFor(
      () => interaction.originalMessageId && h.emulator.threadOn(interaction.originalMessageId),
      'the thread',
    );
    h.emulator.rateLimit('POST', new RegExp(`^/channels/${thread.id}/messages$`), 400, { count: 2 });
    h.emulator.say(thread.id, 'How many civilians are in Rafah?');
    const answer = await h.emulator.waitFor(
      () => h.emulator.messagesIn(thread.id).find((m) => m.author.id === h.emulator.botUser.id),
      'the answer after two 429s',
    );
    expect(JSON.stringify(answer.embeds)).toContain('1.5 million');
    const statuses = h.emulator
      .requestsTo('messages.post')
      .filter((r) => r.path === `/channels/${thread.id}/messages`);
    expect(statuses.map((r) => r.status)).toEqual([429, 429, 200]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      h.emulator.messagesIn(thread.id).filter((m) => m.author.id === h.emulator.botUser.id),
    ).toHaveLength(1);
  });
});
