import { readFileSync, writeFileSync } from 'node:fs';
import { clearScreenDown, createInterface, cursorTo, type Interface, moveCursor } from 'node:readline';
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
import { consoleCommandSyntax, DEFAULT_WIDTH, renderConsole } from './render.js';

export interface ConsoleOptions {
  bot: BotApi;
  input: Readable;
  output: Writable;
  /** Show a prompt and greeting, keep history and complete words: true for a person at a terminal. */
  interactive: boolean;
  /** Where failures are logged (they are answered with the core's apology too). */
  logger: Logger;
  /** Where notices (warnings) are written above the prompt; default `output`. */
  errors?: Writable | undefined;
  /** Colour titles, headings and sources; main sets it on a terminal unless NO_COLOR is set. */
  color?: boolean | undefined;
  /** File that keeps typed lines across sessions (interactive only). */
  historyFile?: string | undefined;
  /** Topic slugs offered by tab completion after a command. */
  topics?: readonly string[] | undefined;
}

const CHANNEL = 'local';
const PROMPT = 'brief> ';
const EXIT_WORDS = new Set(['/quit', '/exit', 'quit', 'exit']);
const HISTORY_SIZE = 500;
/** Commands whose argument is a topic, so Tab completes slugs after them. */
const TOPIC_COMMANDS = new Set(['brief', 'subscribe', 'unsubscribe']);

/**
 * The local console: one line is one command ("/brief gaza") or one follow-up question about the
 * last briefing. At a terminal it behaves like a REPL: anything printed while the prompt waits
 * (a digest, a warning) goes above it and the prompt is redrawn with what was typed so far; lines
 * are kept in a history file, and Tab completes commands and topics. Piped input is read to its
 * end, each reply printed, then the console closes. As a delivery it prints; its "thread" is the lines typed after the latest briefing or digest.
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
  private lines: Interface | undefined;
  private quitting = false;
  /** The prompt is on screen, waiting for a line: output must go above it. */
  private waiting = false;

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
      terminal: interactive,
      ...(interactive
        ? {
            output,
            prompt: PROMPT,
            history: this.loadHistory(),
            historySize: HISTORY_SIZE,
            removeHistoryDuplicates: true,
            completer: (line: string) => this.complete(line),
          }
        : {}),
    });
    this.lines = lines;
    if (interactive) {
      lines.on('history', (history: string[]) => this.saveHistory(history));
      this.showPrompt();
    }
    // One line at a time, in order, even when the next arrives while a reply is still being made.
    let queue = Promise.resolve();
    lines.on('line', (line) => {
      this.waiting = false;
      queue = queue
        .then(() => this.handleLine(line.trim()))
        .then(() => {
          if (interactive && this.lines) this.showPrompt();
        });
    });
    lines.on('close', () => {
      this.lines = undefined;
      this.waiting = false;
      void queue.then(() => this.resolveClosed());
    });
  }

  /** A line (a warning) for the person at the console, written above the prompt if it is showing. */
  notice(text: string): void {
    this.above(this.options.errors ?? this.options.output, text.endsWith('\n') ? text : `${text}\n`);
  }

  private showPrompt(): void {
    this.waiting = true;
    this.lines?.prompt();
  }

  /** Clears the prompt and what was typed, writes `text`, then draws them again, cursor where it was. */
  private above(stream: Writable, text: string): void {
    const { output } = this.options;
    if (!this.waiting || !this.lines) {
      stream.write(text);
      return;
    }
    moveCursor(output, 0, -this.lines.getCursorPos().rows);
    cursorTo(output, 0);
    clearScreenDown(output);
    stream.write(text);
    this.lines.prompt(true);
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
    const { output, color } = this.options;
    const width = (output as Writable & { columns?: number }).columns ?? DEFAULT_WIDTH;
    this.above(output, `${renderConsole(reply, { width, color: color ?? false })}\n`);
  }

  /** Tab: command names after "/", topic slugs after a command that takes a topic. */
  private complete(line: string): [string[], string] {
    const names = [...this.options.bot.commands.map((command) => command.name), 'quit'];
    const command = /^\/(\S*)$/.exec(line);
    if (command) {
      const typed = command[1] ?? '';
      return [names.filter((name) => name.startsWith(typed)).map((name) => `/${name}`), line];
    }
    const argument = /^\/(\S+)\s+(?:.*[\s,])?([^\s,]*)$/.exec(line);
    const name = (argument?.[1] ?? '').toLowerCase();
    if (!TOPIC_COMMANDS.has(name)) return [[], line];
    const typed = (argument?.[2] ?? '').toLowerCase();
    // In Slack style, "/brief topics" names a command too.
    const words = [...(this.options.topics ?? []), ...(name === 'brief' ? names : [])];
    return [[...new Set(words)].filter((word) => word.startsWith(typed)).sort(), typed];
  }

  private loadHistory(): string[] {
    const file = this.options.historyFile;
    if (!file) return [];
    try {
      // The file is oldest first, like a shell's; readline wants the newest first.
      return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_SIZE).reverse();
    } catch {
      return [];
    }
  }

  private saveHistory(history: readonly string[]): void {
    const file = this.options.historyFile;
    if (!file) return;
    try {
      writeFileSync(file, `${[...history].reverse().join('\n')}\n`, { mode: 0o600 });
    } catch {
      // A read-only home directory costs the history, not the session.
    }
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
