import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyFlags, registerDiscordCommands } from '../scripts/discord-register.js';
import { buildCommandRegistrations } from '../src/adapters/discord/commands.js';
import { inviteUrl } from '../src/adapters/discord/index.js';
import { commands } from '../src/core/commands/index.js';
import { DiscordEmulator } from './emulators/discord/server.js';

let emulator: DiscordEmulator;
beforeAll(async () => {
  emulator = await DiscordEmulator.start();
});
afterAll(async () => {
  await emulator.close();
});

describe('npm run discord:register', () => {
  test('registers /brief with topic autocomplete in one guild when a guild id is set', async () => {
    const result = await registerDiscordCommands(
      {
        token: emulator.token,
        applicationId: emulator.applicationId,
        guildId: emulator.guildId,
        apiUrl: emulator.apiUrl,
      },
      commands,
    );
    expect(result).toMatchObject({
      scope: 'guild',
      names: ['brief', 'timeline', 'topics', 'sources', 'subscribe', 'subscriptions', 'unsubscribe', 'help'],
    });
    const [put] = emulator.requestsTo('guildCommands.put');
    expect(put?.path).toBe(`/applications/${emulator.applicationId}/guilds/${emulator.guildId}/commands`);
    expect(put?.authorization).toBe(`Bot ${emulator.token}`);
    expect(put?.body).toEqual(buildCommandRegistrations(commands));
    expect(put?.body).toContainEqual(
      expect.objectContaining({
        name: 'brief',
        type: 1,
        options: [expect.objectContaining({ name: 'topic', type: 3, required: true, autocomplete: true })],
      }),
    );
    expect(emulator.violations).toEqual([]);
  });

  test('registers the real command list globally without a guild id, as Discord accepts it', async () => {
    const result = await registerDiscordCommands(
      { token: emulator.token, applicationId: emulator.applicationId, apiUrl: emulator.apiUrl },
      commands,
    );
    expect(result.scope).toBe('global');
    expect(result.names).toEqual(commands.map((c) => c.name));
    const [put] = emulator.requestsTo('commands.put');
    expect(put?.body).toEqual(buildCommandRegistrations(commands));
    expect(emulator.violations).toEqual([]);
  });

  test('--global and --guild override the configured guild', () => {
    const config = { token: 't', applicationId: '1', guildId: '123456789012345678' };
    expect(applyFlags(config, ['--global'])).toEqual({ token: 't', applicationId: '1' });
    expect(applyFlags(config, ['--guild', '876543210987654321']).guildId).toBe('876543210987654321');
    expect(() => applyFlags(config, ['--guild'])).toThrow(/numeric guild id/);
  });

  test('a wrong token is refused', async () => {
    await expect(
      registerDiscordCommands(
        { token: 'wrong', applicationId: emulator.applicationId, apiUrl: emulator.apiUrl },
        commands,
      ),
    ).rejects.toThrow(/401|Unauthorized/);
  });

  test('the invite link asks for the bot and command scopes and only the permissions the bot uses', () => {
    const url = new URL(inviteUrl('123456789012345678'));
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('permissions')).toBe('309237730304');
  });
});
