/**
 * The core's delivery port for Slack: render with Block Kit, send through the Web API or a
 * response_url. Which of them, and whether a thread follows, is the core's call.
 */
import type { RespondFn } from '@slack/bolt';
import {
  type Delivery,
  type DigestMark,
  type FoundMessage,
  NotPosted,
  type Place,
  type PostedMessage,
  type RequestDelivery,
} from '../../core/index.js';
import type { CommandSyntax, Reply } from '../../reply.js';
import { parseSlackThreadId, slackThreadId } from './events.js';
import {
  certainlyNotPosted,
  describeError,
  digestMetadata,
  findDigestMessage,
  postEphemeral,
  postMessage,
  respondWith,
  type SlackMetadata,
  slackErrorCode,
  type WebClient,
} from './post.js';
import { renderReply } from './render.js';
import type { SlackMessage } from './types.js';

/**
 * Sends one rendered message to a channel (in a thread when `threadTs` is set), with message
 * metadata when given, and returns its ts.
 */
export type SlackSend = (
  channel: string,
  message: SlackMessage,
  threadTs?: string,
  metadata?: SlackMetadata,
) => Promise<string>;

/** The ts of the message carrying digest `runId` in `channel` since `since`, if any. */
export type SlackFindDigest = (channel: string, runId: string, since: Date) => Promise<string | undefined>;

/** Posting with the bot token: chat.postMessage; a refusal that certainly posted nothing is `NotPosted`. */
export class SlackDelivery implements Delivery {
  readonly platform = 'slack' as const;
  readonly followUps = 'thread' as const;
  readonly findMarked?: (place: Place, mark: DigestMark) => Promise<FoundMessage | undefined>;

  constructor(
    readonly syntax: CommandSyntax,
    private readonly send: SlackSend,
    findDigest?: SlackFindDigest,
  ) {
    if (findDigest) {
      this.findMarked = async (place, mark) => {
        const ts = await findDigest(place.channelId, mark.runId, mark.due);
        if (!ts) return undefined;
        // Every Slack message carries its thread: there is none to open.
        return { posted: this.posted(place, ts), threadOpen: true };
      };
    }
  }

  async post(place: Place, reply: Reply, mark?: DigestMark): Promise<PostedMessage> {
    const threadTs = place.threadId ? parseSlackThreadId(place.threadId)?.threadTs : undefined;
    let ts: string;
    try {
      ts = await this.send(
        place.channelId,
        renderReply(reply),
        threadTs,
        mark ? digestMetadata(mark.runId) : undefined,
      );
    } catch (error) {
      if (!certainlyNotPosted(error)) throw error;
      const code = slackErrorCode(error);
      const reason = code === 'not_in_channel' || code === 'channel_not_found' ? 'not-in-channel' : 'refused';
      throw new NotPosted(`chat.postMessage: ${describeError(error)}`, reason, { cause: error });
    }
    return this.posted(place, ts);
  }

  private posted(place: Place, ts: string): PostedMessage {
    return {
      platform: 'slack',
      channelId: place.channelId,
      threadId: place.threadId ?? slackThreadId(place.channelId, ts),
    };
  }

  /** Every Slack message can carry a thread: there is nothing to open. */
  async openThread(): Promise<void> {}
}

export function webApiSend(client: WebClient): SlackSend {
  return (channel, message, threadTs, metadata) => postMessage(client, channel, message, threadTs, metadata);
}

export function webApiFindDigest(client: WebClient): SlackFindDigest {
  return (channel, runId, since) => findDigestMessage(client, channel, runId, since);
}

/** A slash command's delivery: its own path is the response_url, then chat.postEphemeral. */
export class SlashCommandDelivery extends SlackDelivery implements RequestDelivery {
  constructor(
    syntax: CommandSyntax,
    readonly place: Place,
    private readonly client: WebClient,
    private readonly userId: string,
    private readonly respondFn: RespondFn | undefined,
    private readonly onFallback: (reason: string) => void,
  ) {
    super(syntax, webApiSend(client));
  }

  async respond(reply: Reply): Promise<void> {
    const message = renderReply(reply);
    const privately = reply.audience === 'requester';
    if (this.respondFn) {
      try {
        await respondWith(this.respondFn, message, privately ? 'ephemeral' : 'in_channel');
        return;
      } catch (error) {
        if (!privately) throw error;
        this.onFallback(describeError(error));
      }
    }
    await postEphemeral(this.client, this.place.channelId, this.userId, message);
  }
}

/** A thread message's delivery: its own path is an ephemeral message in the thread. */
export class ThreadMessageDelivery extends SlackDelivery implements RequestDelivery {
  constructor(
    syntax: CommandSyntax,
    readonly place: Place,
    private readonly client: WebClient,
    private readonly userId: string,
  ) {
    super(syntax, webApiSend(client));
  }

  async respond(reply: Reply): Promise<void> {
    if (reply.audience === 'channel') {
      await this.post(this.place, reply);
      return;
    }
    const threadTs = this.place.threadId ? parseSlackThreadId(this.place.threadId)?.threadTs : undefined;
    await postEphemeral(this.client, this.place.channelId, this.userId, renderReply(reply), threadTs);
  }
}
