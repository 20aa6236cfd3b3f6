/**
 * What the adapter does with a slash command or a thread message once Bolt has verified and
 * acknowledged it: ask the bot, render, send, and make sure the user never meets silence.
 */
import type { RespondFn } from '@slack/bolt';
import type { BotApi, PostedMessage } from '../../core/bot-api.js';
import { type CommandSyntax, infoReply, type Reply, withHints } from '../../reply.js';
import {
  type BotIdentity,
  classifyMessage,
  type MessageEventPayload,
  type RecentDeliveries,
  type SlashCommandPayload,
  slackThreadId,
  toCommandRequest,
} from './events.js';
import { slackCommandSyntax } from './hints.js';
import {
  certainlyNotPosted,
  describeError,
  postEphemeral,
  postMessage,
  respondWith,
  slackErrorCode,
  type WebClient,
} from './post.js';
import { renderReply as renderFilled } from './render.js';
import type { SlackLogger } from './types.js';

export const APOLOGY = infoReply(
  'Sorry, something went wrong',
  'I could not finish that just now. Please try again in a moment.',
  'error',
);

const INVITE_HINT = 'Invite me to this channel (/invite) to ask follow-up questions in a thread.';

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
  deliveries: RecentDeliveries;
  /** How hints name commands; default `/brief <command>`. */
  syntax?: CommandSyntax;
}

export class SlackHandlers {
  private readonly syntax: CommandSyntax;

  constructor(private readonly deps: HandlerDeps) {
    this.syntax = deps.syntax ?? slackCommandSyntax();
  }

  /** `/brief ...`, already acknowledged. Briefings go to the channel; help, lists and errors to the user. */
  async onCommand(args: CommandArgs): Promise<void> {
    const { bot, logger } = this.deps;
    const request = toCommandRequest(args.payload);
    let reply: Reply;
    try {
      reply = await bot.command(request);
    } catch (error) {
      logger.error('slack: command failed', {
        command: args.payload.command,
        text: args.payload.text,
        error,
      });
      await this.sendToUser(args, APOLOGY);
      return;
    }
    if (reply.kind === 'info' || reply.kind === 'error') {
      await this.sendToUser(args, reply);
      return;
    }
    await this.sendToChannel(args, reply);
  }

  /** A message event: answered in its thread when it is a follow-up the bot should take. */
  async onMessage(args: MessageArgs): Promise<void> {
    const { bot, logger, deliveries } = this.deps;
    const decision = classifyMessage(args.event, args.identity, args.eventId);
    if (decision.kind === 'ignore') {
      logger.debug('slack: message ignored', { reason: decision.reason });
      return;
    }
    if (deliveries.checkAndRemember(decision.dedupeKeys)) {
      logger.info('slack: duplicate delivery ignored', {
        eventId: args.eventId,
        retryNum: args.retryNum ?? 0,
      });
      return;
    }
    let reply: Reply | undefined;
    try {
      reply = await bot.followUp(decision.request);
    } catch (error) {
      logger.error('slack: follow-up failed', { threadId: decision.request.threadId, error });
      reply = APOLOGY;
    }
    if (!reply) return;
    try {
      await postMessage(args.client, decision.channelId, this.render(reply), decision.threadTs);
    } catch (error) {
      logger.error('slack: could not answer in the thread', { threadId: decision.request.threadId, error });
    }
  }

  /** Posts a reply in a channel and remembers its thread; throws when Slack would not take it. */
  async postToChannel(client: WebClient, channelId: string, reply: Reply): Promise<PostedMessage> {
    const ts = await postMessage(client, channelId, this.render(reply));
    const posted: PostedMessage = { platform: 'slack', channelId, threadId: slackThreadId(channelId, ts) };
    await this.remember(posted, reply);
    return posted;
  }

  private async sendToChannel(args: CommandArgs, reply: Reply): Promise<void> {
    const { logger } = this.deps;
    const channel = args.payload.channel_id;
    try {
      await this.postToChannel(args.client, channel, reply);
      return;
    } catch (error) {
      if (!certainlyNotPosted(error)) {
        logger.error('slack: posting may have failed', { channel, reason: describeError(error), error });
        await this.sendToUser(args, APOLOGY);
        return;
      }
      logger.warn('slack: chat.postMessage failed; using response_url', {
        channel,
        reason: describeError(error),
      });
      const code = slackErrorCode(error);
      const withHint =
        code === 'not_in_channel' || code === 'channel_not_found'
          ? { ...reply, footer: [reply.footer, INVITE_HINT].filter(Boolean).join(' ') }
          : reply;
      if (args.respond) {
        try {
          await respondWith(args.respond, this.render(withHint), 'in_channel');
          return;
        } catch (fallbackError) {
          logger.error('slack: response_url failed too', { channel, error: fallbackError });
        }
      }
      await this.sendToUser(args, APOLOGY);
    }
  }

  /** Ephemeral: through response_url first, then chat.postEphemeral. */
  private async sendToUser(args: CommandArgs, reply: Reply): Promise<void> {
    const { logger } = this.deps;
    const message = this.render(reply);
    if (args.respond) {
      try {
        await respondWith(args.respond, message, 'ephemeral');
        return;
      } catch (error) {
        logger.warn('slack: response_url failed; trying chat.postEphemeral', {
          reason: describeError(error),
        });
      }
    }
    try {
      await postEphemeral(args.client, args.payload.channel_id, args.payload.user_id, message);
    } catch (error) {
      logger.error('slack: could not reach the user at all', { user: args.payload.user_id, error });
    }
  }

  private render(reply: Reply) {
    return renderFilled(withHints(reply, this.syntax));
  }

  private async remember(posted: PostedMessage, reply: Reply): Promise<void> {
    if (!reply.thread) return;
    try {
      await this.deps.bot.rememberThread(posted, reply);
    } catch (error) {
      // The message is out; failing here would only invite a second copy. Follow-ups will go unanswered.
      this.deps.logger.error('slack: could not remember thread', { threadId: posted.threadId, error });
    }
  }
}
