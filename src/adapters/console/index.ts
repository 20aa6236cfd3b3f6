import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Adapter, BotApi, PostedMessage } from '../../core/bot-api.js';
import type { ThreadKey } from '../../core/store/store.js';
import type { Reply } from '../../reply.js';
import { renderConsole } from './render.js';

export interface ConsoleOptions {
  bot: BotApi;
  input: Readable;
  output: Writable;
  /** Show a prompt and greeting: true for a person at a terminal, false for piped input. */
  interactive: boolean;
}

const CHANNEL = 'local';
const EXIT_WORDS = new Set(['/quit', '/exit', 'quit', 'exit']);

/**
 * The local console: one line is one command ("/brief gaza") or one follow-up question about the
 * last briefing. Piped input is read to its end, each reply printed, then the console closes.
 */
export class ConsoleAdapter implements Adapter {
  readonly platform = 'console' as const;
  /** Settles when the input ends or the user quits. */
  readonly closed: Promise<void>;
  private resolveClosed: () => void = () => {};
  private thread: ThreadKey = { platform: 'console', channelId: CHANNEL, threadId: 'console:local:0' };
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
    const { bot } = this.options;
    const caller = { platform: this.platform, channelId: CHANNEL, userId: 'console' };
    if (line.startsWith('/')) {
      const [, name = '', text = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
      const reply = await bot.command({ ...caller, name, input: { text } });
      if (reply.thread) await this.openThread(CHANNEL, reply);
      this.print(reply);
      return;
    }
    const reply = await bot.followUp({
      ...caller,
      channelId: this.thread.channelId,
      threadId: this.thread.threadId,
      text: line,
    });
    if (reply) this.print(reply);
  }

  /** Lines typed after a briefing or digest are follow-ups about it. */
  private async openThread(channelId: string, reply: Reply): Promise<ThreadKey> {
    this.thread = { platform: this.platform, channelId, threadId: `console:${channelId}:${++this.threads}` };
    await this.options.bot.rememberThread(this.thread, reply);
    return this.thread;
  }

  private print(reply: Reply): void {
    this.options.output.write(`${renderConsole(reply)}\n`);
  }

  async stop(): Promise<void> {
    this.lines?.close();
    await this.closed;
  }

  async postToChannel(channelId: string, reply: Reply): Promise<PostedMessage> {
    const thread = await this.openThread(channelId, reply);
    this.print(reply);
    return thread;
  }
}
