import type { AutocompleteInteraction, ChatInputCommandInteraction, Client, Message } from 'discord.js';
import {
  answerCommand,
  answerMessage,
  type BotApi,
  type CommandRequest,
  type Place,
} from '../../core/index.js';
import type { CommandSyntax } from '../../reply.js';
import { InteractionResponder, threadIdOf, threadOf } from './client.js';
import { optionStrings } from './commands.js';
import { InteractionDelivery, ThreadMessageDelivery } from './delivery.js';
import { renderChoices } from './render.js';
import type { DiscordLogger } from './types.js';

/**
 * The question as the user meant it: mentions of the bot removed, other user mentions shown as
 * `@name`, so neither the answer's heading nor the search sees a raw `<@id>`.
 */
export function messageText(
  message: Pick<Message, 'content' | 'mentions'>,
  botId: string | undefined,
): string {
  return message.content
    .replace(/<@!?(\d+)>/g, (_whole, id: string) => {
      if (id === botId) return '';
      const mentioned = message.mentions.users.get(id);
      return mentioned ? `@${mentioned.displayName}` : '@someone';
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** Interaction and message handlers: Discord events -> core requests, with a Discord delivery to answer through. */
export class DiscordHandlers {
  constructor(
    private readonly client: Client,
    private readonly bot: BotApi,
    private readonly logger: DiscordLogger,
    private readonly deferAfterMs: number,
    readonly syntax: CommandSyntax,
  ) {}

  /** `/brief gaza` and friends: answered (or deferred) within 3 s; in a thread, the answer stays there. */
  async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const responder = new InteractionResponder(interaction, this.deferAfterMs, (error) =>
      this.logger.error(`discord: could not defer /${interaction.commandName}`, { error }),
    );
    const channel = interaction.channel;
    const place: Place =
      channel?.isThread() && channel.parentId
        ? {
            platform: 'discord',
            channelId: channel.parentId,
            threadId: threadIdOf(interaction.guildId, channel.parentId, channel.id),
          }
        : { platform: 'discord', channelId: interaction.channelId };
    const request: CommandRequest = {
      platform: 'discord',
      ...(interaction.guildId ? { workspaceId: interaction.guildId } : {}),
      channelId: place.channelId,
      userId: interaction.user.id,
      name: interaction.commandName,
      input: { options: optionStrings(interaction.options.data) },
    };
    const delivery = new InteractionDelivery(this.client, this.syntax, place, interaction, responder);
    try {
      await answerCommand(this.bot, request, delivery, this.logger);
    } finally {
      responder.dispose();
    }
  }

  /** Topic completions while the user types, at most 25. */
  async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    try {
      const focused = interaction.options.getFocused(true);
      const command = this.bot.commands.find((c) => c.name === interaction.commandName);
      const spec = command?.options.find((o) => o.name === focused.name);
      const choices =
        spec?.autocomplete === 'topic' ? await this.bot.topicChoices(String(focused.value)) : [];
      await interaction.respond(renderChoices(choices));
    } catch (error) {
      this.logger.error(`discord: autocomplete for /${interaction.commandName} failed`, { error });
      if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    }
  }

  /** A message in a thread: a follow-up when the core remembers the thread (it stays quiet otherwise). */
  async onMessage(message: Message): Promise<void> {
    if (message.author.bot || message.webhookId || message.system) return;
    if (!message.inGuild()) return;
    const thread = await threadOf(this.client, message);
    if (!thread) return;
    const text = messageText(message, this.client.user?.id);
    if (!text) return;
    const place = {
      platform: 'discord' as const,
      channelId: thread.parentId,
      threadId: threadIdOf(message.guildId, thread.parentId, thread.id),
    };
    const delivery = new ThreadMessageDelivery(this.client, this.syntax, place);
    await answerMessage(
      this.bot,
      { ...place, workspaceId: message.guildId, userId: message.author.id, text },
      delivery,
      this.logger,
    );
  }
}
