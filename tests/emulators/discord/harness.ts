import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/index.js';
import type { DiscordConfig, DiscordLogger } from '../../../src/adapters/discord/types.js';
import type { BotApi } from '../../../src/core/bot-api.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { CommandRequest, MessageRequest } from '../../../src/core/requests.js';
import type { ThreadKey } from '../../../src/core/store/store.js';
import type { Reply } from '../../../src/reply.js';
import { type Core, openCore } from '../../../src/runtime.js';
import { REPO_BRIEFINGS, SEED_FILE } from '../../support/core.js';
import { DiscordEmulator, type EmulatorOptions } from './server.js';

/**
 * The real discord.js client (through the adapter) against the emulator on 127.0.0.1, on the real core
 * Bot over the seed briefing (plus any `files`).
 */

/** The core's Bot, plus the levers tests pull: a slow core, a failing core. */
export class TestBot implements BotApi {
  /** Each command takes this long first, to make the adapter defer. */
  commandDelayMs = 0;
  /** The next command throws, as a bug in the core would. */
  failNext = false;

  constructor(private readonly inner: BotApi) {}

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

  firstDelivery(keys: readonly string[]): Promise<boolean> {
    return this.inner.firstDelivery(keys);
  }

  topicChoices(typed: string): Promise<{ name: string; value: string }[]> {
    return this.inner.topicChoices(typed);
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
  /** The core behind the bot, to poll its feeds. */
  core: Core;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  emulator?: EmulatorOptions;
  deferAfterMs?: number;
  /** Briefing files beside the seed, by name. */
  files?: Record<string, string>;
  /** Another harness's emulator: several bot instances on one Discord. The harness that made it closes it. */
  on?: DiscordEmulator;
  /** The gateway shards this instance runs. */
  shards?: Pick<DiscordConfig, 'shards' | 'shardCount'>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator =
    options.on ?? (await DiscordEmulator.start({ heartbeatIntervalMs: 1000, ...options.emulator }));
  const closeEmulator = () => (options.on ? Promise.resolve() : emulator.close());
  // Lives as long as the harness (often a whole file), not one test: made and removed here.
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-discord-'));
  const briefingsDir = join(dir, 'briefings');
  cpSync(join(REPO_BRIEFINGS, 'topics.yaml'), join(briefingsDir, 'topics.yaml'), { recursive: true });
  cpSync(join(REPO_BRIEFINGS, SEED_FILE), join(briefingsDir, SEED_FILE));
  for (const [name, content] of Object.entries(options.files ?? {}))
    writeFileSync(join(briefingsDir, name), content);
  const core = await openCore({ briefingsDir, databasePath: join(dir, 'briefbot.db'), logger: silentLogger });
  const bot = new TestBot(core.bot);
  const logger = new MemoryLogger();
  const adapter = createDiscordAdapter({
    bot,
    logger,
    config: {
      token: emulator.token,
      applicationId: emulator.applicationId,
      apiUrl: emulator.apiUrl,
      ...options.shards,
    },
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
    rest: { retries: 0, timeout: 5000 },
  });
  try {
    await adapter.start();
  } catch (error) {
    await adapter.stop().catch(() => undefined);
    await closeEmulator();
    await core.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    emulator,
    adapter,
    bot,
    logger,
    core,
    async stop() {
      await adapter.stop();
      await closeEmulator();
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
