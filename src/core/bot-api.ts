import type { Reply } from '../reply.js';
import type { Command } from './commands/command.js';
import type { DigestMark, PostedMessage } from './delivery.js';
import type { Platform } from './model.js';
import type { CommandRequest, MessageRequest } from './requests.js';
import type { ThreadKey } from './store/store.js';

/** What adapters may ask of the bot. Every method answers; none throws for user mistakes. */
export interface BotApi {
  readonly commands: readonly Command[];
  /** Runs a slash command. Errors become an error reply, never silence. */
  command(request: CommandRequest): Promise<Reply>;
  /** Answers a message in a thread the bot opened; undefined means "not our thread: stay quiet". */
  followUp(request: MessageRequest): Promise<Reply | undefined>;
  /** Keeps what a posted reply showed under its thread id, for follow-ups (`postReply` calls it). */
  rememberThread(key: ThreadKey, reply: Reply): Promise<void>;
  /**
   * True the first time any instance sees a delivery named by these keys (event id, message id, ...),
   * false for a retry or a replay: the caller then drops it. Shared through the store.
   */
  firstDelivery(keys: readonly string[]): Promise<boolean>;
  /** Topic suggestions for what the user has typed so far, at most 25. */
  topicChoices(typed: string): Promise<{ name: string; value: string }[]>;
}

/** A platform adapter as the scheduler and main see it. */
export interface Adapter {
  readonly platform: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Posts a reply (a digest) to a channel through the core's `postReply`: thread opened and remembered.
   * With `mark`, the message names the digest run, and is looked for first when `mark.lookFirst`.
   */
  postToChannel(channelId: string, reply: Reply, mark?: DigestMark): Promise<PostedMessage>;
  /**
   * Resolves shortly before a digest posted to the channel now would go out without waiting, where
   * the adapter paces digests itself: the delivery claims and composes the next one only then.
   */
  channelTurn?(channelId: string): Promise<void>;
}
