import { afterEach, describe, expect, test } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../src/adapters/discord/index.js';
import { MemoryLogger } from './emulators/discord/harness.js';
import { DiscordEmulator } from './emulators/discord/server.js';
import { briefingsFolder, startCore } from './support/core.js';

/** The real core Bot on the seed briefing, behind the real discord.js client, against the emulator. */

let running: { emulator: DiscordEmulator; adapter: DiscordAdapter } | undefined;

afterEach(async () => {
  if (!running) return;
  expect(running.emulator.violations).toEqual([]);
  expect(running.emulator.unhandled).toEqual([]);
  await running.adapter.stop();
  await running.emulator.close();
  running = undefined;
});

async function start(files: Record<string, string> = {}) {
  const core = await startCore(briefingsFolder(files));
  const emulator = await DiscordEmulator.start();
  const adapter = createDiscordAdapter({
    bot: core.bot,
    logger: new MemoryLogger(),
    config: { token: emulator.token, applicationId: emulator.applicationId, apiUrl: emulator.apiUrl },
    rest: { retries: 0, timeout: 5000 },
  });
  running = { emulator, adapter };
  await adapter.start();
  return emulator;
}

describe('Discord with the real core on the seed briefing', () => {
  test('"ga" offers gaza; /brief gaza shows the three items and a thread answers the 1.5 million question', async () => {
    const emulator = await start();
    const typing = emulator.autocomplete('brief', { topic: 'ga' }, 'topic');
    const choices = await emulator.waitFor(() => typing.choices, 'choices');
    expect(choices.map((c) => c.value)).toContain('gaza');

    const interaction = emulator.command('brief', { topic: 'gaza' });
    const thread = await emulator.waitFor(
      () => interaction.originalMessageId && emulator.threadOn(interaction.originalMessageId),
      'the thread on the briefing',
    );
    expect(interaction.ackedAt! - interaction.dispatchedAt).toBeLessThan(3000);
    const briefing = emulator.messages.get(interaction.originalMessageId!)!;
    expect(briefing.embeds).toHaveLength(3);
    const shown = JSON.stringify(briefing.embeds);
    expect(shown).toMatch(/Egypt, Qatar, and the United States/);
    expect(shown).toMatch(/northern crossings/);
    expect(shown).toMatch(/1\.5 million civilians/);
    expect(thread.name).toBe('gaza');

    emulator.say(thread.id, 'How many civilians are in Rafah?');
    const answer = await emulator.waitFor(
      () => emulator.messagesIn(thread.id).find((m) => m.author.id === emulator.botUser.id),
      'the answer in the thread',
    );
    expect(JSON.stringify(answer.embeds)).toContain('over 1.5 million civilians');
  });

  test('a briefing document with @everyone and <@&123> pings no one', async () => {
    const emulator = await start({
      '2024-04-30-leak.md': [
        '---',
        'title: Leaked evacuation memo',
        'date: 2024-04-30',
        'source: Leaks Weekly',
        'url: https://example.com/leak',
        'topics: [gaza]',
        '---',
        'A leaked memo told @everyone in Rafah to evacuate by noon. The memo was addressed to <@&123> and @here.',
        '',
      ].join('\n'),
    });
    const interaction = emulator.command('brief', { topic: 'leaked memo' });
    const message = await emulator.waitFor(
      () => interaction.originalMessageId && emulator.messages.get(interaction.originalMessageId),
      'the briefing',
    );
    expect(emulator.payloads.get(message.id)).toMatchObject({ allowed_mentions: { parse: [] } });
    const shown = `${message.content} ${JSON.stringify(message.embeds)}`;
    expect(shown).toContain('evacuate');
    expect(shown).not.toMatch(/@(everyone|here)/);
    expect(shown).not.toMatch(/(?<!\\)<@/);
  });
});
