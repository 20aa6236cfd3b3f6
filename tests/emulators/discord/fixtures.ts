/**
 * Discord API objects as the real API sends them (v10, JSON, snake_case), trimmed to what discord.js reads.
 */

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** A fresh, increasing snowflake whose timestamp is now. */
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** Discord's shard for a guild: the snowflake's timestamp modulo the shard count. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** A fresh snowflake for a guild that lives on shard `shardId` of `shardCount`. */
export function snowflakeOnShard(shardId: number, shardCount: number): string {
  increment = (increment + 1n) & 0xfffn;
  const count = BigInt(shardCount);
  const ms = BigInt(Date.now()) - DISCORD_EPOCH - count;
  return (((ms - (ms % count) + BigInt(shardId)) << 22n) | (1n << 17n) | increment).toString();
}

export interface ApiUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
}

export function user(id: string, username: string, bot = false): ApiUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: bot ? null : username,
    avatar: null,
    ...(bot ? { bot } : {}),
  };
}

export function member(u: ApiUser, joinedAt: string) {
  return {
    user: u,
    roles: [],
    joined_at: joinedAt,
    deaf: false,
    mute: false,
    flags: 0,
    nick: null,
    avatar: null,
    pending: false,
    premium_since: null,
  };
}

/** Permission bits as strings, like the API. */
export const PERMISSIONS = {
  everyone: '1071698660929',
  /** View, send, embed, read history, create public threads, send in threads. */
  bot: ((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n) | (1n << 35n) | (1n << 38n)).toString(),
};

export interface ApiChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  [key: string]: unknown;
}

export function textChannel(id: string, guildId: string, name: string): ApiChannel {
  return {
    id,
    type: 0,
    guild_id: guildId,
    name,
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export function threadChannel(
  id: string,
  guildId: string,
  parentId: string,
  ownerId: string,
  name: string,
  autoArchiveDuration: number,
): ApiChannel {
  const now = new Date().toISOString();
  return {
    id,
    type: 11,
    guild_id: guildId,
    parent_id: parentId,
    owner_id: ownerId,
    name,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    flags: 0,
    applied_tags: [],
    thread_metadata: {
      archived: false,
      auto_archive_duration: autoArchiveDuration,
      archive_timestamp: now,
      locked: false,
      create_timestamp: now,
    },
  };
}

export function guild(
  id: string,
  ownerId: string,
  channels: ApiChannel[],
  threads: ApiChannel[],
  members: unknown[],
) {
  return {
    id,
    name: 'Newsroom',
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    application_id: null,
    max_members: 500000,
    max_video_channel_users: 25,
    features: [],
    roles: [
      {
        id,
        name: '@everyone',
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: PERMISSIONS.everyone,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: members.length + 1,
    members,
    channels,
    threads,
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
  };
}

export interface ApiMessage {
  id: string;
  channel_id: string;
  author: ApiUser;
  content: string;
  embeds: unknown[];
  allowed_mentions?: unknown;
  flags: number;
  type: number;
  timestamp: string;
  edited_timestamp: string | null;
  [key: string]: unknown;
}

export function message(
  id: string,
  channelId: string,
  author: ApiUser,
  content: string,
  embeds: unknown[],
): ApiMessage {
  return {
    id,
    channel_id: channelId,
    author,
    content,
    embeds,
    attachments: [],
    components: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    flags: 0,
    type: 0,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
  };
}
