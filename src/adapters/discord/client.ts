import {
  type APIEmbed,
  ChannelType,
  type ChatInputCommandInteraction,
  Client,
  type ClientOptions,
  GatewayIntentBits,
  type Message,
  MessageFlags,
  Partials,
  Routes,
  SnowflakeUtil,
  ThreadAutoArchiveDuration,
} from 'discord.js';
import { DISCORD_API_URL, type DiscordConfig, type DiscordMessagePayload } from './types.js';

/**
 * Transport: the discord.js client and the few calls the adapter makes through it. No bot logic here.
 *
 * Intents, and why each is needed:
 * - Guilds: guild, channel and thread caches (GUILD_CREATE, THREAD_CREATE); interactions arrive regardless.
 * - GuildMessages: MESSAGE_CREATE for messages in guild channels and their threads (the follow-up questions).
 * - MessageContent: PRIVILEGED. Without it Discord sends those messages with empty content (except ones
 *   that mention the bot), so the bot could not read a follow-up question. Enable it under Bot ->
 *   Privileged Gateway Intents in the developer portal (verification is needed past 100 guilds); a
 *   missing grant makes the gateway close with 4014 "disallowed intents".
 * Partials.Channel: a message in a thread that is not cached (e.g. opened before a restart and since
 * unarchived) would otherwise be dropped silently by discord.js; the adapter fetches the thread instead.
 */
export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

export function createClient(config: DiscordConfig, rest: ClientOptions['rest'] = {}): Client {
  return new Client({
    intents: INTENTS,
    partials: [Partials.Channel],
    // Applies to every message discord.js sends; payloads set it too. Nothing from a document can ping.
    allowedMentions: { parse: [], repliedUser: false },
    rest: { ...rest, api: config.apiUrl ?? DISCORD_API_URL },
    // Each shard receives only its own guilds' events; interactions and thread messages are handled by
    // the shard that receives them, and REST posts (digests) need no shard.
    ...(config.shards ? { shards: config.shards } : {}),
    ...(config.shardCount ? { shardCount: config.shardCount } : {}),
  });
}

/** Message options every send method of discord.js accepts (reply, editReply, followUp, send). */
export interface MessageOptions {
  content?: string;
  embeds: APIEmbed[];
  allowedMentions: { parse: []; repliedUser: false };
}

/** The rendered wire payload as discord.js message options. */
export function toMessageOptions(payload: DiscordMessagePayload): MessageOptions {
  return {
    ...(payload.content !== undefined ? { content: payload.content } : {}),
    embeds: payload.embeds,
    allowedMentions: { parse: [], repliedUser: false },
  };
}

/**
 * The one place that decides between reply, deferReply, editReply and followUp for a command.
 * If the answer is not ready after `deferAfterMs`, the interaction is deferred so Discord's 3 s deadline
 * holds; the first `send` then edits the deferred reply, and any later `send` is a follow-up.
 */
export class InteractionResponder {
  private timer: NodeJS.Timeout | undefined;
  private deferring: Promise<unknown> | undefined;

  constructor(
    private readonly interaction: ChatInputCommandInteraction,
    deferAfterMs: number,
    onDeferError: (error: unknown) => void,
  ) {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.deferring = interaction.deferReply().catch(onDeferError);
    }, deferAfterMs);
  }

  /**
   * Sends a message as the interaction's answer; returns the message it became, when Discord says. An
   * ephemeral answer after a (public) defer replaces the "thinking..." message: an edit cannot make it
   * private.
   */
  async send(
    payload: DiscordMessagePayload,
    { ephemeral }: { ephemeral: boolean },
  ): Promise<Message | undefined> {
    this.dispose();
    if (this.deferring) await this.deferring;
    const interaction = this.interaction;
    const options = {
      ...toMessageOptions(payload),
      ...(ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}),
    };
    if (interaction.replied) return interaction.followUp(options);
    if (interaction.deferred) {
      if (!ephemeral) return interaction.editReply(toMessageOptions(payload));
      await interaction.deleteReply();
      return interaction.followUp(options);
    }
    const response = await interaction.reply({ ...options, withResponse: true });
    return response.resource?.message ?? undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Opens a public thread on a message; its id is the message's id. Returns the thread id. */
export async function openThread(
  client: Client,
  channelId: string,
  messageId: string,
  name: string,
): Promise<string> {
  const channel = client.channels.cache.get(channelId);
  if (channel?.type === ChannelType.GuildText || channel?.type === ChannelType.GuildAnnouncement) {
    const thread = await channel.threads.create({
      name,
      startMessage: messageId,
      autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
    });
    return thread.id;
  }
  // Channel not cached: the REST call needs no cache.
  const thread = (await client.rest.post(Routes.threads(channelId, messageId), {
    body: { name, auto_archive_duration: ThreadAutoArchiveDuration.OneDay },
  })) as { id: string };
  return thread.id;
}

export interface ThreadInfo {
  id: string;
  parentId: string;
}

/**
 * The thread a guild message was posted in, or undefined for messages outside threads. A thread missing
 * from the cache (a partial channel: no parent, no owner) is looked up over REST.
 */
export async function threadOf(client: Client, message: Message): Promise<ThreadInfo | undefined> {
  const channel = message.channel;
  if (!channel.isThread()) return undefined;
  if (channel.parentId) return { id: channel.id, parentId: channel.parentId };
  const raw = (await client.rest.get(Routes.channel(channel.id))) as { parent_id?: string | null };
  return raw.parent_id ? { id: channel.id, parentId: raw.parent_id } : undefined;
}

/**
 * Posts a message to a channel (or thread) by id, with the id of the channel's guild; throws when it
 * cannot be sent there. With a nonce,
 * Discord enforces it: a second post with the same nonce within a few minutes returns the first
 * message instead of making another.
 */
export async function postMessage(
  client: Client,
  channelId: string,
  payload: DiscordMessagePayload,
  nonce?: string,
): Promise<{ message: Message; guildId: string | null }> {
  // With several shards, the channel may be in a guild another instance's shard holds: it is fetched
  // over REST without its guild, which posting does not need.
  const channel =
    client.channels.cache.get(channelId) ??
    (await client.channels.fetch(channelId, { allowUnknownGuild: true }));
  if (!channel?.isSendable()) throw new Error(`Discord channel ${channelId} is not one the bot can post in`);
  const message = await channel.send({
    ...toMessageOptions(payload),
    ...(nonce ? { nonce, enforceNonce: true } : {}),
  });
  // Such a channel is not cached, so the message cannot find its guild through it: the channel says.
  return { message, guildId: message.guildId ?? guildIdOf(channel) };
}

/** The guild id a channel object carries, also when it was fetched without its guild. */
export function guildIdOf(channel: object | undefined): string | null {
  return channel && 'guildId' in channel && typeof channel.guildId === 'string' ? channel.guildId : null;
}

/** Pages of 100 messages read before giving up on telling whether a digest is out. */
const HISTORY_PAGES = 10;
/** Our clock and Discord's may differ: messages are read from this long before the due time. */
const CLOCK_SKEW_MS = 5 * 60_000;

interface RawMessage {
  id: string;
  author?: { id: string };
  flags?: number;
  thread?: unknown;
  embeds?: { footer?: { text?: string } }[];
}

/**
 * The bot's message in `channelId` posted since `since` whose embed footer carries `reference`, if
 * any, and whether a thread was started on it. Discord keeps no nonce with a message, so the footer
 * is what a later reader can find. Throws when Discord cannot say (an error, or more messages than it
 * reads): then the caller must not post, since the digest may be out already.
 */
export async function findReferencedMessage(
  client: Client,
  channelId: string,
  reference: string,
  since: Date,
): Promise<{ id: string; threadOpen: boolean } | undefined> {
  const botId = client.user?.id;
  let after = SnowflakeUtil.generate({ timestamp: since.getTime() - CLOCK_SKEW_MS }).toString();
  for (let page = 0; page < HISTORY_PAGES; page += 1) {
    const messages = (await client.rest.get(Routes.channelMessages(channelId), {
      query: new URLSearchParams({ after, limit: '100' }),
    })) as RawMessage[];
    const hit = messages.find(
      (m) => m.author?.id === botId && m.embeds?.some((e) => e.footer?.text?.includes(reference)),
    );
    // HAS_THREAD (1 << 5)
    if (hit) return { id: hit.id, threadOpen: Boolean(hit.thread) || ((hit.flags ?? 0) & 32) !== 0 };
    if (messages.length < 100) return undefined;
    after = messages.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), after);
  }
  throw new Error(
    `Discord: more than ${HISTORY_PAGES * 100} messages in ${channelId} since ${since.toISOString()}; cannot tell whether ${reference} is out`,
  );
}

/** Opaque, platform-prefixed thread id: `discord:<guild>:<channel>:<thread>` ("@me" for no guild). */
export function threadIdOf(guildId: string | null | undefined, channelId: string, threadId: string): string {
  return `discord:${guildId ?? '@me'}:${channelId}:${threadId}`;
}
