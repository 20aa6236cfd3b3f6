import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import {
  type Adapter,
  answerCommand,
  answerMessage,
  type BotApi,
  type Delivery,
  type Logger,
  type Place,
  type PostedMessage,
  postReply,
  type RequestDelivery,
} from '../../core/index.js';
import type { Reply } from '../../reply.js';
import { consoleCommandSyntax, renderConsole } from './render.js';

export interface ConsoleOptions {
  bot: BotApi;
  input: Readable;
  output: Writable;
  /** Show a prompt and greeting: true for a person at a terminal, false for piped input. */
  interactive: boolean;
  /** Where failures are logged (they are answered with the core's apology too). */
  logger: Logger;
}

const CHANNEL = 'local';
const EXIT_WORDS = new Set(['/quit', '/exit', 'quit', 'exit']);

/**
 * The local console: one line is one command ("/brief gaza") or one follow-up question about the
 * last briefing. Piped input is read to its end, each reply printed, then the console closes.
 * As a delivery it prints; its "thread" is the lines typed after the latest briefing or digest.
 */
export class ConsoleAdapter implements Adapter, Delivery {
  readonly platform = 'console' as const;
  readonly syntax = consoleCommandSyntax;
  readonly followUps = 'next-line' as const;
  /** Settles when the input ends or the user quits. */
  readonly closed: Promise<void>;
  private resolveClosed: () => void = () => {};
  private thread: Place & { threadId: string } = {
    platform: 'console',
    channelId: CHANNEL,
    threadId: 'console:local:0',
  };
  private threads = 0;
  private lines: ReturnType<typeof createInterface> | undefined;
  private quitting = false;

  constructor(private readonly options: ConsoleOptions) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  async start(): Promise<void> {
    const { input, output, interactive, bot } = this.options;
    // Questions before any briefing are answered from the whole store.
    await bot.rememberThread(this.thread, {
      kind: 'info',
      audience: 'requester',
      title: '',
      sections: [],
      thread: { itemIds: [] },
    });
    const lines = createInterface({
      input,
      ...(interactive ? { output, prompt: 'brief> ' } : {}),
      terminal: interactive,
    });
    this.lines = lines;
    if (interactive) lines.prompt();
    // One line at a time, in order, even when the next arrives while a reply is still being made.
    let queue = Promise.resolve();
    lines.on('line', (line) => {
      queue = queue
        .then(() => this.handleLine(line.trim()))
        .then(() => {
          if (interactive && this.lines) lines.prompt();
        });
    });
    lines.on('close', () => {
      this.lines = undefined;
      void queue.then(() => this.resolveClosed());
    });
  }

  private async handleLine(line: string): Promise<void> {
    // Lines already read past a /quit stay unanswered.
    if (this.quitting || line === '' || line.startsWith('#')) return;
    if (EXIT_WORDS.has(line.toLowerCase())) {
      this.quitting = true;
      this.lines?.close();
      return;
    }
    const { bot, logger } = this.options;
    const caller = { platform: this.platform, channelId: CHANNEL, userId: 'console' };
    if (line.startsWith('/')) {
      const [, name = '', text = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
      const place = { platform: this.platform, channelId: CHANNEL };
      await answerCommand(bot, { ...caller, name, input: { text } }, this.bound(place), logger);
      return;
    }
    const thread = this.thread;
    await answerMessage(bot, { ...caller, ...thread, text: line }, this.bound(thread), logger);
  }

  /** This console as the delivery of one request made at `place`. */
  private bound(place: Place): RequestDelivery {
    return {
      platform: this.platform,
      syntax: this.syntax,
      followUps: this.followUps,
      place,
      post: (to, reply) => this.post(to, reply),
      openThread: (message) => this.openThread(message),
      respond: async (reply) => this.print(reply),
    };
  }

  async post(place: Place, reply: Reply): Promise<PostedMessage> {
    this.print(reply);
    return {
      platform: this.platform,
      channelId: place.channelId,
      threadId: place.threadId ?? `console:${place.channelId}:${++this.threads}`,
    };
  }

  /** Lines typed from now on are follow-ups about this message. */
  async openThread(message: PostedMessage): Promise<void> {
    this.thread = { platform: this.platform, channelId: message.channelId, threadId: message.threadId };
  }

  private print(reply: Reply): void {
    this.options.output.write(`${renderConsole(reply)}\n`);
  }

  async stop(): Promise<void> {
    this.lines?.close();
    await this.closed;
  }

  postToChannel(channelId: string, reply: Reply): Promise<PostedMessage> {
    return postReply(
      this.options.bot,
      this,
      { platform: this.platform, channelId },
      reply,
      this.options.logger,
    );
  }
}
