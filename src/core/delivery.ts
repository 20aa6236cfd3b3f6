import { type CommandSyntax, infoReply, type Reply, withHints } from '../reply.js';
import type { BotApi } from './bot-api.js';
import type { Logger } from './logger.js';
import type { Platform } from './model.js';
import type { CommandRequest, MessageRequest } from './requests.js';
import type { ThreadKey } from './store/store.js';

/**
 * The delivery port. Adapters implement `Delivery` (transport + renderer); the core decides who sees a
 * reply, whether it opens a follow-up thread, remembers that thread once the message is out, and knows
 * when a request came from inside a thread (then it answers there and opens no other).
 *
 *   request -> Bot.command / Bot.followUp -> Reply -> answerCommand / answerMessage / postReply
 *           -> Delivery.post | Delivery.respond (render + send) -> PostedMessage -> thread memory
 *           -> Delivery.openThread
 */

/** Where a message goes or sits: a channel, and the thread inside it when there is one. */
export interface Place {
  platform: Platform;
  channelId: string;
  /** Opaque, platform-prefixed thread id: `slack:C1:1712.34`, `discord:G:C:T`, `console:local:3`. */
  threadId?: string;
}

/** A message the platform took, and the thread replies to it land in. */
export interface PostedMessage {
  platform: Platform;
  channelId: string;
  /** The thread under the message, or the one it was posted in. */
  threadId: string;
  /** Found on the platform, posted by an earlier attempt: nothing was sent this time. */
  alreadyPosted?: true;
}

/**
 * Names a digest run in the message that carries it (Slack message metadata, a Discord nonce and
 * footer reference), so an attempt after a crash can see the digest is already out.
 */
export interface DigestMark {
  /** Stable across instances and restarts: subscription and period. */
  runId: string;
  /** When the run was due: no copy of it is older. */
  due: Date;
  /** An earlier attempt may have reached the platform: look for the message before posting. */
  lookFirst: boolean;
}

/** A marked message found on the platform, and whether its follow-up thread exists already. */
export interface FoundMessage {
  posted: PostedMessage;
  threadOpen: boolean;
}

/**
 * Thrown by `Delivery.post` when the platform certainly posted nothing, so answering another way cannot
 * show the reply twice. `not-in-channel`: the bot is not a member and cannot read replies there either.
 */
export class NotPosted extends Error {
  constructor(
    message: string,
    readonly reason: 'not-in-channel' | 'refused',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NotPosted';
  }
}

/** What an adapter implements: it renders and sends; it decides nothing about threads or audience. */
export interface Delivery {
  readonly platform: Platform;
  /** How this platform has a command typed, for `{/name args}` hints. */
  readonly syntax: CommandSyntax;
  /** Where people ask follow-ups: in a thread under the message, or on the next line (the console). */
  readonly followUps: 'thread' | 'next-line';
  /** Posts a reply everyone in `place` sees (inside `place.threadId` when set), marked as `mark`'s digest. */
  post(place: Place, reply: Reply, mark?: DigestMark): Promise<PostedMessage>;
  /**
   * The message carrying `mark`'s digest in `place`, posted since it was due, if any. Throws when the
   * platform cannot say: then nothing is posted, since the digest may be out already.
   */
  findMarked?(place: Place, mark: DigestMark): Promise<FoundMessage | undefined>;
  /** Opens the follow-up thread under a posted message; where every message has one already, nothing. */
  openThread(message: PostedMessage, name: string): Promise<void>;
}

/** A Delivery bound to one request, which can also answer on the request's own path. */
export interface RequestDelivery extends Delivery {
  /** Where the request was made; `threadId` when it was typed inside a thread. */
  readonly place: Place;
  /**
   * Answers on the request's own path (Slack response_url, Discord's interaction, the terminal): only the
   * requester sees it when `reply.audience` is 'requester'. No thread can be opened under it.
   */
  respond(reply: Reply): Promise<void>;
}

/** Where thread contexts are kept (the Bot, backed by the store). */
export interface ThreadMemory {
  rememberThread(key: ThreadKey, reply: Reply): Promise<void>;
}

/** The one apology, for anything that went wrong on our side. */
export const APOLOGY: Reply = infoReply(
  'Sorry, something went wrong',
  'The bot hit an internal error and logged it. Please try again in a minute.',
  'error',
);

const NEW_THREAD = 'Reply in the thread to ask about these items.';
const SAME_THREAD = 'Ask about these items here in this thread.';
const NEXT_LINE = 'Ask about these items on the next line.';
const NOT_IN_CHANNEL = 'Add me to this channel to ask follow-up questions about these items.';

function withFooter(reply: Reply, line: string): Reply {
  return { ...reply, footer: [reply.footer, line].filter(Boolean).join(' ') };
}

/** The reply as it may go where no thread can follow it: no thread, no promise of answers. */
function withoutThread(reply: Reply, reason: NotPosted['reason']): Reply {
  const { thread: _thread, ...rest } = reply;
  return reason === 'not-in-channel' ? withFooter(rest, NOT_IN_CHANNEL) : rest;
}

/** A thread name: the topic, else the title. */
function threadName(reply: Reply): string {
  return reply.thread?.topic || reply.title || 'briefing';
}

/**
 * Posts a reply for a channel (a briefing for a command, a digest): hints filled for the platform, the
 * follow-up promise added when a thread will follow, the thread remembered once the message is out and
 * only then opened, so no question can arrive before the bot knows the thread.
 */
export async function postReply(
  memory: ThreadMemory,
  delivery: Delivery,
  place: Place,
  reply: Reply,
  logger: Logger,
  mark?: DigestMark,
): Promise<PostedMessage> {
  const filled = withHints(reply, delivery.syntax);
  const inThread = place.threadId !== undefined;
  if (mark?.lookFirst && delivery.findMarked) {
    const found = await delivery.findMarked(place, mark);
    if (found) {
      // Out already, but the attempt that posted it may have died before it remembered the thread.
      if (filled.thread)
        await followThread(memory, delivery, found.posted, filled, !found.threadOpen, logger);
      return { ...found.posted, alreadyPosted: true };
    }
  }
  if (!filled.thread) return delivery.post(place, filled, mark);
  const prompt = inThread ? SAME_THREAD : delivery.followUps === 'thread' ? NEW_THREAD : NEXT_LINE;
  const posted = await delivery.post(place, withFooter(filled, prompt), mark);
  await followThread(memory, delivery, posted, filled, !inThread && !posted.alreadyPosted, logger);
  return posted;
}

/** Remembers what a posted message showed under its thread, then opens the thread when asked. */
async function followThread(
  memory: ThreadMemory,
  delivery: Delivery,
  posted: PostedMessage,
  filled: Reply,
  open: boolean,
  logger: Logger,
): Promise<void> {
  const key: ThreadKey = {
    platform: posted.platform,
    channelId: posted.channelId,
    threadId: posted.threadId,
  };
  try {
    await memory.rememberThread(key, filled);
  } catch (error) {
    // The message is out; failing now would only invite a second copy. Its follow-ups go unanswered.
    logger.error('could not remember a thread', { threadId: key.threadId, error });
  }
  if (open) {
    await delivery.openThread(posted, threadName(filled)).catch((error: unknown) => {
      logger.warn('could not open a thread on a posted message', { threadId: key.threadId, error });
    });
  }
}

/** Sends the apology on the request's own path; if even that fails, the log is all that is left. */
async function apologise(delivery: RequestDelivery, logger: Logger, error: unknown): Promise<void> {
  logger.error('could not deliver a reply', { platform: delivery.platform, error });
  await delivery.respond(withHints(APOLOGY, delivery.syntax)).catch((sendError: unknown) => {
    logger.error('could not send the apology either', { platform: delivery.platform, error: sendError });
  });
}

/** Delivers the reply to one command: to its requester alone, or to the channel (and its thread). */
export async function deliverToRequest(
  memory: ThreadMemory,
  delivery: RequestDelivery,
  reply: Reply,
  logger: Logger,
): Promise<void> {
  try {
    if (reply.audience === 'requester') {
      await delivery.respond(withHints(reply, delivery.syntax));
      return;
    }
    try {
      await postReply(memory, delivery, delivery.place, reply, logger);
    } catch (error) {
      if (!(error instanceof NotPosted)) throw error;
      logger.warn('could not post in the channel; answering the request instead', {
        platform: delivery.platform,
        channelId: delivery.place.channelId,
        reason: error.reason,
        error,
      });
      await delivery.respond(withHints(withoutThread(reply, error.reason), delivery.syntax));
    }
  } catch (error) {
    await apologise(delivery, logger, error);
  }
}

/** A slash command from any platform, answered; never silence. */
export async function answerCommand(
  bot: BotApi,
  request: CommandRequest,
  delivery: RequestDelivery,
  logger: Logger,
): Promise<void> {
  let reply: Reply;
  try {
    reply = await bot.command(request);
  } catch (error) {
    await apologise(delivery, logger, error);
    return;
  }
  await deliverToRequest(bot, delivery, reply, logger);
}

/** A message in a thread: answered there when the thread is one the bot remembers, else nothing. */
export async function answerMessage(
  bot: BotApi,
  request: MessageRequest,
  delivery: RequestDelivery,
  logger: Logger,
): Promise<void> {
  let reply: Reply | undefined;
  try {
    reply = await bot.followUp(request);
  } catch (error) {
    await apologise(delivery, logger, error);
    return;
  }
  if (!reply) return;
  await deliverToRequest(bot, delivery, reply, logger);
}
