import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, vi } from 'vitest';
import { slackCommandSyntax } from '../../src/adapters/slack/hints.js';
import type { PostedMessage } from '../../src/core/delivery.js';
import type { Logger } from '../../src/core/logger.js';
import type { Platform } from '../../src/core/model.js';
import { fillHints, type Reply } from '../../src/reply.js';
import { type Core, openCore } from '../../src/runtime.js';
import { Scheduler, type SchedulerOptions } from '../../src/scheduler.js';
import { briefingsFolder, scratchDir } from './core.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.useRealTimers();
});

/**
 * Fakes Date and timers for the test, so the real node-cron fires at the wall-clock times the
 * test chooses. Set before opening the core: ingestion times then come from the same clock.
 */
export function fakeTime(iso: string): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(new Date(iso));
}

/** Moves the fake clock to `iso`, firing every timer (cron ticks included) on the way. */
export async function advanceTo(iso: string): Promise<void> {
  const ms = Date.parse(iso) - Date.now();
  if (ms < 0) throw new Error(`cannot go back in time to ${iso}`);
  await vi.advanceTimersByTimeAsync(ms);
}

export interface Posted {
  channelId: string;
  reply: Reply;
  /** When the post happened, by the (fake) clock. */
  at: string;
}

/** Stands in for an adapter: records posts, and fails the next `n` when told to. */
export class RecordingPoster {
  readonly posts: Posted[] = [];
  private failures = 0;
  calls = 0;

  constructor(readonly platform: Platform = 'slack') {}

  failNext(count: number): void {
    this.failures = count;
  }

  async postToChannel(channelId: string, reply: Reply): Promise<PostedMessage> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('platform said 500');
    }
    this.posts.push({ channelId, reply, at: new Date().toISOString() });
    return {
      platform: this.platform,
      channelId,
      threadId: `${this.platform}:${channelId}:${this.posts.length}`,
    };
  }
}

/** Collects log lines so tests can check what was reported. */
export class MemoryLog implements Logger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  debug = (message: string, fields?: Record<string, unknown>) => this.push('debug', message, fields);
  info = (message: string, fields?: Record<string, unknown>) => this.push('info', message, fields);
  warn = (message: string, fields?: Record<string, unknown>) => this.push('warn', message, fields);
  error = (message: string, fields?: Record<string, unknown>) => this.push('error', message, fields);

  private push(level: string, message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level, message, ...(fields ? { fields } : {}) });
  }

  messages(level: string): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }
}

/** A briefings folder with the seed, and a database path, shared by cores that act as instances. */
export function digestSetup(): { briefings: string; database: string } {
  return { briefings: briefingsFolder(), database: join(scratchDir(), 'briefbot.db') };
}

export async function openDigestCore(
  setup = digestSetup(),
  options: { subscriptionAdmins?: Partial<Record<Platform, string[]>>; logger?: Logger } = {},
): Promise<Core & { briefings: string; database: string }> {
  const core = await openCore({
    briefingsDir: setup.briefings,
    databasePath: setup.database,
    logger: options.logger ?? new MemoryLog(),
    ...(options.subscriptionAdmins ? { subscriptionAdmins: options.subscriptionAdmins } : {}),
  });
  cleanups.push(() => core.close());
  return Object.assign(core, setup);
}

/** A scheduler on the core, posting through `posters`, wired to subscribe/unsubscribe; stopped after the test. */
export function startScheduler(
  core: Core,
  posters: SchedulerOptions['posters'],
  options: Partial<SchedulerOptions> = {},
): Scheduler {
  const scheduler = new Scheduler({
    store: core.store,
    catalogue: core.catalogue,
    posters,
    logger: new MemoryLog(),
    instanceId: 'instance-a',
    graceMs: 6 * 3_600_000,
    retry: { attempts: 3, firstDelayMs: 1_000, maxDelayMs: 4_000 },
    ...options,
  });
  const detach = core.subscriptionEvents.listen(scheduler);
  cleanups.push(async () => {
    detach();
    await scheduler.stop();
  });
  return scheduler;
}

/** Runs a command as a Slack user in channel C1 would type it after /brief. */
export function command(
  core: Core,
  text: string,
  caller: { platform?: Platform; userId?: string; channelId?: string } = {},
) {
  const [name = '', ...rest] = text.split(' ');
  return core.bot.command({
    platform: caller.platform ?? 'slack',
    workspaceId: 'T1',
    channelId: caller.channelId ?? 'C1',
    userId: caller.userId ?? 'U1',
    name: 'brief',
    input: { text: [name, ...rest].join(' ') },
  });
}

/** Adds a briefing file to the folder and ingests it now (by the fake clock, if any). */
export async function addBriefing(
  core: Core & { briefings: string },
  name: string,
  text: string,
): Promise<void> {
  writeFileSync(join(core.briefings, name), text);
  await core.folder.sync();
}

/** The reply's text as a Slack user reads it (hints name `/brief <command>`). */
export const allText = (reply: Reply | undefined) =>
  reply
    ? fillHints(
        [
          reply.title,
          reply.intro ?? '',
          ...reply.sections.flatMap((s) => [s.heading, s.text ?? '', ...(s.bullets ?? [])]),
        ].join('\n'),
        slackCommandSyntax(),
      )
    : '';
