/**
 * The core's delivery port for Discord: render as embeds, send as the interaction's reply (edit,
 * follow-up) or as a channel message, open threads. Which, and whether a thread follows, is the core's call.
 */
import { createHash } from 'node:crypto';
import type { ChatInputCommandInteraction, Client } from 'discord.js';
import type {
  Delivery,
  DigestMark,
  FoundMessage,
  Place,
  PostedMessage,
  RequestDelivery,
} from '../../core/index.js';
import type { CommandSyntax, Reply } from '../../reply.js';
import {
  findReferencedMessage,
  guildIdOf,
  type InteractionResponder,
  openThread,
  postMessage,
  threadIdOf,
} from './client.js';
import { renderReply, threadName } from './render.js';

/** `discord:<guild>:<channel>:<thread>` -> its parts. */
export function parseDiscordThreadId(
  threadId: string,
): { guildId: string; channelId: string; threadId: string } | undefined {
  const match = /^discord:([^:]+):(\d+):(\d+)$/.exec(threadId);
  return match ? { guildId: match[1]!, channelId: match[2]!, threadId: match[3]! } : undefined;
}

/**
 * A digest run's reference: its nonce (at most 25 characters), and shown in the footer as `ref ...`,
 * since Discord keeps no nonce with a message and the footer is what a later check can read.
 */
export function digestReference(runId: string): string {
  return createHash('sha256').update(runId).digest('base64url').slice(0, 12);
}

function withReference(reply: Reply, ref: string): Reply {
  return { ...reply, footer: [reply.footer, `ref ${ref}`].filter(Boolean).join(' · ') };
}

/** Channel messages with the bot token: digests, and answers in threads. */
export class DiscordDelivery implements Delivery {
  readonly platform = 'discord' as const;
  readonly followUps = 'thread' as const;

  constructor(
    protected readonly client: Client,
    readonly syntax: CommandSyntax,
  ) {}

  async post(place: Place, reply: Reply, mark?: DigestMark): Promise<PostedMessage> {
    const inThread = place.threadId ? parseDiscordThreadId(place.threadId) : undefined;
    const ref = mark ? digestReference(mark.runId) : undefined;
    const rendered = renderReply(ref ? withReference(reply, ref) : reply);
    const { message, guildId } = await postMessage(
      this.client,
      inThread?.threadId ?? place.channelId,
      rendered,
      ref,
    );
    const posted = this.posted(place, guildId, message.id);
    // A nonce Discord saw before returns the first message: with its thread (whose id is the
    // message's) it is all done already.
    const done = message.hasThread || this.client.channels.cache.has(message.id);
    return ref && done ? { ...posted, alreadyPosted: true } : posted;
  }

  async findMarked(place: Place, mark: DigestMark): Promise<FoundMessage | undefined> {
    const ref = digestReference(mark.runId);
    const found = await findReferencedMessage(this.client, place.channelId, `ref ${ref}`, mark.due);
    if (!found) return undefined;
    const channel = this.client.channels.cache.get(place.channelId);
    return { posted: this.posted(place, guildIdOf(channel), found.id), threadOpen: found.threadOpen };
  }

  protected posted(place: Place, guildId: string | null, messageId: string): PostedMessage {
    return {
      platform: 'discord',
      channelId: place.channelId,
      // A thread started on a message has the message's id, so it is known before it is opened.
      threadId: place.threadId ?? threadIdOf(guildId, place.channelId, messageId),
    };
  }

  async openThread(message: PostedMessage, name: string): Promise<void> {
    const ids = parseDiscordThreadId(message.threadId);
    if (!ids || ids.guildId === '@me') return;
    const opened = await openThread(this.client, ids.channelId, ids.threadId, threadName(name));
    if (opened !== ids.threadId)
      throw new Error(`thread ${opened} does not have its message's id ${ids.threadId}`);
  }
}

/** A message in a thread: answers go in the thread; Discord has no private reply to a message. */
export class ThreadMessageDelivery extends DiscordDelivery implements RequestDelivery {
  constructor(
    client: Client,
    syntax: CommandSyntax,
    readonly place: Place,
  ) {
    super(client, syntax);
  }

  async respond(reply: Reply): Promise<void> {
    await this.post(this.place, reply);
  }
}

/** A slash command: the answer is the interaction's reply, ephemeral for the requester alone. */
export class InteractionDelivery extends DiscordDelivery implements RequestDelivery {
  constructor(
    client: Client,
    syntax: CommandSyntax,
    readonly place: Place,
    private readonly interaction: ChatInputCommandInteraction,
    private readonly responder: InteractionResponder,
  ) {
    super(client, syntax);
  }

  override async post(place: Place, reply: Reply): Promise<PostedMessage> {
    if (place.channelId !== this.place.channelId || place.threadId !== this.place.threadId)
      return super.post(place, reply);
    const message = await this.responder.send(renderReply(reply), { ephemeral: false });
    if (!message) throw new Error(`Discord returned no message for /${this.interaction.commandName}`);
    return this.posted(place, this.interaction.guildId, message.id);
  }

  async respond(reply: Reply): Promise<void> {
    await this.responder.send(renderReply(reply), { ephemeral: reply.audience === 'requester' });
  }
}
