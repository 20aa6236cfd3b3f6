import type { AutocompleteInteraction, ChatInputCommandInteraction, Client, Message } from 'discord.js';
import type { BotApi } from '../../core/bot-api.js';
import type { CommandRequest, MessageRequest } from '../../core/requests.js';
import { type CommandSyntax, type Reply, withHints } from '../../reply.js';
import { InteractionResponder, openThread, postMessage, threadIdOf, threadOf } from './client.js';
import { discordCommandSyntax, optionStrings } from './commands.js';
import { apologyPayload, renderChoices, renderReply as renderFilled, threadName } from './render.js';
import type { DiscordLogger } from './types.js';

/** Interaction and message handlers: Discord events -> core requests -> rendered replies. */
export class DiscordHandlers {
  private readonly syntax: CommandSyntax;

  constructor(
    private readonly client: Client,
    private readonly bot: BotApi,
    private readonly logger: DiscordLogger,
    private readonly deferAfterMs: number,
  ) {
    this.syntax = discordCommandSyntax(bot.commands);
  }

  /** Reply -> Discord payload, with hints naming Discord's own commands. */
  render(reply: Reply) {
    return renderFilled(withHints(reply, this.syntax));
  }

  /** `/brief gaza` and friends: answer (or defer) within 3 s, then open a thread when the reply wants one. */
  async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const responder = new InteractionResponder(interaction, this.deferAfterMs, (error) =>
      this.logger.error(`discord: could not defer /${interaction.commandName}`, { error }),
    );
    const request: CommandRequest = {
      platform: 'discord',
      ...(interaction.guildId ? { workspaceId: interaction.guildId } : {}),
      channelId: interaction.channelId,
      userId: interaction.user.id,
      name: interaction.commandName,
      input: { options: optionStrings(interaction.options.data) },
    };
    let reply: Reply;
    let message: Message | undefined;
    try {
      reply = await this.bot.command(request);
      message = await responder.send(this.render(reply));
    } catch (error) {
      this.logger.error(`discord: /${interaction.commandName} failed`, { error });
      await responder
        .send(apologyPayload())
        .catch((sendError: unknown) =>
          this.logger.error('discord: could not send the apology', { error: sendError }),
        );
      return;
    } finally {
      responder.dispose();
    }
    if (reply.thread && interaction.guildId) {
      if (!message) {
        this.logger.warn(`discord: no message came back for /${interaction.commandName}; no thread opened`);
        return;
      }
      await this.openAndRemember(interaction.guildId, interaction.channelId, message.id, reply);
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

  /** A message in a thread the bot opened is a follow-up question; anything else is ignored. */
  async onMessage(message: Message): Promise<void> {
    if (message.author.bot || message.webhookId || message.system) return;
    if (!message.inGuild()) return;
    const thread = await threadOf(this.client, message);
    if (!thread) return;
    // Threads someone else opened are not the bot's business (when the owner is known; the bot's
    // memory of its threads decides otherwise).
    const botId = this.client.user?.id;
    if (thread.ownerId && thread.ownerId !== botId) return;
    const text = message.content.trim();
    if (!text) return;
    const request: MessageRequest = {
      platform: 'discord',
      workspaceId: message.guildId,
      channelId: thread.parentId,
      userId: message.author.id,
      threadId: threadIdOf(message.guildId, thread.parentId, thread.id),
      text,
    };
    try {
      const reply = await this.bot.followUp(request);
      if (!reply) return;
      await postMessage(this.client, thread.id, this.render(reply));
    } catch (error) {
      this.logger.error(`discord: follow-up in thread ${thread.id} failed`, { error });
      // Apologise only where the bot is surely expected to answer.
      if (thread.ownerId !== botId) return;
      await postMessage(this.client, thread.id, apologyPayload()).catch((sendError: unknown) =>
        this.logger.error('discord: could not send the apology', { error: sendError }),
      );
    }
  }

  /**
   * Opens a thread named after the topic on a posted message, telling the bot about it first: in Discord
   * a thread started on a message has the message's id, so the bot knows the thread before anyone can
   * write in it. Returns the opaque thread id.
   */
  async openAndRemember(
    guildId: string,
    channelId: string,
    messageId: string,
    reply: Reply,
  ): Promise<string> {
    const threadId = threadIdOf(guildId, channelId, messageId);
    try {
      await this.bot.rememberThread({ platform: 'discord', channelId, threadId }, reply);
    } catch (error) {
      this.logger.error(`discord: could not remember thread ${threadId}`, { error });
    }
    try {
      const opened = await openThread(this.client, channelId, messageId, threadName(reply));
      if (opened !== messageId)
        this.logger.warn(`discord: thread ${opened} does not have its message's id ${messageId}`);
    } catch (error) {
      this.logger.warn(`discord: could not open a thread on message ${messageId} in ${channelId}`, { error });
    }
    return threadId;
  }
}
