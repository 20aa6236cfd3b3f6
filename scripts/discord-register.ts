/**
 * Registers the bot's slash commands with Discord, separately from the running bot (Discord keeps them
 * until they change, so this runs once per change, not on every start).
 *
 *   npm run discord:register             # DISCORD_GUILD_ID set: that guild, at once; unset: global
 *   npm run discord:register -- --global # global even when DISCORD_GUILD_ID is set (can take a while to show)
 *   npm run discord:register -- --guild 123456789012345678
 */
import { pathToFileURL } from 'node:url';
import { REST, Routes } from 'discord.js';
import { buildCommandRegistrations } from '../src/adapters/discord/commands.js';
import { DISCORD_API_URL, type DiscordConfig } from '../src/adapters/discord/types.js';
import type { Command } from '../src/core/commands/command.js';

export interface RegisterResult {
  scope: 'global' | 'guild';
  route: string;
  /** Names Discord confirmed. */
  names: string[];
}

/** PUTs the whole command list (Discord replaces what was there): one guild's commands, or global ones. */
export async function registerDiscordCommands(
  config: DiscordConfig,
  commands: readonly Pick<Command, 'name' | 'description' | 'options'>[],
): Promise<RegisterResult> {
  const body = buildCommandRegistrations(commands);
  const rest = new REST({ version: '10', api: config.apiUrl ?? DISCORD_API_URL }).setToken(config.token);
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
    : Routes.applicationCommands(config.applicationId);
  try {
    const registered = (await rest.put(route, { body })) as { name: string }[];
    return { scope: config.guildId ? 'guild' : 'global', route, names: registered.map((c) => c.name) };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/** `--global` drops the guild; `--guild <id>` picks one. */
export function applyFlags(config: DiscordConfig, argv: readonly string[]): DiscordConfig {
  const { guildId: _ignored, ...global } = config;
  if (argv.includes('--global')) return global;
  const at = argv.indexOf('--guild');
  if (at >= 0) {
    const guildId = argv[at + 1];
    if (!guildId || !/^\d{17,20}$/.test(guildId)) throw new Error('--guild needs a numeric guild id');
    return { ...global, guildId };
  }
  return config;
}

async function main(argv: readonly string[]): Promise<void> {
  const { loadConfig, loadDotEnv } = await import('../src/config.js');
  const { commands } = await import('../src/core/commands/index.js');
  loadDotEnv();
  const discord = loadConfig().discord;
  if (!discord) {
    throw new Error(
      'Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (in .env or the environment) to register commands.',
    );
  }
  const result = await registerDiscordCommands(applyFlags(discord, argv), commands);
  const where =
    result.scope === 'guild' ? 'in the guild (available now)' : 'globally (may take up to an hour to appear)';
  process.stdout.write(`Registered ${result.names.map((n) => `/${n}`).join(', ')} ${where}.\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `discord:register failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
