/**
 * Test harness: the real Slack adapter (real Bolt app) against the emulator, both on 127.0.0.1, and
 * signed requests into the app's HTTP receiver. The bot behind the adapter comes from `createBot()`.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SlackAdapter } from '../../../src/adapters/slack/app.js';
import { createSlackAdapter } from '../../../src/adapters/slack/index.js';
import type { SlackConfig, SlackRetryConfig } from '../../../src/adapters/slack/types.js';
import type { BotApi } from '../../../src/core/bot-api.js';
import type { Command } from '../../../src/core/commands/command.js';
import { type Logger, silentLogger } from '../../../src/core/logger.js';
import type { CommandRequest, MessageRequest } from '../../../src/core/requests.js';
import type { ThreadKey } from '../../../src/core/store/store.js';
import type { Reply } from '../../../src/reply.js';
import { openCore } from '../../../src/runtime.js';
import { SlackEmulator } from './server.js';
import {
  eventCallback,
  FORM,
  JSON_TYPE,
  postSigned,
  type SignOptions,
  type SlackHttpResult,
  slashCommandForm,
  slashCommandPayload,
} from './sign.js';

export const SIGNING_SECRET = 'emulated-signing-secret';
export const CHANNEL = 'C0NEWS';
export const USER = 'U0ANALYST';

/* ------------------------------ the test bot ------------------------------ */

const REPO_BRIEFINGS = join(import.meta.dirname, '../../../briefings');
const SEED_FILE = '2024-04-29-biden-netanyahu-call.txt';

/** A bot and how to dispose of it. */
export interface TestBot {
  bot: BotApi;
  close(): Promise<void>;
}

/**
 * The bot the Slack tests run against: the real core (store, ingest, briefings, answers) on a scratch
 * copy of the topic catalogue and the seed document. Swap it here, and only here.
 */
export async function createBot(): Promise<TestBot> {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-slack-'));
  const briefingsDir = join(dir, 'briefings');
  cpSync(join(REPO_BRIEFINGS, 'topics.yaml'), join(briefingsDir, 'topics.yaml'), { recursive: true });
  cpSync(join(REPO_BRIEFINGS, SEED_FILE), join(briefingsDir, SEED_FILE));
  try {
    const core = await openCore({
      briefingsDir,
      databasePath: join(dir, 'briefbot.db'),
      logger: silentLogger,
    });
    return {
      bot: core.bot,
      async close() {
        await core.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Wraps any bot: records what the adapter asked and lets a test replace one behaviour. */
export class RecordingBot implements BotApi {
  readonly commandCalls: CommandRequest[] = [];
  readonly followUpCalls: MessageRequest[] = [];
  readonly remembered: { key: ThreadKey; reply: Reply }[] = [];
  /** Set to replace `command` for one test; receives the wrapped bot. */
  onCommand?: ((request: CommandRequest, inner: BotApi) => Promise<Reply>) | undefined;
  onFollowUp?: ((request: MessageRequest, inner: BotApi) => Promise<Reply | undefined>) | undefined;

  constructor(readonly inner: BotApi) {}

  get commands(): readonly Command[] {
    return this.inner.commands;
  }

  command(request: CommandRequest): Promise<Reply> {
    this.commandCalls.push(request);
    return this.onCommand ? this.onCommand(request, this.inner) : this.inner.command(request);
  }

  followUp(request: MessageRequest): Promise<Reply | undefined> {
    this.followUpCalls.push(request);
    return this.onFollowUp ? this.onFollowUp(request, this.inner) : this.inner.followUp(request);
  }

  async rememberThread(key: ThreadKey, reply: Reply): Promise<void> {
    this.remembered.push({ key, reply });
    await this.inner.rememberThread(key, reply);
  }

  firstDelivery(keys: readonly string[]): Promise<boolean> {
    return this.inner.firstDelivery(keys);
  }

  topicChoices(typed: string): Promise<{ name: string; value: string }[]> {
    return this.inner.topicChoices(typed);
  }

  reset(): void {
    this.commandCalls.length = 0;
    this.followUpCalls.length = 0;
    this.remembered.length = 0;
    this.onCommand = undefined;
    this.onFollowUp = undefined;
  }
}

/* ------------------------------- the logger ------------------------------- */

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** Keeps log lines in memory so tests can wait on them; prints nothing unless SLACK_TEST_LOG is set. */
export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = [];
  private readonly waiters = new Set<() => void>();

  debug = (message: string, fields?: Record<string, unknown>) => this.push('debug', message, fields);
  info = (message: string, fields?: Record<string, unknown>) => this.push('info', message, fields);
  warn = (message: string, fields?: Record<string, unknown>) => this.push('warn', message, fields);
  error = (message: string, fields?: Record<string, unknown>) => this.push('error', message, fields);

  errors(): LogLine[] {
    return this.lines.filter((line) => line.level === 'error');
  }

  /** Resolves with the first line (from `from` on) whose message matches. */
  waitFor(pattern: RegExp, from = 0, timeoutMs = 5_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.lines.slice(from).find((l) => pattern.test(l.message));
        if (!line) return;
        cleanup();
        resolve(line);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`log line ${pattern} not seen within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private push(level: LogLine['level'], message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level, message, ...(fields ? { fields } : {}) });
    if (process.env.SLACK_TEST_LOG) console.log(level, message, fields ?? '');
    for (const waiter of [...this.waiters]) waiter();
  }
}

/* ------------------------------- the harness ------------------------------ */

/** Fast retries: failure tests finish in well under a second (plus any Retry-After). */
export const TEST_RETRY: SlackRetryConfig = {
  retries: 2,
  factor: 1,
  minTimeoutMs: 20,
  maxTimeoutMs: 50,
  randomize: false,
};

export interface SlackHarness {
  emulator: SlackEmulator;
  adapter: SlackAdapter;
  bot: RecordingBot;
  logger: MemoryLogger;
  /** The app's Events/commands URL (HTTP mode). */
  eventsUrl: string;
  /** `/brief <text>` from USER in CHANNEL, signed; returns the HTTP answer and the response_url used. */
  command(
    text: string,
    options?: Partial<SignOptions> & { channel?: string },
  ): Promise<SlackHttpResult & { responseUrl: string }>;
  /** An Events API delivery, signed; returns the HTTP answer. */
  event(
    event: Record<string, unknown>,
    options?: Partial<SignOptions> & { eventId?: string },
  ): Promise<SlackHttpResult & { eventId: string; body: string }>;
  /** A `/brief` payload as Socket Mode delivers it. */
  slashPayload(text: string, channel?: string): Record<string, string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  mode?: 'http' | 'socket';
  retry?: SlackRetryConfig;
  bot?: BotApi;
  /** How long a Web API call may go unanswered (default 5 s). */
  requestTimeoutMs?: number;
}

export async function startSlackHarness(options: HarnessOptions = {}): Promise<SlackHarness> {
  const testBot: TestBot = options.bot ? { bot: options.bot, close: async () => {} } : await createBot();
  const emulator = await SlackEmulator.start();
  const logger = new MemoryLogger();
  const bot = new RecordingBot(testBot.bot);
  const mode = options.mode ?? 'http';
  const config: SlackConfig = {
    mode,
    botToken: emulator.botToken,
    signingSecret: SIGNING_SECRET,
    appToken: emulator.appToken,
    port: 0,
    host: '127.0.0.1',
    apiUrl: emulator.apiUrl,
    retry: options.retry ?? TEST_RETRY,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
  };
  const adapter = createSlackAdapter({ bot, config, logger, logLevel: 'debug' });
  try {
    await adapter.start();
  } catch (error) {
    await emulator.close();
    await testBot.close();
    throw error;
  }
  const address = adapter.address();
  const eventsUrl = address ? `http://127.0.0.1:${address.port}/slack/events` : '';

  return {
    emulator,
    adapter,
    bot,
    logger,
    eventsUrl,
    async command(text, opts = {}) {
      const responseUrl = emulator.responseUrl();
      const body = slashCommandForm({
        text,
        channel_id: opts.channel ?? CHANNEL,
        user_id: USER,
        response_url: responseUrl,
      });
      const result = await postSigned(eventsUrl, body, {
        secret: SIGNING_SECRET,
        contentType: FORM,
        ...opts,
      });
      return { ...result, responseUrl };
    },
    async event(event, opts = {}) {
      const envelope = eventCallback(event, opts.eventId ? { eventId: opts.eventId } : {});
      const body = JSON.stringify(envelope);
      const result = await postSigned(eventsUrl, body, {
        secret: SIGNING_SECRET,
        contentType: JSON_TYPE,
        ...opts,
      });
      return { ...result, eventId: envelope.event_id, body };
    },
    slashPayload(text, channel = CHANNEL) {
      return slashCommandPayload({
        text,
        channel_id: channel,
        user_id: USER,
        response_url: emulator.responseUrl(),
      });
    },
    async close() {
      await adapter.stop();
      await emulator.close();
      await testBot.close();
    },
  };
}
