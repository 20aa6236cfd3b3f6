import { type Client, Events } from 'discord.js';
import { type Adapter, type DigestMark, type PostedMessage, postReply } from '../../core/index.js';
import type { Reply } from '../../reply.js';
import { createClient } from './client.js';
import { discordCommandSyntax } from './commands.js';
import { DiscordDelivery } from './delivery.js';
import { DiscordHandlers } from './handlers.js';
import { logIn } from './login.js';
import type { DiscordAdapterOptions } from './types.js';

export { buildCommandRegistrations } from './commands.js';
export { renderReply } from './render.js';
export type { DiscordAdapterOptions, DiscordConfig, DiscordLogger, DiscordMessagePayload } from './types.js';

/**
 * Permissions the bot needs in a channel: View Channel, Send Messages, Embed Links, Read Message History,
 * Create Public Threads, Send Messages in Threads.
 */
export const BOT_PERMISSIONS = (
  (1n << 10n) | // View Channel
  (1n << 11n) | // Send Messages
  (1n << 14n) | // Embed Links
  (1n << 16n) | // Read Message History
  (1n << 35n) | // Create Public Threads
  (1n << 38n)
) // Send Messages in Threads
  .toString();

/** The URL that adds the bot (and its slash commands) to a server. */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: BOT_PERMISSIONS,
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}

export interface DiscordAdapter extends Adapter {
  /** The discord.js client, for diagnostics. */
  readonly client: Client;
}

/** The Discord adapter: slash commands with topic autocomplete, follow-ups in threads, digest posting. */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { bot, config, logger } = options;
  const client = createClient(config, options.rest);
  const syntax = discordCommandSyntax(bot.commands);
  const handlers = new DiscordHandlers(client, bot, logger, options.deferAfterMs ?? 1000, syntax);
  const digests = new DiscordDelivery(client, syntax);

  client.on(Events.InteractionCreate, (interaction) => {
    const fail = (error: unknown) => logger.error('discord: interaction handler failed', { error });
    if (interaction.isChatInputCommand()) handlers.onCommand(interaction).catch(fail);
    else if (interaction.isAutocomplete()) handlers.onAutocomplete(interaction).catch(fail);
  });
  client.on(Events.MessageCreate, (message) => {
    handlers
      .onMessage(message)
      .catch((error: unknown) => logger.error('discord: message handler failed', { error }));
  });
  client.on(Events.Error, (error) => logger.error('discord: client error', { error }));
  client.on(Events.Warn, (message) => logger.warn(`discord: ${message}`));
  client.on(Events.ShardResume, (shardId) => logger.info(`discord: shard ${shardId} resumed`));
  client.rest.on('rateLimited', (info) => {
    options.metrics?.rateLimited('discord');
    logger.warn(`discord: rate limited on ${info.method} ${info.route}, waiting ${info.retryAfter} ms`);
  });

  return {
    platform: 'discord',
    client,

    async start() {
      await logIn(client, config.token, config.apiUrl);
      // Once connected: a shard closed for good while logging in is the one start-up message instead.
      client.on(Events.ShardDisconnect, (event, shardId) =>
        logger.warn(`discord: shard ${shardId} disconnected for good (${event.code})`),
      );
      const shards = [...client.ws.shards.keys()];
      logger.info(
        `discord: connected as ${client.user?.tag ?? 'unknown'} in ${client.guilds.cache.size} guild(s) on shard ${shards.join(', ')} of ${client.options.shardCount ?? 1}`,
      );
    },

    async stop() {
      await client.destroy();
    },

    postToChannel(channelId: string, reply: Reply, mark?: DigestMark): Promise<PostedMessage> {
      return postReply(bot, digests, { platform: 'discord', channelId }, reply, logger, mark);
    },
  };
}
