import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/index.js';
import type { DiscordLogger } from '../../../src/adapters/discord/types.js';
import type { BotApi } from '../../../src/core/bot-api.js';
import type { CommandRequest, MessageRequest } from '../../../src/core/requests.js';
import type { ThreadKey } from '../../../src/core/store/store.js';
import type { Reply } from '../../../src/reply.js';
import { FakeBot, type FakeItem } from './fake-bot.js';
import { DiscordEmulator, type EmulatorOptions } from './server.js';

/**
 * The real discord.js client (through the adapter) against the emulator on 127.0.0.1.
 * The bot under test is built here and only here: swap `createBot` for the core's Bot when it lands.
 */
export const createBot = (): BotApi & { addItem?(topic: string, item: FakeItem): void } => new FakeBot();

/** Any BotApi, plus the levers tests pull: a slow core, a failing core, a new document. */
export class TestBot implements BotApi {
  /** Each command takes this long first, to make the adapter defer. */
  commandDelayMs = 0;
  /** The next command throws, as a bug in the core would. */
  failNext = false;

  constructor(private readonly inner: ReturnType<typeof createBot>) {}

  get commands() {
    return this.inner.commands;
  }

  async command(request: CommandRequest): Promise<Reply> {
    if (this.commandDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.commandDelayMs));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('store unavailable');
    }
    return this.inner.command(request);
  }

  followUp(request: MessageRequest): Promise<Reply | undefined> {
    return this.inner.followUp(request);
  }

  rememberThread(key: ThreadKey, reply: Reply): Promise<void> {
    return this.inner.rememberThread(key, reply);
  }

  topicChoices(typed: string): Promise<{ name: string; value: string }[]> {
    return this.inner.topicChoices(typed);
  }

  /** A document with one item under `topic`, as if ingested. */
  addDocument(topic: string, item: FakeItem): void {
    if (!this.inner.addItem)
      throw new Error('this bot cannot take documents in tests yet: ingest into its store');
    this.inner.addItem(topic, item);
  }
}

/** Keeps what the adapter logs, so tests can assert that nothing went wrong quietly. */
export class MemoryLogger implements DiscordLogger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> | undefined }[] = [];
  debug(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, fields });
  }
  at(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}

export interface Harness {
  emulator: DiscordEmulator;
  adapter: DiscordAdapter;
  bot: TestBot;
  logger: MemoryLogger;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  emulator?: EmulatorOptions;
  deferAfterMs?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = await DiscordEmulator.start({ heartbeatIntervalMs: 1000, ...options.emulator });
  const bot = new TestBot(createBot());
  const logger = new MemoryLogger();
  const adapter = createDiscordAdapter({
    bot,
    logger,
    config: { token: emulator.token, applicationId: emulator.applicationId, apiUrl: emulator.apiUrl },
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
    rest: { retries: 0, timeout: 5000 },
  });
  try {
    await adapter.start();
  } catch (error) {
    await adapter.stop().catch(() => undefined);
    await emulator.close();
    throw error;
  }
  return {
    emulator,
    adapter,
    bot,
    logger,
    async stop() {
      await adapter.stop();
      await emulator.close();
    },
  };
}
