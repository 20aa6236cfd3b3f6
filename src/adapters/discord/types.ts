import type { ClientOptions } from 'discord.js';
import type { BotApi, Logger, Metrics } from '../../core/index.js';

/** Discord's own REST base; the gateway URL is whatever `GET /gateway/bot` there answers. */
export const DISCORD_API_URL = 'https://discord.com/api';

/**
 * What the Discord adapter and the registration script need. `src/config.ts` maps
 * DISCORD_TOKEN, DISCORD_APPLICATION_ID, DISCORD_GUILD_ID and DISCORD_API_URL onto it.
 */
export interface DiscordConfig {
  /** Bot token (without the "Bot " prefix). */
  token: string;
  applicationId: string;
  /** Register commands in this guild only (they update at once); global when unset. */
  guildId?: string;
  /** REST base without the version, e.g. "https://discord.com/api" or an emulator's "http://127.0.0.1:P/api". */
  apiUrl?: string;
  /**
   * The gateway shards this instance runs: 'auto' for every shard Discord recommends, or ids out of
   * `shardCount` when several instances share the bot. Unset: one shard, or all `shardCount` of them.
   */
  shards?: 'auto' | number[];
  /** How many shards all instances together run. */
  shardCount?: number;
}

/** The core's logger: a message and structured fields. */
export type DiscordLogger = Logger;

export interface DiscordAdapterOptions {
  bot: BotApi;
  config: DiscordConfig;
  logger: DiscordLogger;
  /** 429s and rate-limit waits are counted here when given. */
  metrics?: Metrics | undefined;
  /**
   * A command that has not answered after this long is deferred ("thinking...") and its reply edited
   * in later, so Discord's 3 s deadline is always met. Default 1,000 ms.
   */
  deferAfterMs?: number;
  /** Overrides for the REST client, e.g. `{ retries: 0, timeout: 3000 }` in tests. */
  rest?: ClientOptions['rest'];
}

/** Raw Discord message body (snake_case, as on the wire). */
export interface DiscordMessagePayload {
  content?: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: [] };
}

export interface DiscordEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
}

/** Discord's documented message limits. */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  /** Embed and masked-link URLs: Discord refuses longer ones. */
  url: 2048,
  /** Autocomplete: at most 25 choices, names and values 1-100 characters. */
  choices: 25,
  choiceName: 100,
  /** Thread names: 1-100 characters. */
  threadName: 100,
  /** Command names 1-32, descriptions 1-100, at most 25 options. */
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
} as const;
