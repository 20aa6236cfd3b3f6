/**
 * What the adapter does with a slash command or a thread message once Bolt has verified and
 * acknowledged it: turn it into a core request and give the core a Slack delivery to answer through.
 */
import type { RespondFn } from '@slack/bolt';
import { answerCommand, answerMessage, type BotApi } from '../../core/index.js';
import type { CommandSyntax } from '../../reply.js';
import { SlashCommandDelivery, ThreadMessageDelivery } from './delivery.js';
import {
  type BotIdentity,
  classifyMessage,
  commandDedupeKeys,
  type MessageEventPayload,
  type SlashCommandPayload,
  toCommandRequest,
} from './events.js';
import type { WebClient } from './post.js';
import type { SlackLogger } from './types.js';

export interface CommandArgs {
  payload: SlashCommandPayload;
  client: WebClient;
  respond?: RespondFn;
}

export interface MessageArgs {
  event: MessageEventPayload;
  eventId?: string;
  retryNum?: number | undefined;
  identity: BotIdentity;
  client: WebClient;
}

export interface HandlerDeps {
  bot: BotApi;
  logger: SlackLogger;
  /** How hints name commands: `/brief <command>`. */
  syntax: CommandSyntax;
}

export class SlackHandlers {
  constructor(private readonly deps: HandlerDeps) {}

  /** `/brief ...`, already acknowledged. */
  async onCommand(args: CommandArgs): Promise<void> {
    const { bot, logger, syntax } = this.deps;
    const { payload } = args;
    const keys = commandDedupeKeys(payload);
    if (keys.length > 0 && !(await this.firstDelivery(keys))) {
      logger.warn('slack: replayed slash command ignored', { triggerId: payload.trigger_id });
      return;
    }
    const delivery = new SlashCommandDelivery(
      syntax,
      { platform: 'slack', channelId: payload.channel_id },
      args.client,
      payload.user_id,
      args.respond,
      (reason) => logger.warn('slack: response_url failed; trying chat.postEphemeral', { reason }),
    );
    await answerCommand(bot, toCommandRequest(payload), delivery, logger);
  }

  /** A message event: answered in its thread when it is a follow-up the bot should take. */
  async onMessage(args: MessageArgs): Promise<void> {
    const { bot, logger, syntax } = this.deps;
    const decision = classifyMessage(args.event, args.identity, args.eventId);
    if (decision.kind === 'ignore') {
      logger.debug('slack: message ignored', { reason: decision.reason });
      return;
    }
    if (!(await this.firstDelivery(decision.dedupeKeys))) {
      logger.info('slack: duplicate delivery ignored', {
        eventId: args.eventId,
        retryNum: args.retryNum ?? 0,
      });
      return;
    }
    const { request } = decision;
    const place = { platform: 'slack' as const, channelId: request.channelId, threadId: request.threadId };
    const delivery = new ThreadMessageDelivery(syntax, place, args.client, request.userId);
    await answerMessage(bot, request, delivery, logger);
  }

  /**
   * Claims the delivery for this instance in the shared store. When the store cannot say, the request
   * is handled: a rare second answer beats leaving the user with none.
   */
  private async firstDelivery(keys: readonly string[]): Promise<boolean> {
    try {
      return await this.deps.bot.firstDelivery(keys);
    } catch (error) {
      this.deps.logger.error('slack: could not claim a delivery; handling it anyway', { keys, error });
      return true;
    }
  }
}
